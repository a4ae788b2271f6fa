// Scans line-protocol scalars straight from bytes: field values (float, integer, unsigned, boolean, string) and
// timestamps. Knows nothing of lines, series or batches; the parser owns one scanner and reads its result fields.
import { isUtf8 } from "node:buffer";
import { FieldType } from "../../storage/index.ts";
import { isTimeInRange } from "../../base/index.ts";

const MINUS = 45;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LOWER_E = 101;
const UPPER_E = 69;
const PLUS = 43;
const LOWER_I = 105;
const LOWER_U = 117;

// Up to 15 decimal digits always fit a double exactly (10^15 < 2^53), so no range check is needed.
const SAFE_DIGITS = 15;
// 10^0 … 10^22 are exact doubles; m / 10^k and m * 10^k with exact m are then correctly rounded (Clinger's
// fast path), i.e. bit-identical to Number.parseFloat.
const EXACT_POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
// Seconds of an int64-nanosecond timestamp have at most 11 digits (|sec| ≤ 9223372037).
const MAX_SEC_DIGITS = 11;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Digits after the "seconds" part for each precision, and the nanoseconds of one unit of those digits. */
const FRACTION_DIGITS = { ns: 9, us: 6, ms: 3, s: 0 } as const;

/**
 * Result-carrying scanner (one per parser, reused; fields are overwritten by every call).
 * Scan methods return the index just past the token, or -1 with `errPos` (absolute byte index) and `errMsg` set.
 * `buf` and `view` must be the same bytes (`view` is a Buffer over `buf` for UTF-8/latin1 decoding).
 */
export class LineValueScanner {
  /** Type of the last scanned field value. */
  type: FieldType = FieldType.Float;
  /** Numeric value of the last scanned field value (floats, bools as 0/1, safe integers); NaN when `isBig`. */
  num = 0;
  /** True when the last integer/unsigned value is outside ±2^53 and held exactly in `big`. */
  isBig = false;
  /** Exact value of the last integer/unsigned value when `isBig`. */
  big = 0n;
  /** Decoded value of the last string field value. */
  str = "";
  /** Seconds (floor) of the last scanned timestamp. */
  sec = 0;
  /** Nanoseconds within the second of the last scanned timestamp, 0 ≤ nsec < 1e9. */
  nsec = 0;
  /** Absolute byte index of the last error. */
  errPos = 0;
  /** Message of the last error (InfluxDB's wording where it has one). */
  errMsg = "";
  /** Buffer view over the bytes being scanned; set by the parser per input. */
  view: Buffer = Buffer.alloc(0);

  /**
   * Scans the field value starting at `p` (the byte after `=`, known to exist and not to be `,` or space) up
   * to `end`. A number or boolean must be followed by `,`, space or `end`; a string ends at its closing quote.
   */
  scanValue(buf: Uint8Array, p: number, end: number): number {
    const c = buf[p];
    if (c === QUOTE) return this.scanString(buf, p, end);
    if ((c >= DIGIT_0 && c <= DIGIT_9) || c === MINUS || c === DOT) return this.scanNumber(buf, p, end);
    if (c === 116 || c === 84 || c === 102 || c === 70) return this.scanBool(buf, p, end); // t T f F
    // InfluxDB routes N/n to its number scanner to reject NaN as a number.
    return this.fail(p, c === 78 || c === 110 ? "invalid number" : "invalid field value");
  }

  /** Scans `-?digits[.digits][e[+-]digits]`, `-?digits i` or `digits u`. */
  private scanNumber(buf: Uint8Array, p: number, end: number): number {
    let i = p;
    const negative = buf[i] === MINUS;
    if (negative) i++;
    const intStart = i;
    let mantissa = 0;
    let c = 0;
    while (i < end) {
      c = buf[i]!;
      if (c < DIGIT_0 || c > DIGIT_9) break;
      mantissa = mantissa * 10 + (c - DIGIT_0);
      i++;
    }
    const intDigits = i - intStart;
    if (i === end || c === COMMA || c === SPACE) {
      if (intDigits === 0) return this.fail(p, "invalid number");
      this.type = FieldType.Float;
      this.isBig = false;
      this.num = intDigits <= SAFE_DIGITS ? (negative ? -mantissa : mantissa) : this.slowFloat(p, i);
      return i;
    }
    if (c === LOWER_I || c === LOWER_U) return this.finishInteger(buf, p, i, end, intDigits, negative, mantissa);
    return this.scanFloatTail(buf, p, i, end, intDigits, negative, mantissa);
  }

