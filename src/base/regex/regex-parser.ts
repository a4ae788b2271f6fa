// Parser for the RE2 regex syntax (Go regexp/syntax with Perl flags) into a RegexNode tree. Rejects what RE2
// rejects (backreferences, lookarounds) and bounds repeat counts and nesting. Knows nothing of matching.
import { InvalidError } from "../errors.ts";
import { CharSet, MAX_CODE_POINT, PERL_CLASSES, POSIX_CLASSES } from "./char-set.ts";
import type { RegexNode } from "./regex-node.ts";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_END_LINE,
  ASSERT_END_TEXT,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
  EMPTY_NODE,
} from "./regex-node.ts";
import { findUnicodeClass } from "./unicode-class.ts";

/** Largest count allowed in `{n}`, `{n,}`, `{n,m}`: RE2's limit. */
const MAX_REPEAT = 1000;
/** Deepest group nesting accepted; RE2 uses the same bound, and it keeps the recursive passes off the stack limit. */
const MAX_NESTING = 1000;

/** Error code of every syntax or size error of the regex module. */
const BAD_REGEX = "BASE_BAD_REGEX";

const FLAG_FOLD = 1; // (?i)
const FLAG_DOT_NL = 2; // (?s)
const FLAG_MULTI_LINE = 4; // (?m)
const FLAG_UNGREEDY = 8; // (?U): accepted, no effect on a boolean match

const BACKSLASH = 0x5c;

/**
 * Parses `pattern` (RE2 syntax) into a tree.
 * @throws InvalidError `BASE_BAD_REGEX` naming the position (UTF-16 offset into `pattern`) and the reason.
 */
export function parseRegex(pattern: string): RegexNode {
  return new RegexParser(pattern).parse();
}

/** Throws the module's syntax error for `pattern` at `pos`. */
export function regexError(pattern: string, pos: number, reason: string): never {
  const shown = pattern.length > 80 ? pattern.slice(0, 80) + "…" : pattern;
  throw new InvalidError(BAD_REGEX, `invalid regex ${JSON.stringify(shown)} at position ${pos}: ${reason}`);
}

class RegexParser {
  /** The pattern; immutable. */
  private readonly src: string;
  /** Read position (UTF-16 offset); advances monotonically. */
  private pos: number;
  /** Current group nesting. */
  private depth: number;
  /** Capture names seen so far, to reject duplicates as RE2 does. */
  private readonly names: Set<string>;

  constructor(src: string) {
    this.src = src;
    this.pos = 0;
    this.depth = 0;
    this.names = new Set();
  }

  parse(): RegexNode {
    return this.parseGroupBody(0, -1);
  }

  private fail(pos: number, reason: string): never {
    return regexError(this.src, pos, reason);
  }

  /** Parses alternatives up to the `)` closing the group opened at `openPos` (-1: up to the end). */
  private parseGroupBody(startFlags: number, openPos: number): RegexNode {
    const src = this.src;
    const alternatives: RegexNode[] = [];
    let items: RegexNode[] = [];
    let flags = startFlags; // (?i) etc. last to the end of the group, across `|`, as in RE2
    let canRepeat = false; // the last item may take a quantifier
    let lastWasRepeat = false; // the last item is a quantifier: RE2 rejects `a**`
    for (;;) {
      if (this.pos >= src.length) {
        if (openPos >= 0) this.fail(openPos, "missing closing )");
        break;
      }
      const start = this.pos;
      const ch = src.charCodeAt(start);
      if (ch === 0x7c /* | */) {
        this.pos++;
        alternatives.push(concat(items));
        items = [];
        canRepeat = lastWasRepeat = false;
        continue;
      }
      if (ch === 0x29 /* ) */) {
        if (openPos < 0) this.fail(start, "unexpected )");
        this.pos++;
        break;
      }
      const repeat = this.tryParseRepeat();
      if (repeat !== undefined) {
        if (lastWasRepeat) this.fail(start, "invalid nested repetition operator");
        if (!canRepeat) this.fail(start, "missing argument to repetition operator");
        items.push({ kind: "repeat", sub: items.pop()!, min: repeat[0], max: repeat[1] });
        lastWasRepeat = true;
        continue;
      }
      lastWasRepeat = false;
      canRepeat = true;
      if (ch === 0x28 /* ( */) {
        const group = this.parseGroup(flags);
        if (typeof group === "number") {
          flags = group;
          canRepeat = false;
        } else {
          items.push(group);
        }
      } else if (ch === 0x5b /* [ */) {
        items.push({ kind: "set", set: this.parseClass(flags) });
      } else if (ch === 0x2e /* . */) {
        this.pos++;
        const set = flags & FLAG_DOT_NL ? new CharSet([0, MAX_CODE_POINT]) : new CharSet([0, 9, 11, MAX_CODE_POINT]);
        items.push({ kind: "set", set });
      } else if (ch === 0x5e /* ^ */) {
        this.pos++;
        items.push({ kind: "assert", assert: flags & FLAG_MULTI_LINE ? ASSERT_BEGIN_LINE : ASSERT_BEGIN_TEXT });
      } else if (ch === 0x24 /* $ */) {
        this.pos++;
        items.push({ kind: "assert", assert: flags & FLAG_MULTI_LINE ? ASSERT_END_LINE : ASSERT_END_TEXT });
      } else if (ch === BACKSLASH) {
        this.parseEscapeAtom(flags, items);
      } else {
        items.push(literal(this.readCodePoint(), flags));
      }
    }
    alternatives.push(concat(items));
    return alternatives.length === 1 ? alternatives[0] : { kind: "alternate", items: alternatives };
  }

