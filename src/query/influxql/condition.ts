// WHERE analysis: splits a condition into a time range, tag matchers and field conditions that storage can push
// down, plus a residual evaluated per row; and evaluates conditions in memory with InfluxQL semantics.
import { InvalidError, SafeRegex, toTimeNs } from "../../base/index.ts";
import type { FieldCondition, TagMatcher } from "../../storage/index.ts";
import type { Expr } from "./ast.ts";
import type { InfluxValue } from "./statement-output.ts";

/** Time bounds: start inclusive, end exclusive; undefined = unbounded. */
export interface TimeBounds {
  startNs?: bigint;
  endNs?: bigint;
}

/** A WHERE clause split for one measurement. */
export interface SplitCondition {
  time: TimeBounds;
  /** Tag matchers ANDed (pushed down). */
  tags: TagMatcher[];
  /** Field conditions ANDed (may be pushed down). */
  fields: FieldCondition[];
  /** What remains, evaluated per row (AND of the rest), or undefined. */
  residual?: Expr;
  /** True when the condition can never hold (e.g. an empty time range). */
  empty: boolean;
}

/** Classifies an identifier of the WHERE clause for one measurement. */
export type RefKind = (name: string, cast: string | undefined) => "tag" | "field" | "time";

/** Strips parentheses. */
export function unparen(e: Expr): Expr {
  while (e.kind === "paren") e = e.expr;
  return e;
}

/** The conjuncts of an AND chain (through parentheses). */
function conjuncts(e: Expr | undefined, out: Expr[] = []): Expr[] {
  if (e === undefined) return out;
  const u = unparen(e);
  if (u.kind === "binary" && u.op === "AND") {
    conjuncts(u.lhs, out);
    conjuncts(u.rhs, out);
  } else out.push(u);
  return out;
}

