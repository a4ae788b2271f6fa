// Parses RE2 (Go regexp/syntax, Perl flags) patterns into a tree for the capture matcher of label_replace.
// Patterns reach it only after SafeRegex accepted them, so it is lenient: it reports nothing SafeRegex would not.
import { InvalidError } from "../../../base/index.ts";

/** A set of code points: ranges `[lo, hi, ...]` plus Unicode property tests, optionally negated/case-folded. */
export interface CharClass {
  ranges: number[];
  /** Single-character testers for `\p{..}`/`\P{..}` (built from fixed-syntax names, so safe). */
  props: RegExp[];
  negated: boolean;
  fold: boolean;
}

export const ASSERT_BEGIN_TEXT = 1;
export const ASSERT_END_TEXT = 2;
export const ASSERT_BEGIN_LINE = 3;
export const ASSERT_END_LINE = 4;
export const ASSERT_WORD = 5;
export const ASSERT_NOT_WORD = 6;

export type CaptureNode =
  | { t: "empty" }
  | { t: "class"; cls: CharClass }
  | { t: "assert"; kind: number }
  | { t: "group"; index: number; sub: CaptureNode }
  | { t: "concat"; subs: CaptureNode[] }
  | { t: "alt"; subs: CaptureNode[] }
  | { t: "repeat"; min: number; max: number; greedy: boolean; sub: CaptureNode };

/** A parsed pattern: the tree, the number of capture groups (group 0 excluded) and group names by index. */
export interface ParsedCaptureRegex {
  node: CaptureNode;
  groupCount: number;
  names: string[];
}

const MAX_CODE_POINT = 0x10ffff;
const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20];
const POSIX: Record<string, number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: DIGIT,
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: WORD,
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** Complement of sorted, non-overlapping ranges over [0, MAX_CODE_POINT]. */
function complement(r: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1);
    next = r[i + 1]! + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

