// InfluxQL tokens: scans query text into identifiers, keywords, literals and operators with InfluxDB 1.x
// positions (1-based line and char) so parse errors read exactly as influxd's. Knows nothing of the grammar.
import { InvalidError } from "../../base/index.ts";

/**
 * Token kinds: "EOF", "IDENT", "STRING", "BADSTRING", "BADESCAPE", "NUMBER", "INTEGER", "DURATION", "REGEX",
 * "BOUNDPARAM", "ILLEGAL"; keywords use their upper-case name ("SELECT"); operators their text ("=~").
 */
export type TokenKind = string;

/** One scanned token. `lit` is the literal text ("" for keywords and operators); `quoted` for `"ident"`. */
export interface Token {
  kind: TokenKind;
  lit: string;
  line: number;
  char: number;
  /** Offset of the token's first character in the query text. */
  start: number;
  /** Offset just past the token. */
  end: number;
  quoted: boolean;
}

/** InfluxQL keywords (influxql/token.go); an unquoted identifier spelling one of these is that keyword. */
const KEYWORDS = new Set([
  "ALL",
  "ALTER",
  "AND",
  "ANY",
  "AS",
  "ASC",
  "BEGIN",
  "BY",
  "CARDINALITY",
  "CREATE",
  "CONTINUOUS",
  "DATABASE",
  "DATABASES",
  "DEFAULT",
  "DELETE",
  "DESC",
  "DESTINATIONS",
  "DIAGNOSTICS",
  "DISTINCT",
  "DROP",
  "DURATION",
  "END",
  "EVERY",
  "EXACT",
  "EXPLAIN",
  "FALSE",
  "FIELD",
  "FOR",
  "FROM",
  "GRANT",
  "GRANTS",
  "GROUP",
  "GROUPS",
  "IN",
  "INF",
  "INSERT",
  "INTO",
  "KEY",
  "KEYS",
  "KILL",
  "LIMIT",
  "MEASUREMENT",
  "MEASUREMENTS",
  "NAME",
  "OFFSET",
  "ON",
  "OR",
  "ORDER",
  "PASSWORD",
  "POLICY",
  "POLICIES",
  "PRIVILEGES",
  "QUERIES",
  "QUERY",
  "READ",
  "REPLICATION",
  "RESAMPLE",
  "RETENTION",
  "REVOKE",
  "SELECT",
  "SERIES",
  "SET",
  "SHARD",
  "SHARDS",
  "SHOW",
  "SLIMIT",
  "SOFFSET",
  "STATS",
  "SUBSCRIPTION",
  "SUBSCRIPTIONS",
  "TAG",
  "TO",
  "TRUE",
  "USER",
  "USERS",
  "VALUES",
  "WHERE",
  "WITH",
  "WRITE",
]);

/** Whether `text` ends with a duration literal: a trailing run of word characters that starts with a digit. */
function endsWithDuration(text: string): boolean {
  let p = text.length;
  while (p > 0 && (isIdentChar(text[p - 1]!) || text[p - 1] === "µ")) p--;
  const run = text.slice(p);
  return isDigit(run[0]) && /[A-Za-zµ]/.test(run);
}

function isLetter(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

function isIdentStart(c: string): boolean {
  return isLetter(c) || c === "_";
}

function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= "0" && c <= "9");
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

// Runs of whitespace and of identifier characters, matched natively (sticky) rather than char by char: the
// lexer runs once per query, mostly before the JIT has optimized it.
const SPACES = /\s*/y;
const IDENT_CHARS = /[A-Za-z0-9_]*/y;

/** The offset after the whitespace run starting at `from`. */
function skipSpaces(text: string, from: number): number {
  SPACES.lastIndex = from;
  SPACES.test(text);
  return SPACES.lastIndex;
}

/** Throws the InfluxDB-shaped parse error `error parsing query: <detail>`. */
export function parseError(detail: string): never {
  throw new InvalidError("QUERY_PARSE", `error parsing query: ${detail}`);
}

