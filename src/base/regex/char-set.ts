// Code-point sets as sorted, merged [lo, hi] range lists, plus the fixed classes of RE2 syntax and simple case
// folding. Knows nothing of parsing or matching.
import { CASE_FOLD_TABLE } from "./case-fold-table.ts";

/** Largest Unicode code point. */
export const MAX_CODE_POINT = 0x10ffff;

/**
 * A set of code points: flat `[lo0, hi0, lo1, hi1, …]`, inclusive bounds, sorted, non-overlapping and
 * non-adjacent once {@link CharSet.normalize} has run. Mutable while built by the parser, then frozen by
 * convention (the compiler copies it into an Int32Array).
 */
export class CharSet {
  /** Range bounds; mutable until the parser hands the set to the compiler. */
  ranges: number[];

  constructor(ranges: number[] = []) {
    this.ranges = ranges;
  }

  /** A set holding one code point. */
  static of(cp: number): CharSet {
    return new CharSet([cp, cp]);
  }

  /** Adds `[lo, hi]` (inclusive); call {@link normalize} before reading. */
  addRange(lo: number, hi: number): this {
    this.ranges.push(lo, hi);
    return this;
  }

  /** Adds every range of `other`. */
  addSet(other: CharSet): this {
    const r = other.ranges;
    for (let i = 0; i < r.length; i++) this.ranges.push(r[i]);
    return this;
  }

  /** Sorts and merges overlapping or adjacent ranges in place. */
  normalize(): this {
    const r = this.ranges;
    const n = r.length >> 1;
    if (n < 2) return this;
    const idx: number[] = [];
    for (let i = 0; i < n; i++) idx.push(i);
    idx.sort((a, b) => r[2 * a] - r[2 * b] || r[2 * b + 1] - r[2 * a + 1]);
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const lo = r[2 * idx[k]];
      const hi = r[2 * idx[k] + 1];
      const w = out.length;
      if (w > 0 && lo <= out[w - 1] + 1) {
        if (hi > out[w - 1]) out[w - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    this.ranges = out;
    return this;
  }

  /** Replaces the set by its complement over [0, MAX_CODE_POINT]; normalizes first. */
  negate(): this {
    this.normalize();
    const r = this.ranges;
    const out: number[] = [];
    let nextLo = 0;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] > nextLo) out.push(nextLo, r[i] - 1);
      nextLo = r[i + 1] + 1;
    }
    if (nextLo <= MAX_CODE_POINT) out.push(nextLo, MAX_CODE_POINT);
    this.ranges = out;
    return this;
  }

  /** Adds every simple-case-folding equivalent of every member (Unicode CaseFolding C+S orbits). */
  foldCase(): this {
    const keys = foldKeys();
    const next = foldNext();
    const r = this.ranges;
    const n = r.length;
    for (let i = 0; i < n; i += 2) {
      // Only table entries inside [lo, hi] can add members, so the cost is bounded by the table size.
      for (let k = lowerBound(keys, r[i]); k < keys.length && keys[k] <= r[i + 1]; k++) {
        const start = keys[k];
        for (let f = next[k]; f !== start; f = next[lowerBound(keys, f)]!) r.push(f, f);
      }
    }
    return this.normalize();
  }

  /** True when `cp` is a member; the set must be normalized. */
  has(cp: number): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = (r.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < r[2 * mid]) hi = mid - 1;
      else if (cp > r[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of code points in the set; the set must be normalized. */
  size(): number {
    const r = this.ranges;
    let total = 0;
    for (let i = 0; i < r.length; i += 2) total += r[i + 1] - r[i] + 1;
    return total;
  }
}

/** Index of the first element of sorted `a` that is >= `x`. */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

let foldKeysCache: Int32Array | undefined;
let foldNextCache: Int32Array | undefined;

/** Decodes CASE_FOLD_TABLE once, on first case-insensitive compile. */
function decodeFoldTable(): void {
  const keys: number[] = [];
  const nexts: number[] = [];
  let prev = 0;
  for (let l = 0; l < CASE_FOLD_TABLE.length; l++) {
    const tokens = CASE_FOLD_TABLE[l].split(",");
    for (let t = 0; t < tokens.length; t++) {
      const colon = tokens[t].indexOf(":");
      const cp = prev + parseInt(tokens[t].slice(0, colon), 36);
      keys.push(cp);
      nexts.push(cp + parseInt(tokens[t].slice(colon + 1), 36));
      prev = cp;
    }
  }
  foldKeysCache = Int32Array.from(keys);
  foldNextCache = Int32Array.from(nexts);
}

function foldKeys(): Int32Array {
  if (foldKeysCache === undefined) decodeFoldTable();
  return foldKeysCache!;
}

function foldNext(): Int32Array {
  if (foldNextCache === undefined) decodeFoldTable();
  return foldNextCache!;
}

/** ASCII word characters `[0-9A-Za-z_]`, the `\w` and `\b` of RE2. */
export function isWordChar(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
}

const c = (s: string): number => s.codePointAt(0)!;

/** Perl classes of RE2 (ASCII only): `\d`, `\s` (`[\t\n\f\r ]`, no `\v`), `\w`. */
export const PERL_CLASSES: Readonly<Record<string, readonly number[]>> = {
  d: [c("0"), c("9")],
  s: [9, 10, 12, 13, 32, 32],
  w: [c("0"), c("9"), c("A"), c("Z"), c("_"), c("_"), c("a"), c("z")],
};

/** POSIX classes of RE2 (`[[:alpha:]]`), ASCII only. */
export const POSIX_CLASSES: Readonly<Record<string, readonly number[]>> = {
  alnum: [c("0"), c("9"), c("A"), c("Z"), c("a"), c("z")],
  alpha: [c("A"), c("Z"), c("a"), c("z")],
  ascii: [0, 0x7f],
  blank: [9, 9, 32, 32],
  cntrl: [0, 0x1f, 0x7f, 0x7f],
  digit: [c("0"), c("9")],
  graph: [c("!"), c("~")],
  lower: [c("a"), c("z")],
  print: [c(" "), c("~")],
  punct: [c("!"), c("/"), c(":"), c("@"), c("["), c("`"), c("{"), c("~")],
  space: [9, 13, 32, 32],
  upper: [c("A"), c("Z")],
  word: [c("0"), c("9"), c("A"), c("Z"), c("_"), c("_"), c("a"), c("z")],
  xdigit: [c("0"), c("9"), c("A"), c("F"), c("a"), c("f")],
};