  private finishInteger(
    buf: Uint8Array,
    p: number,
    suffixAt: number,
    end: number,
    digits: number,
    negative: boolean,
    magnitude: number,
  ): number {
    const next = suffixAt + 1;
    if (digits === 0 || (next < end && buf[next] !== COMMA && buf[next] !== SPACE)) {
      return this.fail(p, "invalid number");
    }
    const unsigned = buf[suffixAt] === LOWER_U;
    if (unsigned && negative) return this.fail(p, "invalid number");
    this.type = unsigned ? FieldType.Uint : FieldType.Int;
    if (digits <= SAFE_DIGITS) {
      this.isBig = false;
      this.num = negative ? 0 - magnitude : magnitude; // 0 - 0 is +0: integers have no negative zero
      return next;
    }
    // Rare: 16+ digits need exact 64-bit checks.
    const text = this.view.toString("latin1", p, suffixAt);
    const value = BigInt(text);
    if (unsigned ? value > UINT64_MAX : value < INT64_MIN || value > INT64_MAX) {
      return this.fail(p, `unable to parse ${unsigned ? "unsigned" : "integer"} ${text}: value out of range`);
    }
    if (value >= -9007199254740991n && value <= 9007199254740991n) {
      this.isBig = false;
      this.num = Number(value);
    } else {
      this.isBig = true;
      this.num = NaN;
      this.big = value;
    }
    return next;
  }

  // Continues a float after its integer digits: `[.digits][e[+-]digits]`, then `,`, space or end.
  private scanFloatTail(
    buf: Uint8Array,
    p: number,
    i: number,
    end: number,
    intDigits: number,
    negative: boolean,
    mantissa: number,
  ): number {
    let c = buf[i];
    let fracDigits = 0;
    if (c === DOT) {
      i++;
      while (i < end) {
        c = buf[i]!;
        if (c < DIGIT_0 || c > DIGIT_9) break;
        mantissa = mantissa * 10 + (c - DIGIT_0);
        fracDigits++;
        i++;
      }
    }
    if (intDigits + fracDigits === 0) return this.fail(p, "invalid number");
    let exponent = 0;
    let expSign = 1;
    if (i < end && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
      i++;
      if (i < end && (buf[i] === PLUS || buf[i] === MINUS)) expSign = buf[i++] === MINUS ? -1 : 1;
      const expStart = i;
      while (i < end && buf[i] >= DIGIT_0 && buf[i] <= DIGIT_9) {
        // Saturate: beyond 1e6 the result is 0 or Infinity anyway, and parseFloat decides.
        if (exponent < 1e6) exponent = exponent * 10 + (buf[i] - DIGIT_0);
        i++;
      }
      if (i === expStart) return this.fail(p, "invalid number");
    }
    if (i < end && buf[i] !== COMMA && buf[i] !== SPACE) return this.fail(p, "invalid number");
    const scale = expSign * exponent - fracDigits;
    let value: number;
    if (intDigits + fracDigits <= SAFE_DIGITS && scale >= -22 && scale <= 22) {
      value = scale < 0 ? mantissa / EXACT_POW10[-scale] : mantissa * EXACT_POW10[scale];
      if (negative) value = -value;
    } else {
      value = this.slowFloat(p, i);
    }
    if (!Number.isFinite(value)) return this.fail(p, "invalid float");
    this.type = FieldType.Float;
    this.isBig = false;
    this.num = value;
    return i;
  }