/** The display form of a token in "found X" messages, as influxql's tokstr. */
export function tokenText(t: Token): string {
  if (t.lit !== "") return t.lit;
  return t.kind;
}

/**
 * Scans `text` on demand. Regexes are scanned only when the parser asks (`scanRegex`), since `/` is also
 * division. Positions follow influxd's reader (see `eofChar`).
 */
export class Lexer {
  private readonly text: string;
  private pos = 0;
  /** Offsets where lines start, for position computation. */
  private readonly lineStarts: number[] = [0];
  // The last token `next` scanned, from offset `cachedFrom`: the parser's accept/peek put tokens back and scan
  // them again, so the next call from the same offset returns it (tokens are never mutated).
  private cachedFrom = -1;
  private cached: Token | null = null;

  constructor(text: string) {
    this.text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.lineStarts.push(i + 1);
  }

  /** Current offset. */
  get offset(): number {
    return this.pos;
  }

  /** The query text between two offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** Moves back to `offset` (the parser's unscan). */
  reset(offset: number): void {
    this.pos = offset;
  }

  private make(kind: TokenKind, lit: string, start: number, end: number, quoted = false, charAdjust = 1): Token {
    let line = 0;
    while (line + 1 < this.lineStarts.length && this.lineStarts[line + 1]! <= start) line++;
    return { kind, lit, line: line + 1, char: start - this.lineStarts[line]! + charAdjust, start, end, quoted };
  }

  /** The next token, skipping whitespace. */
  next(): Token {
    const from = this.pos;
    if (from === this.cachedFrom) {
      const t = this.cached!;
      this.pos = t.end;
      return t;
    }
    const t = this.scanToken();
    this.cachedFrom = from;
    this.cached = t;
    return t;
  }

  private scanToken(): Token {
    const text = this.text;
    const wsStart = this.pos;
    this.pos = skipSpaces(text, this.pos);
    if (this.pos >= text.length) return this.eof(this.pos > wsStart);
    const start = this.pos;
    const c = text[start]!;
    if (isIdentStart(c)) return this.ident(start);
    if (isDigit(c) || (c === "." && isDigit(text[start + 1]))) return this.number(start);
    switch (c) {
      case '"':
        return this.quotedIdent(start);
      case "'":
        return this.string(start);
      case "$":
        return this.boundParam(start);
    }
    const two = text.slice(start, start + 2);
    if (["!=", "<>", "<=", ">=", "=~", "!~", "::"].includes(two)) {
      this.pos += 2;
      return this.make(two === "<>" ? "!=" : two, "", start, this.pos);
    }
    this.pos++;
    if ("+-*/%&|^=<>(),;.".includes(c)) return this.make(c, "", start, this.pos);
    return this.make("ILLEGAL", c, start, this.pos);
  }

  /**
   * EOF's reported char: influxd counts one past the end after an identifier, keyword, number or call
   * parenthesis, and the end itself after whitespace, a string, an operator or a duration literal (`1d`).
   */
  private eof(afterWs: boolean): Token {
    const end = this.text.length;
    const prev = this.text[end - 1];
    let adjust = 1;
    const callParen = prev === "(" && end >= 2 && isIdentChar(this.text[end - 2]!);
    if (!afterWs && prev !== undefined && (isIdentChar(prev) || callParen || prev === ")" || prev === '"')) adjust = 2;
    if (adjust === 2 && endsWithDuration(this.text)) adjust = 1;
    return this.make("EOF", "", end, end, false, adjust);
  }

  private ident(start: number): Token {
    const text = this.text;
    IDENT_CHARS.lastIndex = start;
    IDENT_CHARS.test(text);
    this.pos = IDENT_CHARS.lastIndex;
    const lit = text.slice(start, this.pos);
    const upper = lit.toUpperCase();
    if (KEYWORDS.has(upper)) return this.make(upper, "", start, this.pos);
    return this.make("IDENT", lit, start, this.pos);
  }