  /** Reads `* + ? {n} {n,} {n,m}` (and a lazy `?`) at pos; returns [min, max] or undefined, leaving pos alone. */
  private tryParseRepeat(): number[] | undefined {
    const src = this.src;
    const start = this.pos;
    const ch = src.charCodeAt(start);
    let min: number;
    let max: number;
    let end = start + 1;
    if (ch === 0x2a /* * */) [min, max] = [0, -1];
    else if (ch === 0x2b /* + */) [min, max] = [1, -1];
    else if (ch === 0x3f /* ? */) [min, max] = [0, 1];
    else if (ch === 0x7b /* { */) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(start, start + 32));
      // Like RE2, anything not of this shape (`{`, `{,3}`, `{01}`) is a literal brace.
      if (m === null || /^0\d/.test(m[1]) || (m[3] !== undefined && /^0\d/.test(m[3]))) return undefined;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
        this.fail(start, `invalid repeat count (limit ${MAX_REPEAT})`);
      }
      end = start + m[0].length;
    } else return undefined;
    if (src.charCodeAt(end) === 0x3f /* ? */) end++; // lazy form: same boolean result
    this.pos = end;
    return [min, max];
  }

  /** Parses a group at `(`: returns its node, or the new flags for a bare `(?flags)`. */
  private parseGroup(flags: number): RegexNode | number {
    const src = this.src;
    const open = this.pos;
    if (++this.depth > MAX_NESTING) this.fail(open, `groups nested deeper than ${MAX_NESTING}`);
    this.pos++;
    let inner = flags;
    if (src.charCodeAt(this.pos) === 0x3f /* ? */) {
      const rest = src.slice(this.pos + 1, this.pos + 4);
      if (/^(=|!|<=|<!)/.test(rest)) this.fail(open, "lookaround assertions are not supported");
      if (rest.startsWith("P=") || rest.startsWith("P>")) this.fail(open, "backreferences are not supported");
      if (rest.startsWith("P<") || rest.startsWith("<")) {
        this.parseCaptureName(open);
      } else {
        const parsed = this.parsePerlFlags(flags, open);
        if (parsed < 0) {
          this.depth--;
          return -parsed - 1;
        }
        inner = parsed;
      }
    }
    const node = this.parseGroupBody(inner, open);
    this.depth--;
    return node;
  }

  /** Reads `?P<name>` or `?<name>` after `(`. */
  private parseCaptureName(open: number): void {
    const src = this.src;
    const nameStart = src.indexOf("<", this.pos) + 1;
    const close = src.indexOf(">", nameStart);
    if (close < 0) this.fail(open, "invalid named capture");
    const name = src.slice(nameStart, close);
    if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(open, "invalid named capture");
    if (this.names.has(name)) this.fail(open, `duplicate capture group name ${name}`);
    this.names.add(name);
    this.pos = close + 1;
  }

  /** Reads `?flags)` (returns -(flags+1)) or `?flags:` (returns the group's flags) after `(`. */
  private parsePerlFlags(flags: number, open: number): number {
    const src = this.src;
    let out = flags;
    let negated = false;
    let sawFlag = false;
    for (let i = this.pos + 1; i < src.length; i++) {
      const ch = src[i];
      const bit =
        ch === "i"
          ? FLAG_FOLD
          : ch === "s"
            ? FLAG_DOT_NL
            : ch === "m"
              ? FLAG_MULTI_LINE
              : ch === "U"
                ? FLAG_UNGREEDY
                : 0;
      if (bit !== 0) {
        out = negated ? out & ~bit : out | bit;
        sawFlag = true;
      } else if (ch === "-" && !negated) {
        negated = true;
        sawFlag = false;
      } else if ((ch === ")" || ch === ":") && !(negated && !sawFlag)) {
        this.pos = i + 1;
        return ch === ")" ? -out - 1 : out;
      } else {
        break;
      }
    }
    return this.fail(open, "invalid or unsupported perl syntax");
  }

  /** Parses `\…` outside a class, pushing its node(s). */
  private parseEscapeAtom(flags: number, items: RegexNode[]): void {
    const src = this.src;
    const start = this.pos;
    const ch = src[start + 1];
    let assert = 0;
    if (ch === "A") assert = ASSERT_BEGIN_TEXT;
    else if (ch === "z") assert = ASSERT_END_TEXT;
    else if (ch === "b") assert = ASSERT_WORD_BOUNDARY;
    else if (ch === "B") assert = ASSERT_NOT_WORD_BOUNDARY;
    if (assert !== 0) {
      this.pos += 2;
      items.push({ kind: "assert", assert });
      return;
    }
    if (ch === "Q") {
      const end = src.indexOf("\\E", start + 2);
      const text = src.slice(start + 2, end < 0 ? src.length : end);
      this.pos = end < 0 ? src.length : end + 2;
      for (const part of text) items.push(literal(part.codePointAt(0)!, flags));
      return;
    }
    const set = this.tryParseClassEscape(flags);
    items.push(set !== undefined ? { kind: "set", set } : literal(this.parseEscapeChar(), flags));
  }

  /** Parses `\d \D \w \W \s \S \pX \p{Name} \PX` at pos into a (folded, negated) set, or returns undefined. */
  private tryParseClassEscape(flags: number): CharSet | undefined {
    const src = this.src;
    const start = this.pos;
    const ch = src[start + 1];
    if (ch === undefined) return undefined;
    let negated = ch >= "A" && ch <= "Z";
    let base: CharSet;
    const perl = PERL_CLASSES[ch.toLowerCase()];
    if (perl !== undefined && "dDwWsS".includes(ch)) {
      base = new CharSet(perl.slice());
      this.pos += 2;
    } else if (ch === "p" || ch === "P") {
      let name: string;
      if (src[start + 2] === "{") {
        const close = src.indexOf("}", start + 3);
        if (close < 0) this.fail(start, "missing closing } in unicode class");
        name = src.slice(start + 3, close);
        this.pos = close + 1;
      } else {
        if (start + 2 >= src.length) this.fail(start, "invalid character class range");
        name = String.fromCodePoint(src.codePointAt(start + 2)!);
        this.pos = start + 2 + name.length;
      }
      if (name.startsWith("^")) {
        negated = !negated;
        name = name.slice(1);
      }
      const found = findUnicodeClass(name);
      if (found === undefined) this.fail(start, `unknown unicode class ${name}`);
      base = new CharSet(found.ranges.slice());
    } else {
      return undefined;
    }
    if (flags & FLAG_FOLD) base.foldCase();
    return negated ? base.negate() : base.normalize();
  }

  /** Parses a single-character escape at pos (`\n`, `\x41`, `\x{263a}`, `\012`, `\.`) into its code point. */
  private parseEscapeChar(): number {
    const src = this.src;
    const start = this.pos;
    if (start + 1 >= src.length) this.fail(start, "trailing backslash at end of expression");
    const ch = src[start + 1];
    this.pos = start + 2;
    if (ch >= "1" && ch <= "9" && !(ch <= "7" && isOctal(src[start + 2]))) {
      this.fail(start, "backreferences are not supported");
    }
    if (ch >= "0" && ch <= "7") {
      // RE2 octal: \0 plus up to two digits, or a non-zero digit followed by at least one more.
      let end = start + 2;
      while (end < start + 4 && isOctal(src[end])) end++;
      this.pos = end;
      return parseInt(src.slice(start + 1, end), 8);
    }
    if (ch === "x") return this.parseHexEscape(start);
    const simple = "a\x07f\x0ct\tn\nr\rv\x0b".indexOf(ch);
    if (simple >= 0 && simple % 2 === 0) return "a\x07f\x0ct\tn\nr\rv\x0b".charCodeAt(simple + 1);
    const cp = ch.charCodeAt(0);
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(ch)) return cp;
    if (ch === "k") this.fail(start, "backreferences are not supported");
    return this.fail(start, "invalid escape sequence");
  }

  private parseHexEscape(start: number): number {
    const src = this.src;
    let m: RegExpExecArray | null;
    if (src[start + 2] === "{") m = /^\{([0-9A-Fa-f]{1,8})\}/.exec(src.slice(start + 2, start + 12));
    else m = /^([0-9A-Fa-f]{2})/.exec(src.slice(start + 2, start + 4));
    if (m === null) this.fail(start, "invalid escape sequence");
    const cp = parseInt(m[1], 16);
    if (cp > MAX_CODE_POINT) this.fail(start, "invalid escape sequence");
    this.pos = start + 2 + m[0].length;
    return cp;
  }

  /** Parses `[…]` at pos into a normalized set. */
  private parseClass(flags: number): CharSet {
    const src = this.src;
    const open = this.pos;
    this.pos++;
    const negated = src[this.pos] === "^";
    if (negated) this.pos++;
    const set = new CharSet();
    let first = true; // `]` is a literal when first, as in RE2
    for (;;) {
      if (this.pos >= src.length) this.fail(open, "missing closing ]");
      const ch = src[this.pos];
      if (ch === "]" && !first) break;
      first = false;
      if (ch === "[" && src[this.pos + 1] === ":") {
        const posix = this.tryParsePosixClass(flags);
        if (posix !== undefined) {
          set.addSet(posix);
          continue;
        }
      }
      if (ch === "\\") {
        const escaped = this.tryParseClassEscape(flags);
        if (escaped !== undefined) {
          set.addSet(escaped);
          continue;
        }
      }
      const rangeStart = this.pos;
      const lo = this.parseClassChar(open);
      let hi = lo;
      if (src[this.pos] === "-" && this.pos + 1 < src.length && src[this.pos + 1] !== "]") {
        this.pos++;
        hi = this.parseClassChar(open);
        if (hi < lo) this.fail(rangeStart, "invalid character class range");
      }
      set.addRange(lo, hi);
    }
    this.pos++;
    if (flags & FLAG_FOLD) set.foldCase();
    return negated ? set.negate() : set.normalize();
  }

  private parseClassChar(open: number): number {
    if (this.pos >= this.src.length) this.fail(open, "missing closing ]");
    if (this.src.charCodeAt(this.pos) === BACKSLASH) return this.parseEscapeChar();
    return this.readCodePoint();
  }

  /** Parses `[:name:]` / `[:^name:]` at pos, or returns undefined when no `:]` closes it. */
  private tryParsePosixClass(flags: number): CharSet | undefined {
    const src = this.src;
    const start = this.pos;
    const close = src.indexOf(":]", start + 2);
    if (close < 0) return undefined;
    let name = src.slice(start + 2, close);
    const negated = name.startsWith("^");
    if (negated) name = name.slice(1);
    const ranges = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
    if (ranges === undefined) this.fail(start, "invalid character class range");
    this.pos = close + 2;
    const set = new CharSet(ranges.slice());
    if (flags & FLAG_FOLD) set.foldCase();
    return negated ? set.negate() : set.normalize();
  }

  /** Reads one code point (a surrogate pair counts as one). */
  private readCodePoint(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

function isOctal(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "7";
}

function literal(cp: number, flags: number): RegexNode {
  const set = CharSet.of(cp);
  if (flags & FLAG_FOLD) set.foldCase();
  return { kind: "set", set };
}

function concat(items: RegexNode[]): RegexNode {
  if (items.length === 0) return EMPTY_NODE;
  if (items.length === 1) return items[0];
  return { kind: "concat", items };
}
