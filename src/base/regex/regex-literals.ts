// Finds the finite set of strings a regex matches exactly, when it is small (`foo|bar`, `^(a|b)_x$`), so callers
// can replace a regex matcher by exact lookups. Knows nothing of matching.
import type { RegexNode } from "./regex-node.ts";
import { ASSERT_BEGIN_TEXT, ASSERT_END_TEXT } from "./regex-node.ts";

/**
 * Most strings returned; larger languages are reported as not literal. Large enough for dashboard-built
 * alternations of many tag values (`host=~"h1|h2|…"`), which SafeRegex then matches by set lookup.
 */
const MAX_LITERALS = 10_000;
/** Most UTF-16 units over all returned strings, bounding the memory a product such as `[ab]{13}x{900}` may take. */
const MAX_LITERAL_UNITS = 1 << 18;
/** Largest character set expanded into single-character strings (e.g. `[abc]`, a case-folded letter). */
const MAX_SET_EXPANSION = 16;

/**
 * The sorted, distinct strings `L` such that the regex matches an input exactly when the input is in `L`, or
 * undefined when that language is infinite, larger than {@link MAX_LITERALS}, or uses assertions we cannot place.
 * `anchored` is the SafeRegex option: unanchored regexes qualify only when wrapped in `^…$` (or `\A…\z`).
 */
export function findLiterals(root: RegexNode, anchored: boolean): string[] | undefined {
  let items: readonly RegexNode[] = root.kind === "concat" ? root.items : [root];
  let begin = 0;
  let end = items.length;
  if (begin < end && isAssert(items[begin], ASSERT_BEGIN_TEXT)) begin++;
  if (end > begin && isAssert(items[end - 1], ASSERT_END_TEXT)) end--;
  if (!anchored && (begin === 0 || end === items.length)) return undefined;
  items = items.slice(begin, end);
  const out = expand({ kind: "concat", items });
  if (out === undefined) return undefined;
  return [...new Set(out)].sort();
}

function isAssert(node: RegexNode, kind: number): boolean {
  return node.kind === "assert" && node.assert === kind;
}

/** All strings `node` matches, or undefined when not a small finite set. */
function expand(node: RegexNode): string[] | undefined {
  switch (node.kind) {
    case "empty":
      return [""];
    case "assert":
      return undefined;
    case "set": {
      const set = node.set;
      if (set.size() > MAX_SET_EXPANSION) return undefined;
      const out: string[] = [];
      const r = set.ranges;
      for (let i = 0; i < r.length; i += 2)
        for (let cp = r[i]; cp <= r[i + 1]; cp++) out.push(String.fromCodePoint(cp));
      return out;
    }
    case "concat": {
      let acc: string[] = [""];
      for (const item of node.items) {
        const part = expand(item);
        if (part === undefined) return undefined;
        acc = product(acc, part);
        if (acc.length > MAX_LITERALS) return undefined;
      }
      return acc;
    }
    case "alternate": {
      const acc: string[] = [];
      for (const item of node.items) {
        const part = expand(item);
        if (part === undefined || acc.length + part.length > MAX_LITERALS) return undefined;
        for (const p of part) acc.push(p);
      }
      return acc;
    }
    case "repeat": {
      if (node.max < 0 || node.max > MAX_LITERALS) return undefined;
      const sub = expand(node.sub);
      if (sub === undefined) return undefined;
      const acc: string[] = [];
      let power: string[] = [""];
      for (let k = 0; k <= node.max; k++) {
        if (k >= node.min) for (const p of power) acc.push(p);
        if (acc.length > MAX_LITERALS) return undefined;
        if (k < node.max) power = product(power, sub);
        if (power.length > MAX_LITERALS) return undefined;
      }
      return acc;
    }
  }
}

/** Stands for "too many": longer than MAX_LITERALS, so every caller gives up on seeing it. */
const OVERFLOW: string[] = new Array<string>(MAX_LITERALS + 1).fill("");

function product(left: string[], right: string[]): string[] {
  if (
    left.length * right.length > MAX_LITERALS ||
    left.length * unitsOf(right) + right.length * unitsOf(left) > MAX_LITERAL_UNITS
  ) {
    return OVERFLOW;
  }
  const out: string[] = [];
  for (const a of left) for (const b of right) out.push(a + b);
  return out;
}

function unitsOf(strings: string[]): number {
  let total = 0;
  for (const s of strings) total += s.length;
  return total;
}