  private number(start: number): Token {
    const text = this.text;
    let p = start;
    while (isDigit(text[p])) p++;
    let isFloat = false;
    if (text[p] === "." && isDigit(text[p + 1])) {
      isFloat = true;
      p++;
      while (isDigit(text[p])) p++;
    }
    if (!isFloat && p < text.length && (isLetter(text[p]!) || text[p] === "µ")) {
      // Digits followed by letters form a duration token (validated by the parser), as influxd's scanner.
      while (p < text.length && (isLetter(text[p]!) || isDigit(text[p]) || text[p] === "µ")) p++;
      this.pos = p;
      return this.make("DURATION", text.slice(start, p), start, p);
    }
    this.pos = p;
    return this.make(isFloat ? "NUMBER" : "INTEGER", text.slice(start, p), start, p);
  }

  private quotedIdent(start: number): Token {
    const r = this.readQuoted(start, '"');
    if (r.kind !== "STRING") return r;
    return { ...r, kind: "IDENT", quoted: true };
  }

  private string(start: number): Token {
    return this.readQuoted(start, "'");
  }

  /** Reads a quoted literal with influxql's escapes (\n, \\, \', \"); bad strings carry influxd's positions. */
  private readQuoted(start: number, quote: string): Token {
    const text = this.text;
    // Without escapes or newlines before the closing quote, the literal is the text between the quotes.
    const close = text.indexOf(quote, start + 1);
    if (close > start) {
      const body = text.slice(start + 1, close);
      if (!body.includes("\\") && !body.includes("\n")) {
        this.pos = close + 1;
        return this.make("STRING", body, start, this.pos, false, 0);
      }
    }
    let p = start + 1;
    let out = "";
    for (;;) {
      if (p >= text.length || text[p] === "\n") {
        this.pos = p;
        return this.make("BADSTRING", out, start, p, false, 0);
      }
      const c = text[p]!;
      if (c === quote) {
        this.pos = p + 1;
        // influxd reports a string at the offset of its opening quote (0-based), unlike other tokens.
        return this.make("STRING", out, start, this.pos, false, 0);
      }
      if (c === "\\") {
        const e = text[p + 1];
        if (e === "n") out += "\n";
        else if (e === "\\") out += "\\";
        else if (e === '"') out += '"';
        else if (e === "'") out += "'";
        else {
          this.pos = p + 2;
          return this.make("BADESCAPE", `\\${e ?? ""}`, p + 1, p + 2);
        }
        p += 2;
        continue;
      }
      out += c;
      p++;
    }
  }

  private boundParam(start: number): Token {
    const text = this.text;
    let p = start + 1;
    if (text[p] === '"') {
      const t = this.readQuoted(p, '"');
      if (t.kind !== "STRING") return t;
      return this.make("BOUNDPARAM", t.lit, start, this.pos);
    }
    while (p < text.length && isIdentChar(text[p]!)) p++;
    this.pos = p;
    return this.make("BOUNDPARAM", text.slice(start + 1, p), start, p);
  }

  /**
   * Scans a regex literal `/.../` starting at the current position (after whitespace); `\/` escapes a slash.
   * Returns null when the next character is not `/`. Throws the influxd "bad regex" error when unterminated.
   */
  scanRegex(): Token | null {
    const text = this.text;
    this.pos = skipSpaces(text, this.pos);
    const start = this.pos;
    if (text[start] !== "/") return null;
    let p = start + 1;
    let out = "";
    for (;;) {
      if (p >= text.length || text[p] === "\n") {
        const t = this.make("BADREGEX", "", start, p, false, 0);
        parseError(`bad regex:  at line ${t.line}, char ${t.char}`);
      }
      const c = text[p]!;
      if (c === "/") break;
      if (c === "\\" && text[p + 1] === "/") {
        out += "/";
        p += 2;
        continue;
      }
      out += c;
      p++;
    }
    this.pos = p + 1;
    return this.make("REGEX", out, start, this.pos);
  }
}