const FLIP: Record<string, FieldCondition["op"]> = { "=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
const COMPARE = new Set(["=", "!=", "<", "<=", ">", ">="]);

/** True when `e` mentions the `time` pseudo-column. */
export function mentionsTime(e: Expr, kind: RefKind): boolean {
  switch (e.kind) {
    case "varref":
      return kind(e.name, e.cast) === "time";
    case "binary":
      return mentionsTime(e.lhs, kind) || mentionsTime(e.rhs, kind);
    case "paren":
      return mentionsTime(e.expr, kind);
    case "call":
      return e.args.some((a) => mentionsTime(a, kind));
    default:
      return false;
  }
}

/** Splits `condition` for one measurement whose identifiers are classified by `kind`. */
export function splitCondition(condition: Expr | undefined, kind: RefKind, nowNs: bigint): SplitCondition {
  const out: SplitCondition = { time: {}, tags: [], fields: [], empty: false };
  const rest: Expr[] = [];
  for (const c of conjuncts(condition)) {
    if (c.kind === "binary" && COMPARE.has(c.op) && (isTimeRef(c.lhs, kind) || isTimeRef(c.rhs, kind))) {
      addTimeBound(out.time, c, kind, nowNs);
      continue;
    }
    if (c.kind === "binary" && mentionsTime(c, kind) && c.op !== "OR") {
      throw new InvalidError("QUERY_BAD_CONDITION", `invalid time comparison: ${exprText(c)}`);
    }
    const tag = tagMatcher(c, kind);
    if (tag !== null) {
      out.tags.push(tag);
      continue;
    }
    const field = fieldCondition(c, kind);
    if (field !== null) {
      out.fields.push(field);
      continue;
    }
    if (c.kind !== "binary" && c.kind !== "bool") {
      throw new InvalidError("QUERY_BAD_CONDITION", `invalid condition expression: ${exprText(c)}`);
    }
    rest.push(c);
  }
  if (out.time.startNs !== undefined && out.time.endNs !== undefined && out.time.startNs >= out.time.endNs)
    out.empty = true;
  if (rest.length > 0) {
    let r = rest[0]!;
    for (let i = 1; i < rest.length; i++) r = { kind: "binary", op: "AND", lhs: r, rhs: rest[i]! };
    out.residual = r;
  }
  return out;
}

function isTimeRef(e: Expr, kind: RefKind): boolean {
  const u = unparen(e);
  return u.kind === "varref" && kind(u.name, u.cast) === "time";
}

function addTimeBound(bounds: TimeBounds, c: Expr & { kind: "binary" }, kind: RefKind, nowNs: bigint): void {
  let op = c.op as string;
  let other = c.rhs;
  if (!isTimeRef(c.lhs, kind)) {
    op = FLIP[op]!;
    other = c.lhs;
  }
  const t = timeValue(other, nowNs);
  const tighten = (start: bigint | undefined, end: bigint | undefined): void => {
    if (start !== undefined && (bounds.startNs === undefined || start > bounds.startNs)) bounds.startNs = start;
    if (end !== undefined && (bounds.endNs === undefined || end < bounds.endNs)) bounds.endNs = end;
  };
  switch (op) {
    case ">":
      tighten(t + 1n, undefined);
      break;
    case ">=":
      tighten(t, undefined);
      break;
    case "<":
      tighten(undefined, t);
      break;
    case "<=":
      tighten(undefined, t + 1n);
      break;
    case "=":
      tighten(t, t + 1n);
      break;
    default:
      throw new InvalidError("QUERY_BAD_CONDITION", "invalid time comparison operator: !=");
  }
}

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

const TIME_STRING = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses an InfluxQL time string (RFC3339, `YYYY-MM-DD HH:MM:SS[.frac]`, `YYYY-MM-DD`) with range checks. */
function parseTimeString(text: string): bigint {
  const m = TIME_STRING.exec(text);
  const bad = (): never => {
    throw new InvalidError("QUERY_BAD_TIME", "invalid timestamp string");
  };
  if (m === null) bad();
  const [y, mo, d] = [Number(m![1]), Number(m![2]), Number(m![3])];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > days) bad();
  if (m![4] !== undefined && (Number(m![4]) > 23 || Number(m![5]) > 59 || Number(m![6]) > 59)) bad();
  try {
    return toTimeNs(
      m![4] === undefined ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}${m![8] === undefined ? "Z" : ""}`,
    );
  } catch (error) {
    throw new InvalidError("QUERY_BAD_TIME", "invalid timestamp string", { cause: error });
  }
}

/** Evaluates a time expression: RFC3339 strings, integers (ns), durations, now() and +/- arithmetic. */
function timeValue(e: Expr, nowNs: bigint): bigint {
  const u = unparen(e);
  switch (u.kind) {
    case "string": {
      if (!DATE_LIKE.test(u.value)) {
        throw new InvalidError(
          "QUERY_BAD_TIME",
          "invalid operation: time and *influxql.StringLiteral are not compatible",
        );
      }
      return parseTimeString(u.value);
    }
    case "integer":
      return u.value;
    case "number":
      return BigInt(Math.trunc(u.value));
    case "duration":
      return u.ns;
    case "call":
      if (u.name === "now" && u.args.length === 0) return nowNs;
      break;
    case "binary":
      if (u.op === "+") return timeValue(u.lhs, nowNs) + timeValue(u.rhs, nowNs);
      if (u.op === "-") return timeValue(u.lhs, nowNs) - timeValue(u.rhs, nowNs);
      break;
  }
  throw new InvalidError("QUERY_BAD_TIME", `invalid time expression: ${exprText(u)}`);
}

function tagMatcher(c: Expr, kind: RefKind): TagMatcher | null {
  if (c.kind !== "binary") return null;
  let ref = unparen(c.lhs);
  let val = unparen(c.rhs);
  let op = c.op as string;
  if (ref.kind !== "varref" && val.kind === "varref" && (op === "=" || op === "!=")) {
    [ref, val] = [val, ref];
  }
  if (ref.kind !== "varref" || kind(ref.name, ref.cast) !== "tag") return null;
  if ((op === "=" || op === "!=") && val.kind === "string") return { key: ref.name, op, value: val.value };
  if ((op === "=~" || op === "!~") && val.kind === "regex") return { key: ref.name, op, value: val.pattern };
  if (op === "=" && val.kind === "regex") op = "=~";
  return null;
}

function fieldCondition(c: Expr, kind: RefKind): FieldCondition | null {
  if (c.kind !== "binary" || !COMPARE.has(c.op)) return null;
  let ref = unparen(c.lhs);
  let val = unparen(c.rhs);
  let op = c.op as FieldCondition["op"];
  if (ref.kind !== "varref") {
    [ref, val] = [val, ref];
    op = FLIP[op]!;
  }
  if (ref.kind !== "varref" || kind(ref.name, ref.cast) !== "field") return null;
  switch (val.kind) {
    case "number":
      return { field: ref.name, op, value: val.value };
    case "integer":
      if (val.value > BigInt(Number.MAX_SAFE_INTEGER) || val.value < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
      return { field: ref.name, op, value: Number(val.value) };
    case "string":
      return { field: ref.name, op, value: val.value };
    case "bool":
      return { field: ref.name, op, value: val.value };
    default:
      return null;
  }
}

/** Accessors a row exposes to in-memory condition evaluation. */
export interface RowAccess {
  time: bigint;
  tag(name: string): string;
  field(name: string): InfluxValue;
}

const regexCache = new Map<string, SafeRegex>();

/** A compiled unanchored RE2 regex (cached; InfluxQL regexes match anywhere unless anchored with ^ $). */
export function regexOf(pattern: string): SafeRegex {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    re = SafeRegex.compile(pattern, { anchored: false });
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** Evaluates a WHERE condition on one row. Comparisons with null or mismatched types are false. */
export function evalCondition(e: Expr, row: RowAccess, kind: RefKind, nowNs: bigint): boolean {
  const v = evalValue(e, row, kind, nowNs);
  return v === true;
}

function evalValue(e: Expr, row: RowAccess, kind: RefKind, nowNs: bigint): InfluxValue | SafeRegex {
  switch (e.kind) {
    case "paren":
      return evalValue(e.expr, row, kind, nowNs);
    case "varref": {
      const k = kind(e.name, e.cast);
      if (k === "time") return row.time;
      if (k === "tag") return row.tag(e.name);
      return row.field(e.name);
    }
    case "number":
      return e.value;
    case "integer":
      return Number(e.value);
    case "string":
      return e.value;
    case "bool":
      return e.value;
    case "duration":
      return e.ns;
    case "regex":
      return regexOf(e.pattern);
    case "call":
      if (e.name === "now") return nowNs;
      return null;
    case "binary":
      return evalBinary(e, row, kind, nowNs);
    default:
      return null;
  }
}

function evalBinary(
  e: Expr & { kind: "binary" },
  row: RowAccess,
  kind: RefKind,
  nowNs: bigint,
): InfluxValue | SafeRegex {
  if (e.op === "AND") return evalCondition(e.lhs, row, kind, nowNs) && evalCondition(e.rhs, row, kind, nowNs);
  if (e.op === "OR") return evalCondition(e.lhs, row, kind, nowNs) || evalCondition(e.rhs, row, kind, nowNs);
  const timeCompare = isTimeRef(e.lhs, kind) || isTimeRef(e.rhs, kind);
  const a = timeCompare && !isTimeRef(e.lhs, kind) ? timeValue(e.lhs, nowNs) : evalValue(e.lhs, row, kind, nowNs);
  const b = timeCompare && !isTimeRef(e.rhs, kind) ? timeValue(e.rhs, nowNs) : evalValue(e.rhs, row, kind, nowNs);
  if (e.op === "=~" || e.op === "!~") {
    if (!(b instanceof SafeRegex) || typeof a !== "string") return false;
    return b.test(a) === (e.op === "=~");
  }
  if (a === null || b === null || a instanceof SafeRegex || b instanceof SafeRegex) return false;
  return compareValues(e.op, a, b);
}

/** A comparison or arithmetic between two non-null values with InfluxQL's loose numeric typing. */
function compareValues(op: string, a: Exclude<InfluxValue, null>, b: Exclude<InfluxValue, null>): InfluxValue {
  const na = typeof a === "bigint" ? a : a;
  const nb = typeof b === "bigint" ? b : b;
  const numeric =
    (typeof na === "number" || typeof na === "bigint") && (typeof nb === "number" || typeof nb === "bigint");
  if (!numeric && typeof na !== typeof nb) return op === "!=" ? true : COMPARE.has(op) ? false : null;
  const x = numeric && typeof na !== typeof nb ? Number(na) : na;
  const y = numeric && typeof na !== typeof nb ? Number(nb) : nb;
  switch (op) {
    case "=":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
    default:
      return null;
  }
}

/** InfluxQL-ish text of an expression, for error messages. */
function exprText(e: Expr): string {
  switch (e.kind) {
    case "varref":
      return e.cast === undefined ? e.name : `${e.name}::${e.cast}`;
    case "call":
      return `${e.name}(${e.args.map(exprText).join(", ")})`;
    case "binary":
      return `${exprText(e.lhs)} ${e.op} ${exprText(e.rhs)}`;
    case "paren":
      return `(${exprText(e.expr)})`;
    case "number":
      return String(e.value);
    case "integer":
      return e.value.toString();
    case "string":
      return `'${e.value}'`;
    case "bool":
      return String(e.value);
    case "duration":
      return `${e.ns}ns`;
    case "regex":
      return `/${e.pattern}/`;
    case "wildcard":
      return "*";
    case "nil":
      return "null";
  }
}
