// PromQL tokenizer: numbers (decimal, hex, Inf/NaN, durations as seconds), strings with Go escapes, identifiers,
// keywords, operators and `#` comments. Knows nothing of the grammar beyond what a token is.
import { InvalidError } from "../../base/index.ts";

export type TokenKind = "eof" | "ident" | "number" | "string" | "op" | "punct";

/** One token; `text` is the source text (operators and punctuation are their own text). */
export interface Token {
  kind: TokenKind;
  text: string;
  /** Numeric value of a number token (seconds for a duration). */
  num: number;
  /** Decoded value of a string token. */
  str: string;
  /** True when a number token was written as a duration (`5m`). */
  isDuration: boolean;
  /** Offset of the first character in the input (UTF-16 units). */
  pos: number;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};
const UNIT_ORDER = ["y", "w", "d", "h", "m", "s", "ms"];

/** Multi-character operators first, so `==` wins over `=`. */
const OPERATORS = ["==", "!=", "=~", "!~", "<=", ">=", "+", "-", "*", "/", "%", "^", "<", ">", "="];
const PUNCT = "(){}[],:@";

/** Builds the Prometheus-style message `line:col: parse error: <msg>` for offset `pos` of `input`. */
export function parseError(input: string, pos: number, msg: string): InvalidError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < input.length; i++) {
    if (input.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return new InvalidError("PROMQL_PARSE", `${line}:${pos - lineStart + 1}: parse error: ${msg}`);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/**
 * Splits `input` into tokens, ending with an "eof" token. Throws InvalidError `PROMQL_PARSE` for a bad
 * character, an unterminated string, a bad escape or a malformed number or duration.
 */
export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = input.length;
  // Inside `[...]` a colon separates a subquery's range and step instead of starting a metric name.
  let bracketDepth = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      while (i < n && input.charCodeAt(i) !== 10) i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === 46 /* . */ && i + 1 < n && isDigit(input.charCodeAt(i + 1)))) {
      i = lexNumber(input, i, out);
      continue;
    }
    if (isIdentStart(c) && !(c === 58 && bracketDepth > 0)) {
      while (i < n && isIdentPart(input.charCodeAt(i))) i++;
      out.push(token("ident", input.slice(start, i), start));
      continue;
    }
    if (c === 34 || c === 39 || c === 96) {
      i = lexString(input, i, out);
      continue;
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i));
    if (op !== undefined) {
      out.push(token("op", op, start));
      i += op.length;
      continue;
    }
    if (PUNCT.includes(input[i]!)) {
      if (c === 91) bracketDepth++;
      else if (c === 93 && bracketDepth > 0) bracketDepth--;
      out.push(token("punct", input[i]!, start));
      i++;
      continue;
    }
    if (c === 33 /* ! */) throw parseError(input, i, `unexpected character after '!': ${quoteChar(input, i + 1)}`);
    throw parseError(input, i, `unexpected character: ${quoteChar(input, i)}`);
  }
  out.push(token("eof", "", n));
  return out;
}

function quoteChar(input: string, i: number): string {
  const cp = input.codePointAt(i);
  return cp === undefined ? "end of input" : `'${String.fromCodePoint(cp)}'`;
}

function token(kind: TokenKind, text: string, pos: number): Token {
  return { kind, text, num: 0, str: "", isDuration: false, pos };
}

