// The parsed form of an RE2 regex: a small tree of sets, assertions, concatenations, alternations and repeats.
// Knows nothing of syntax or matching.
import type { CharSet } from "./char-set.ts";

/** Zero-width assertion kinds; bit flags so a position's satisfied assertions fit in one number. */
export const ASSERT_BEGIN_TEXT = 1;
export const ASSERT_END_TEXT = 2;
export const ASSERT_BEGIN_LINE = 4;
export const ASSERT_END_LINE = 8;
export const ASSERT_WORD_BOUNDARY = 16;
export const ASSERT_NOT_WORD_BOUNDARY = 32;

/** One node of the parse tree. Nodes are immutable once the parser returns them. */
export type RegexNode =
  | { readonly kind: "empty" }
  | { readonly kind: "set"; readonly set: CharSet }
  | { readonly kind: "assert"; readonly assert: number }
  | { readonly kind: "concat"; readonly items: readonly RegexNode[] }
  | { readonly kind: "alternate"; readonly items: readonly RegexNode[] }
  /** `max` is -1 for no upper bound. */
  | { readonly kind: "repeat"; readonly sub: RegexNode; readonly min: number; readonly max: number };

/** The shared empty node. */
export const EMPTY_NODE: RegexNode = { kind: "empty" };