function bad(pattern: string, why: string): InvalidError {
  return new InvalidError("PROMQL_EXEC_BAD_REGEX", `invalid regular expression ${JSON.stringify(pattern)}: ${why}`);
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

/** Recursive-descent parser state over one pattern, by code point. */
class Parser {
  readonly src: string;
  readonly cps: number[];
  pos: number;
  flags: Flags;
  groupCount: number;
  readonly names: string[];

  constructor(src: string) {
    this.src = src;
    this.cps = Array.from(src, (c) => c.codePointAt(0)!);
    this.pos = 0;
    this.flags = { i: false, m: false, s: false, U: false };
    this.groupCount = 0;
    this.names = [""];
  }

  peek(off = 0): number {
    return this.pos + off < this.cps.length ? this.cps[this.pos + off]! : -1;
  }

  parseAlt(): CaptureNode {
    const subs: CaptureNode[] = [this.parseConcat()];
    while (this.peek() === 0x7c) {
      this.pos++;
      subs.push(this.parseConcat());
    }
    return subs.length === 1 ? subs[0]! : { t: "alt", subs };
  }

  parseConcat(): CaptureNode {
    const subs: CaptureNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1 || c === 0x7c || c === 0x29) break;
      const atom = this.parseAtom();
      if (atom !== undefined) subs.push(this.parseRepeats(atom));
    }
    return subs.length === 1 ? subs[0]! : subs.length === 0 ? { t: "empty" } : { t: "concat", subs };
  }

  parseRepeats(atom: CaptureNode): CaptureNode {
    let node = atom;
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === 0x2a) [min, max] = [0, -1];
      else if (c === 0x2b) [min, max] = [1, -1];
      else if (c === 0x3f) [min, max] = [0, 1];
      else if (c === 0x7b) {
        const r = this.tryBraces();
        if (r === undefined) return node;
        [min, max] = r;
      } else return node;
      if (c !== 0x7b) this.pos++;
      let greedy = true;
      if (this.peek() === 0x3f) {
        this.pos++;
        greedy = false;
      }
      if (this.flags.U) greedy = !greedy;
      node = { t: "repeat", min, max, greedy, sub: node };
    }
  }

  /** Parses `{n}`, `{n,}`, `{n,m}` at pos; leaves pos unchanged and returns undefined when not a repeat. */
  tryBraces(): [number, number] | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 24)));
    if (m === null) return undefined;
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    return [min, max];
  }

  parseAtom(): CaptureNode | undefined {
    const c = this.cps[this.pos++]!;
    switch (c) {
      case 0x28:
        return this.parseGroup();
      case 0x5b:
        return { t: "class", cls: this.parseClass() };
      case 0x2e:
        return {
          t: "class",
          cls: {
            ranges: this.flags.s ? [0, MAX_CODE_POINT] : [0, 9, 11, MAX_CODE_POINT],
            props: [],
            negated: false,
            fold: false,
          },
        };
      case 0x5e:
        return { t: "assert", kind: this.flags.m ? ASSERT_BEGIN_LINE : ASSERT_BEGIN_TEXT };
      case 0x24:
        return { t: "assert", kind: this.flags.m ? ASSERT_END_LINE : ASSERT_END_TEXT };
      case 0x5c:
        return this.parseEscapeAtom();
      default:
        return this.literal(c);
    }
  }

  literal(c: number): CaptureNode {
    return { t: "class", cls: { ranges: [c, c], props: [], negated: false, fold: this.flags.i } };
  }

  parseGroup(): CaptureNode | undefined {
    const saved = { ...this.flags };
    let index = -1;
    if (this.peek() === 0x3f) {
      this.pos++;
      const rest = String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 256));
      const named = /^P?<([A-Za-z0-9_]+)>/.exec(rest);
      if (named !== null) {
        this.pos += named[0].length;
        index = ++this.groupCount;
        this.names[index] = named[1]!;
      } else {
        const fl = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
        if (fl === null) throw bad(this.src, "unsupported group syntax");
        this.pos += fl[0].length;
        for (const f of fl[1]!) this.flags[f as keyof Flags] = true;
        for (const f of fl[2] ?? "") this.flags[f as keyof Flags] = false;
        // `(?flags)` changes the flags for the rest of the enclosing group and adds no node.
        if (fl[3] === ")") return undefined;
      }
    } else {
      index = ++this.groupCount;
      this.names[index] = "";
    }
    const sub = this.parseAlt();
    if (this.peek() !== 0x29) throw bad(this.src, "missing closing )");
    this.pos++;
    this.flags = saved;
    return index < 0 ? sub : { t: "group", index, sub };
  }

  parseEscapeAtom(): CaptureNode {
    const c = this.peek();
    switch (c) {
      case 0x41: // \A
        this.pos++;
        return { t: "assert", kind: ASSERT_BEGIN_TEXT };
      case 0x7a: // \z
        this.pos++;
        return { t: "assert", kind: ASSERT_END_TEXT };
      case 0x62: // \b
        this.pos++;
        return { t: "assert", kind: ASSERT_WORD };
      case 0x42: // \B
        this.pos++;
        return { t: "assert", kind: ASSERT_NOT_WORD };
      case 0x51: {
        // \Q...\E: literal text.
        this.pos++;
        const subs: CaptureNode[] = [];
        while (this.pos < this.cps.length && !(this.peek() === 0x5c && this.peek(1) === 0x45)) {
          subs.push(this.literal(this.cps[this.pos++]!));
        }
        if (this.pos < this.cps.length) this.pos += 2;
        return subs.length === 1 ? subs[0]! : { t: "concat", subs };
      }
      default: {
        const cls = this.parseEscapeClass();
        if (cls !== undefined) return { t: "class", cls };
        return this.literal(this.parseEscapeChar());
      }
    }
  }

  /** After a backslash: a class escape (\d \D \s \S \w \W \p \P), or undefined (pos unchanged). */
  parseEscapeClass(): CharClass | undefined {
    const c = this.peek();
    const plain = (ranges: number[], negated: boolean): CharClass => {
      this.pos++;
      return { ranges: negated ? complement(ranges) : ranges, props: [], negated: false, fold: false };
    };
    if (c === 0x64 || c === 0x44) return plain(DIGIT, c === 0x44);
    if (c === 0x73 || c === 0x53) return plain(SPACE, c === 0x53);
    if (c === 0x77 || c === 0x57) return plain(WORD, c === 0x57);
    if (c !== 0x70 && c !== 0x50) return undefined;
    this.pos++;
    let name: string;
    if (this.peek() === 0x7b) {
      const end = this.cps.indexOf(0x7d, this.pos);
      if (end < 0) throw bad(this.src, "missing } in \\p");
      name = String.fromCodePoint(...this.cps.slice(this.pos + 1, end));
      this.pos = end + 1;
    } else {
      name = String.fromCodePoint(this.cps[this.pos++] ?? 0x3f);
    }
    let negated = c === 0x50;
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === "Any") return { ranges: negated ? [] : [0, MAX_CODE_POINT], props: [], negated: false, fold: false };
    if (!/^[A-Za-z_]+$/.test(name)) throw bad(this.src, "bad unicode class name");
    const esc = negated ? "P" : "p";
    // General categories are one or two letters (L, Lu); anything longer names a script (Greek).
    const body = /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
    try {
      return { ranges: [], props: [new RegExp(`^\\${esc}{${body}}$`, "u")], negated: false, fold: this.flags.i };
    } catch (cause) {
      throw new InvalidError("PROMQL_EXEC_BAD_REGEX", `invalid regular expression: unknown unicode class ${name}`, {
        cause,
      });
    }
  }

  /** After a backslash: one escaped code point (\n, \x41, \x{263a}, octal, escaped punctuation). */
  parseEscapeChar(): number {
    const c = this.cps[this.pos++] ?? -1;
    switch (c) {
      case 0x61:
        return 7;
      case 0x66:
        return 12;
      case 0x74:
        return 9;
      case 0x6e:
        return 10;
      case 0x72:
        return 13;
      case 0x76:
        return 11;
      case 0x78: {
        const rest = String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 12));
        const m = /^(?:\{([0-9a-fA-F]{1,8})\}|([0-9a-fA-F]{2}))/.exec(rest);
        if (m === null) throw bad(this.src, "bad \\x escape");
        this.pos += m[0].length;
        return parseInt(m[1] ?? m[2]!, 16);
      }
      default:
        break;
    }
    if (c >= 0x30 && c <= 0x37) {
      let v = c - 0x30;
      for (let k = 0; k < 2 && this.peek() >= 0x30 && this.peek() <= 0x37; k++)
        v = v * 8 + (this.cps[this.pos++]! - 0x30);
      return v;
    }
    if (c >= 0 && c < 0x80 && !/[0-9A-Za-z_]/.test(String.fromCharCode(c))) return c;
    throw bad(this.src, "bad escape");
  }

  parseClass(): CharClass {
    const cls: CharClass = { ranges: [], props: [], negated: false, fold: this.flags.i };
    if (this.peek() === 0x5e) {
      this.pos++;
      cls.negated = true;
    }
    let first = true;
    while (this.pos < this.cps.length && (first || this.peek() !== 0x5d)) {
      first = false;
      if (this.peek() === 0x5b && this.peek(1) === 0x3a) {
        const rest = String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 16));
        const m = /^\[:(\^?)([a-z]+):\]/.exec(rest);
        if (m !== null && POSIX[m[2]!] !== undefined) {
          this.pos += m[0].length;
          const r = POSIX[m[2]!]!;
          cls.ranges.push(...(m[1] === "^" ? complement(r) : r));
          continue;
        }
      }
      if (this.peek() === 0x5c) {
        this.pos++;
        const inner = this.parseEscapeClass();
        if (inner !== undefined) {
          cls.ranges.push(...inner.ranges);
          cls.props.push(...inner.props);
          continue;
        }
        this.pos--;
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== -1) {
        this.pos++;
        hi = this.classChar();
      }
      cls.ranges.push(lo, hi);
    }
    if (this.peek() !== 0x5d) throw bad(this.src, "missing ]");
    this.pos++;
    return cls;
  }

  classChar(): number {
    const c = this.cps[this.pos++]!;
    return c === 0x5c ? this.parseEscapeChar() : c;
  }
}

/**
 * Parses `pattern` (RE2 syntax) for capture matching.
 * @throws InvalidError `PROMQL_EXEC_BAD_REGEX` for syntax it cannot read (SafeRegex rejects those first).
 */
export function parseCaptureRegex(pattern: string): ParsedCaptureRegex {
  const p = new Parser(pattern);
  const node = p.parseAlt();
  if (p.pos !== p.cps.length) throw bad(pattern, "unexpected )");
  return { node, groupCount: p.groupCount, names: p.names };
}