/** Lexes a number or duration starting at `i`; returns the offset after it. */
function lexNumber(input: string, i: number, out: Token[]): number {
  const start = i;
  const n = input.length;
  // Take the longest run of characters that could belong to a number or duration, then decide what it is.
  while (i < n) {
    const c = input.charCodeAt(i);
    if (isIdentPart(c) && c !== 58) i++;
    else if (c === 46) i++;
    else if ((c === 43 || c === 45) && /[eE]$/.test(input.slice(start, i)) && !/^0[xX]/.test(input.slice(start, i)))
      i++;
    else break;
  }
  const text = input.slice(start, i);
  const t = token("number", text, start);
  const value = parseNumberText(text);
  if (value !== undefined) {
    t.num = value;
    out.push(t);
    return i;
  }
  const seconds = parseDurationText(text);
  if (seconds === undefined) {
    if (/^[0-9.]+[a-zA-Z]/.test(text) && !/^0[xX]/.test(text))
      throw parseError(input, start, `bad number or duration syntax: "${text}"`);
    throw parseError(input, start, `error parsing number: strconv.ParseFloat: parsing "${text}": invalid syntax`);
  }
  t.num = seconds;
  t.isDuration = true;
  out.push(t);
  return i;
}

/** Parses a float literal (decimal with optional exponent, or hex; `_` between digits); undefined if not one. */
export function parseNumberText(text: string): number | undefined {
  if (/^0[xX](_?[0-9a-fA-F])+$/.test(text)) return parseInt(text.slice(2).replace(/_/g, ""), 16);
  if (!/^(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][+-]?\d+)?$/.test(text) || !/\d/.test(text.split(/[eE]/)[0]!))
    return undefined;
  return Number(text.replace(/_/g, ""));
}

/** Parses a duration like `1h30m` or `500ms` into seconds; undefined if not one (units descending, each once). */
export function parseDurationText(text: string): number | undefined {
  const re = /(\d+)(ms|[smhdwy])/y;
  let i = 0;
  let total = 0;
  let lastUnit = -1;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return undefined;
    const unit = UNIT_ORDER.indexOf(m[2]!);
    if (unit <= lastUnit) return undefined;
    lastUnit = unit;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  return i === 0 ? undefined : total;
}

/** Lexes a quoted string at `i`; returns the offset after the closing quote. */
function lexString(input: string, i: number, out: Token[]): number {
  const quote = input[i]!;
  const start = i;
  i++;
  let value = "";
  for (;;) {
    if (i >= input.length) throw parseError(input, start, "unterminated quoted string");
    const ch = input[i]!;
    if (ch === quote) break;
    if (ch === "\n" && quote !== "`") throw parseError(input, start, "unterminated quoted string");
    if (ch !== "\\" || quote === "`") {
      value += ch;
      i++;
      continue;
    }
    const [decoded, next] = unescape(input, i, quote, start);
    value += decoded;
    i = next;
  }
  const t = token("string", input.slice(start, i + 1), start);
  t.str = value;
  out.push(t);
  return i + 1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/** Decodes the Go escape sequence at `input[i] === "\\"` of the string at `start`; returns the text and the offset after it. */
function unescape(input: string, i: number, quote: string, start: number): [string, number] {
  const c = input[i + 1];
  if (c === undefined) throw parseError(input, start, "escape sequence not terminated");
  if (c in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[c]!, i + 2];
  if (c === quote) return [c, i + 2];
  const hexLen = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
  if (hexLen > 0) {
    const digits = input.slice(i + 2, i + 2 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(digits))
      throw parseError(input, start, "illegal character in escape sequence");
    const cp = parseInt(digits, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000 && hexLen > 2))
      throw parseError(input, start, "escape sequence is an invalid Unicode code point");
    // Go's \xNN is a byte; Strata strings are UTF-16, so bytes ≥ 0x80 become the code point of the same number.
    return [String.fromCodePoint(cp), i + 2 + hexLen];
  }
  if (c >= "0" && c <= "7") {
    const digits = input.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) throw parseError(input, start, "illegal character in escape sequence");
    const v = parseInt(digits, 8);
    if (v > 255) throw parseError(input, start, "escape sequence is an invalid Unicode code point");
    return [String.fromCharCode(v), i + 4];
  }
  const cp = input.codePointAt(i + 1)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  throw parseError(input, start, `unknown escape sequence U+${hex} '${String.fromCodePoint(cp)}'`);
}