  // The grammar is already validated, and JavaScript's float grammar accepts it (".5", "5.", "1.e3" included).
  private slowFloat(start: number, end: number): number {
    return Number.parseFloat(this.view.toString("latin1", start, end));
  }

  /** Booleans as InfluxDB accepts them: t T true True TRUE f F false False FALSE. */
  private scanBool(buf: Uint8Array, p: number, end: number): number {
    let i = p + 1;
    while (i < end && buf[i] !== COMMA && buf[i] !== SPACE) i++;
    const length = i - p;
    const first = buf[p];
    const isTrue = first === 116 || first === 84;
    let ok = length === 1;
    if (!ok && length === (isTrue ? 4 : 5)) {
      const word = this.view.toString("latin1", p, i);
      ok = isTrue
        ? word === "true" || word === "True" || word === "TRUE"
        : word === "false" || word === "False" || word === "FALSE";
    }
    if (!ok) return this.fail(p, "invalid boolean");
    this.type = FieldType.Bool;
    this.isBig = false;
    this.num = isTrue ? 1 : 0;
    return i;
  }

  /** A double-quoted string with `\"` and `\\` escapes (any other backslash is literal); may span lines. */
  private scanString(buf: Uint8Array, p: number, end: number): number {
    let i = p + 1;
    let escaped = false;
    let nonAscii = false;
    for (; i < end; i++) {
      const c = buf[i];
      if (c === QUOTE) break;
      if (c === BACKSLASH && i + 1 < end && (buf[i + 1] === QUOTE || buf[i + 1] === BACKSLASH)) {
        escaped = true;
        i++;
      } else if (c >= 0x80) {
        nonAscii = true;
      }
    }
    if (i >= end) return this.fail(p, "unbalanced quotes");
    if (nonAscii && !isUtf8(buf.subarray(p + 1, i))) return this.fail(p, "invalid utf-8 in string field value");
    const raw = this.view.toString("utf8", p + 1, i);
    this.type = FieldType.String;
    this.isBig = false;
    this.num = 0;
    this.str = escaped ? raw.replace(/\\([\\"])/g, "$1") : raw;
    return i + 1;
  }

  /**
   * Scans an optional-sign integer timestamp in `precision` units at `[p, end)` (the token ends at a space or
   * `end`) into `sec`/`nsec` exactly, without floats of nanoseconds or BigInt. Fails with `bad timestamp` on
   * a non-digit and `time outside range` when the scaled value leaves int64 nanoseconds.
   */
  scanTimestamp(buf: Uint8Array, p: number, end: number, precision: keyof typeof FRACTION_DIGITS): number {
    let i = p;
    const negative = buf[i] === MINUS;
    if (negative) i++;
    const digitsStart = i;
    while (i < end && buf[i] !== SPACE) {
      const c = buf[i];
      if (c < DIGIT_0 || c > DIGIT_9) return this.fail(i, "bad timestamp");
      i++;
    }
    if (i === digitsStart) return this.fail(p, "bad timestamp");
    let first = digitsStart;
    while (first < i - 1 && buf[first] === DIGIT_0) first++;
    const fraction = FRACTION_DIGITS[precision];
    const split = Math.max(first, i - fraction);
    if (split - first > MAX_SEC_DIGITS) return this.fail(p, "time outside range");
    let sec = 0;
    for (let k = first; k < split; k++) sec = sec * 10 + (buf[k] - DIGIT_0);
    let units = 0;
    for (let k = split; k < i; k++) units = units * 10 + (buf[k] - DIGIT_0);
    let nsec = units * EXACT_POW10[9 - fraction];
    if (negative) {
      if (nsec === 0) {
        sec = 0 - sec; // 0 - 0 is +0
      } else {
        sec = -sec - 1;
        nsec = 1_000_000_000 - nsec;
      }
    }
    if (!isTimeInRange(sec, nsec)) return this.fail(p, "time outside range");
    this.sec = sec;
    this.nsec = nsec;
    return i;
  }

  private fail(pos: number, message: string): number {
    this.errPos = pos;
    this.errMsg = message;
    return -1;
  }
}
