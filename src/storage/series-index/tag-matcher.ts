// Tag matchers (`=`, `!=`, `=~`, `!~`) and their evaluation against one measurement's postings, with Prometheus
// semantics: a series without the tag has value "" for matching. Regexes go through SafeRegex (no backtracking);
// anchoring is the caller's (query language's) choice.
import { InvalidError, SafeRegex } from "../../base/index.ts";
import type { MeasurementPostings } from "./measurement-postings.ts";
import { intersectManyIds, subtractIds, unionManyIds } from "./sorted-ids.ts";
import type { ValuePredicate } from "./tag-postings.ts";

/** One tag condition. `value` is a literal for `=`/`!=` and a pattern for `=~`/`!~`. */
export interface TagMatcher {
  key: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

const OP_EQ = 0;
const OP_NE = 1;
const OP_RE = 2;
const OP_NRE = 3;

/**
 * A matcher compiled once per select. `matches(v)` is the matcher's verdict on tag value `v` ("" = tag absent).
 * `accepted`/`rejected` list exactly the values it accepts/rejects when that set is finite (equality and literal
 * alternations), so postings come from direct lookups instead of a scan over every value of the key.
 */
export class CompiledMatcher implements ValuePredicate {
  readonly key: string;
  private readonly op: number;
  private readonly value: string;
  private readonly regex: SafeRegex | null;
  /** Whether series lacking the tag match. */
  readonly matchesEmpty: boolean;
  /** The finite set of values this matcher accepts, or null. */
  readonly accepted: readonly string[] | null;
  /** The finite set of values this matcher rejects, or null. */
  readonly rejected: readonly string[] | null;

  constructor(m: TagMatcher, anchored: boolean) {
    this.key = m.key;
    this.value = m.value;
    const op = opCode(m);
    this.op = op;
    this.regex = op === OP_RE || op === OP_NRE ? SafeRegex.compile(m.value, { anchored }) : null;
    const literals = this.regex === null ? undefined : this.regex.literals();
    const finite = op === OP_EQ || op === OP_NE ? [m.value] : (literals ?? null);
    const positive = op === OP_EQ || op === OP_RE;
    this.accepted = positive ? finite : null;
    this.rejected = positive ? null : finite;
    this.matchesEmpty = this.matches("");
  }

  /** True when the matcher accepts tag value `value` ("" for a series without the tag). */
  matches(value: string): boolean {
    switch (this.op) {
      case OP_EQ:
        return value === this.value;
      case OP_NE:
        return value !== this.value;
      case OP_RE:
        return this.regex!.test(value);
      default:
        return !this.regex!.test(value);
    }
  }
}

function opCode(m: TagMatcher): number {
  switch (m.op) {
    case "=":
      return OP_EQ;
    case "!=":
      return OP_NE;
    case "=~":
      return OP_RE;
    case "!~":
      return OP_NRE;
    default:
      throw new InvalidError("STORAGE_BAD_MATCHER", `unknown tag matcher operator ${JSON.stringify(m.op)} on ${m.key}`);
  }
}

/**
 * Compiles `matchers` for one select. Throws InvalidError STORAGE_BAD_MATCHER for an unknown operator, and whatever
 * SafeRegex.compile throws (InvalidError) for a bad or too costly pattern.
 */
export function compileMatchers(matchers: readonly TagMatcher[], anchored: boolean): CompiledMatcher[] {
  const out: CompiledMatcher[] = [];
  for (let i = 0; i < matchers.length; i++) out.push(new CompiledMatcher(matchers[i]!, anchored));
  return out;
}

/**
 * Series of `mp` matching every matcher, ascending, as a new array the caller owns.
 *
 * A matcher that rejects "" (e.g. `k="x"`, `k=~".+"`, `k!=""`) selects the union of the postings of the values it
 * accepts, and those selections are intersected. A matcher that accepts "" (e.g. `k!="x"`, `k=""`, `k=~".*"`) also
 * selects series lacking the tag, so instead the postings of the values it rejects are subtracted. This is how
 * Prometheus' PostingsForMatchers treats empty-matching matchers.
 */
export function selectInMeasurement(mp: MeasurementPostings, matchers: readonly CompiledMatcher[]): Uint32Array {
  const include: Uint32Array[] = [];
  const exclude: Uint32Array[] = [];
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const tp = mp.tags.get(m.key);
    if (!m.matchesEmpty) {
      if (tp === undefined) return new Uint32Array(0);
      const ids = m.accepted !== null ? tp.lookup(m.accepted) : tp.matching(m, true);
      if (ids.length === 0) return ids;
      include.push(ids);
    } else if (tp !== undefined) {
      const ids = m.rejected !== null ? tp.lookup(m.rejected) : tp.matching(m, false);
      if (ids.length > 0) exclude.push(ids);
    }
  }
  let base: Uint32Array;
  if (include.length === 0) base = mp.all.view();
  else if (include.length === 1) base = include[0]!;
  else base = intersectManyIds(include);
  if (exclude.length === 0) return include.length === 0 ? base.slice() : base;
  return subtractIds(base, exclude.length === 1 ? exclude[0]! : unionManyIds(exclude));
}
