// JSON parsing that keeps integers beyond ±2^53 exact (as bigint): InfluxQL responses carry int64 field values
// and epoch=ns times as bare JSON numbers, which JSON.parse would round. Free of Node APIs.

// A number that needs bigint has at least 16 digits (2^53 = 9007199254740992 has 16); text without such a run
// of digits goes to the native parser, which is several times faster.
const LONG_DIGITS = /\d{16}/;
const SAFE_DIGITS = 15;

/**
 * Parses JSON `text` like JSON.parse, except that an integer literal (no fraction, no exponent) outside the
 * safe-integer range becomes a bigint holding its exact value. Throws SyntaxError for malformed JSON.
 */
export function parseExactJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text) as unknown;
  const parser = new ExactJsonParser(text);
  parser.skipBlanks();
  const value = parser.value();
  parser.skipBlanks();
  if (parser.pos !== text.length) parser.fail("unexpected text after the value");
  return value;
}

class ExactJsonParser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`json: ${what} at offset ${this.pos}`);
  }

  skipBlanks(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.pos = pos;
  }

  value(): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.text.startsWith("true", this.pos)) return this.literal(4, true);
    if (this.text.startsWith("false", this.pos)) return this.literal(5, false);
    if (this.text.startsWith("null", this.pos)) return this.literal(4, null);
    return this.fail("unexpected character");
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipBlanks();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail("expected a key");
      const key = this.string();
      this.skipBlanks();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipBlanks();
      // defineProperty, not assignment: a "__proto__" key must stay a plain own property, as with JSON.parse.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipBlanks();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail("expected ',' or '}'");
      this.skipBlanks();
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipBlanks();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipBlanks();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail("expected ',' or ']'");
      this.skipBlanks();
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.pos + 1;
    let pos = start;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c === 0x5c) return this.escapedString(start);
      if (c < 0x20 || pos >= text.length) this.fail("bad string");
      pos++;
    }
    this.pos = pos + 1;
    return text.slice(start, pos);
  }

  // Rare path: hand the whole literal to JSON.parse, which knows every escape.
  private escapedString(start: number): string {
    const text = this.text;
    let pos = start;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (pos >= text.length) this.fail("unterminated string");
      if (c === 0x5c) pos += 2;
      else if (c === 0x22) break;
      else pos++;
    }
    this.pos = pos + 1;
    return JSON.parse(text.slice(start - 1, pos + 1)) as string;
  }

  private number(): number | bigint {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let integer = true;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c >= 0x30 && c <= 0x39) pos++;
      else if (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
        integer = false;
        pos++;
      } else break;
    }
    this.pos = pos;
    const literal = text.slice(start, pos);
    const value = Number(literal);
    if (Number.isNaN(value) || literal === "-" || literal.endsWith(".")) this.fail("bad number");
    const digits = literal.length - (literal.charCodeAt(0) === 0x2d ? 1 : 0);
    if (integer && digits > SAFE_DIGITS && !Number.isSafeInteger(value)) return BigInt(literal);
    return value;
  }
}
