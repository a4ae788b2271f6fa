// SELECT planning: expands wildcards and regexes against the sources' schema, names result columns as InfluxDB
// 1.x does, validates function calls and classifies the query (raw, aggregate, transforms). No data access.
import { InvalidError } from "../../base/index.ts";
import { isAggregateFunction, isSelectorFunction, isTransformFunction } from "./functions/index.ts";
import type { ValueType } from "./functions/index.ts";
import type { Dimension, Expr, Field, SelectStatement } from "./ast.ts";
import { regexOf, unparen } from "./condition.ts";

/** Fields (with types) and tag keys of the data a SELECT reads. */
export interface SourceSchema {
  fields: Map<string, ValueType>;
  tags: Set<string>;
}

/** A projection after expansion: its expression and result column name. */
export interface Projection {
  expr: Expr;
  name: string;
}

/** A call to an aggregate or selector whose argument is a field (or a nested distinct()). */
export interface Leaf {
  key: string;
  call: Expr & { kind: "call" };
  /** The field the function reads. */
  field: string;
  /** count(distinct(x)) and similar: the inner call's name. */
  inner?: string;
  /** Literal arguments after the field (percentile N, top N, units in ns). */
  args: Array<number | string>;
  /** Tag names given to top()/bottom() before N. */
  tagArgs: string[];
}

/** The analysed SELECT. */
export interface SelectPlan {
  projections: Projection[];
  leaves: Leaf[];
  /** True when the query aggregates (has leaves). */
  aggregate: boolean;
  /** True when some projection applies a transformation. */
  transforms: boolean;
  /** Field names read (projections and aux columns). */
  fieldsRead: Set<string>;
  /** The GROUP BY time interval and offset, when present. */
  interval?: { ns: bigint; offsetNs: bigint };
  /** GROUP BY tag dimensions as given (names, "*" or regexes), resolved per measurement by `groupTags`. */
  dimensions: Dimension[];
}

const ONE_ARG = new Set([
  "count",
  "sum",
  "mean",
  "median",
  "mode",
  "spread",
  "stddev",
  "first",
  "last",
  "min",
  "max",
  "distinct",
  "difference",
  "non_negative_difference",
  "cumulative_sum",
]);
const ONE_OR_TWO = new Set(["derivative", "non_negative_derivative", "elapsed", "integral"]);
const TWO_ARGS = new Set(["percentile", "sample", "moving_average"]);
/** Math functions applied per value. */
const MATH_FUNCTIONS = new Set([
  "abs",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "atan2",
  "exp",
  "log",
  "ln",
  "log2",
  "log10",
  "sqrt",
  "pow",
  "floor",
  "ceil",
  "round",
]);

/** Types each aggregate accepts when expanding `fn(*)` (InfluxDB skips fields a function cannot read). */
function acceptsType(fn: string, t: ValueType): boolean {
  switch (fn) {
    case "count":
    case "first":
    case "last":
    case "distinct":
    case "mode":
    case "sample":
    case "elapsed":
      return true;
    case "min":
    case "max":
      return t !== "string";
    default:
      return t === "float" || t === "integer" || t === "unsigned";
  }
}

function fail(message: string): never {
  throw new InvalidError("QUERY_INVALID", message);
}

/** Expands wildcards, names columns and validates; throws InvalidError with InfluxDB's statement errors. */
export function planSelect(stmt: SelectStatement, schema: SourceSchema): SelectPlan {
  const dims = stmt.dimensions;
  const groupedTags = new Set(dims.flatMap((d) => (d.kind === "tag" ? [d.name] : [])));
  const expanded = expandFields(stmt.fields, schema, groupedTags, dims);
  const projections = nameColumns(expanded);
  const timeDim = dims.find((d) => d.kind === "time");
  const plan: SelectPlan = {
    projections,
    leaves: [],
    aggregate: false,
    transforms: false,
    fieldsRead: new Set(),
    dimensions: dims.filter((d) => d.kind !== "time"),
  };
  // GROUP BY time(0s) means no time grouping, as in influxd.
  if (timeDim !== undefined && timeDim.kind === "time" && timeDim.intervalNs > 0n)
    plan.interval = { ns: timeDim.intervalNs, offsetNs: timeDim.offsetNs };
  const leafKeys = new Map<string, Leaf>();
  let rawRefs = 0;
  for (const p of projections) {
    const vars = { count: 0 };
    walk(p.expr, plan, schema, leafKeys, false, vars);
    rawRefs += vars.count;
    if (!hasVariable(p.expr)) fail("field must contain at least one variable");
  }
  plan.leaves = [...leafKeys.values()];
  plan.aggregate = plan.leaves.length > 0;
  validateShape(stmt, plan, rawRefs);
  return plan;
}

function hasVariable(e: Expr): boolean {
  switch (e.kind) {
    case "varref":
    case "wildcard":
    case "regex":
      return true;
    case "call":
      return e.args.some(hasVariable);
    case "binary":
      return hasVariable(e.lhs) || hasVariable(e.rhs);
    case "paren":
      return hasVariable(e.expr);
    default:
      return false;
  }
}

function validateShape(stmt: SelectStatement, plan: SelectPlan, rawRefs: number): void {
  const selectors = plan.leaves.filter((l) => isSelectorFunction(l.call.name));
  if (plan.leaves.some((l) => l.call.name === "distinct" && l.inner === undefined) && plan.projections.length > 1) {
    fail("aggregate function distinct() cannot be combined with other functions or fields");
  }
  const multi = plan.leaves.find((l) => l.call.name === "top" || l.call.name === "bottom");
  if (multi !== undefined && plan.leaves.length > 1) {
    fail(`selector function ${multi.call.name}() cannot be combined with other functions`);
  }
  if (plan.aggregate && rawRefs > 0 && !(plan.leaves.length === 1 && selectors.length === 1)) {
    if (selectors.length === plan.leaves.length && selectors.length > 1) {
      fail("mixing multiple selector functions with tags or fields is not supported");
    }
    fail("mixing aggregate and non-aggregate queries is not supported");
  }
  if (!plan.aggregate && plan.interval !== undefined) fail("GROUP BY requires at least one aggregate function");
  if (!plan.aggregate && stmt.fill !== "null") {
    const f = stmt.fill;
    fail(`fill(${typeof f === "string" ? f : String(f.value)}) must be used with a function`);
  }
  if (plan.transforms && !plan.aggregate && rawRefs > 0) {
    fail("mixing aggregate and non-aggregate queries is not supported");
  }
}

/** Walks a projection: validates calls, records leaves and the fields read, counts bare variables. */
function walk(
  e: Expr,
  plan: SelectPlan,
  schema: SourceSchema,
  leaves: Map<string, Leaf>,
  inCall: boolean,
  vars: { count: number },
): void {
  switch (e.kind) {
    case "varref":
      if (!inCall) vars.count++;
      if (schema.fields.has(e.name) || e.cast === "field" || !schema.tags.has(e.name)) plan.fieldsRead.add(e.name);
      return;
    case "paren":
      walk(e.expr, plan, schema, leaves, inCall, vars);
      return;
    case "binary":
      walk(e.lhs, plan, schema, leaves, inCall, vars);
      walk(e.rhs, plan, schema, leaves, inCall, vars);
      return;
    case "call":
      walkCall(e, plan, schema, leaves, vars);
      return;
    default:
      return;
  }
}

function checkArity(name: string, n: number): void {
  if (ONE_ARG.has(name) && n !== 1) fail(`invalid number of arguments for ${name}, expected 1, got ${n}`);
  if (TWO_ARGS.has(name) && n !== 2) fail(`invalid number of arguments for ${name}, expected 2, got ${n}`);
  if (ONE_OR_TWO.has(name) && (n < 1 || n > 2))
    fail(`invalid number of arguments for ${name}, expected at least 1 but no more than 2, got ${n}`);
  if ((name === "top" || name === "bottom") && n < 2)
    fail(`invalid number of arguments for ${name}, expected at least 2, got ${n}`);
}

function walkCall(
  e: Expr & { kind: "call" },
  plan: SelectPlan,
  schema: SourceSchema,
  leaves: Map<string, Leaf>,
  vars: { count: number },
): void {
  const name = e.name;
  const known = isAggregateFunction(name) || isSelectorFunction(name) || isTransformFunction(name);
  if (!known && !MATH_FUNCTIONS.has(name)) fail(`undefined function ${name}()`);
  checkArity(name, e.args.length);
  if (MATH_FUNCTIONS.has(name)) {
    for (const a of e.args) walk(a, plan, schema, leaves, false, vars);
    return;
  }
  if (isTransformFunction(name)) {
    plan.transforms = true;
    const inner = unparen(e.args[0]!);
    if (plan.interval !== undefined && inner.kind !== "call") {
      fail(`aggregate function required inside the call to ${name}`);
    }
    if (inner.kind === "call") {
      if (plan.interval === undefined) fail(`${name} aggregate requires a GROUP BY interval`);
      walkCall(inner, plan, schema, leaves, vars);
    } else {
      walk(inner, plan, schema, leaves, true, vars);
    }
    if (name === "moving_average") literalArg(e.args[1]!, name, "integer");
    else if (e.args.length > 1) literalArg(e.args[1]!, name, "duration");
    return;
  }
  const leaf = makeLeaf(e, schema);
  plan.fieldsRead.add(leaf.field);
  for (const t of leaf.tagArgs) plan.fieldsRead.delete(t);
  if (!leaves.has(leaf.key)) leaves.set(leaf.key, leaf);
}

function makeLeaf(e: Expr & { kind: "call" }, schema: SourceSchema): Leaf {
  const name = e.name;
  const first = unparen(e.args[0]!);
  let field: string;
  let inner: string | undefined;
  if (first.kind === "varref") field = first.name;
  else if (first.kind === "call" && first.name === "distinct" && first.args.length === 1) {
    const a = unparen(first.args[0]!);
    if (a.kind !== "varref") fail(`expected field argument in distinct()`);
    field = a.name;
    inner = "distinct";
  } else if (first.kind === "call") {
    fail(`expected field argument in ${name}()`);
  } else {
    fail(`expected field argument in ${name}()`);
  }
  const args: Array<number | string> = [];
  const tagArgs: string[] = [];
  const rest = e.args.slice(1);
  if (name === "top" || name === "bottom") {
    for (let i = 0; i < rest.length - 1; i++) {
      const a = unparen(rest[i]!);
      if (a.kind !== "varref") fail(`only fields or tags are allowed in ${name}(), found ${a.kind}`);
      tagArgs.push(a.name);
    }
    const n = unparen(rest[rest.length - 1]!);
    if (n.kind !== "integer") fail(`expected integer as last argument in ${name}(), found ${n.kind}`);
    args.push(Number(n.value));
  } else if (name === "percentile") {
    args.push(literalArg(rest[0]!, name, "number"));
  } else if (name === "sample") {
    args.push(literalArg(rest[0]!, name, "integer"));
  } else if (rest.length > 0) {
    args.push(literalArg(rest[0]!, name, "duration"));
  }
  void schema;
  const key = `${name}(${inner === undefined ? field : `${inner}(${field})`},${args.join(",")},${tagArgs.join(",")})`;
  return { key, call: e, field, ...(inner === undefined ? {} : { inner }), args, tagArgs };
}

function literalArg(e: Expr, fn: string, want: "number" | "integer" | "duration"): number {
  const u = unparen(e);
  if (want === "duration") {
    if (u.kind === "duration") return Number(u.ns);
    fail(
      `second argument to ${fn} must be a duration, got ${u.kind === "integer" || u.kind === "number" ? "*influxql.IntegerLiteral" : u.kind}`,
    );
  }
  if (u.kind === "integer") return Number(u.value);
  if (u.kind === "number" && want === "number") return u.value;
  if (fn === "percentile") fail(`expected float argument in percentile()`);
  if (fn === "moving_average") fail("second argument for moving_average must be an integer");
  fail(`expected integer argument in ${fn}()`);
}

/** Expands `*`, `/re/`, `fn(*)` and `fn(/re/)` against the schema (fields and tags sorted by name). */
function expandFields(fields: Field[], schema: SourceSchema, groupedTags: Set<string>, dims: Dimension[]): Field[] {
  const out: Field[] = [];
  const groupAll = dims.some((d) => d.kind === "wildcard");
  const groupRegexes = dims.flatMap((d) => (d.kind === "regex" ? [regexOf(d.pattern)] : []));
  // influxd drops every tag from `*` when a dimension is a regex, whatever it matches.
  const isGrouped = (tag: string): boolean => groupAll || groupedTags.has(tag) || groupRegexes.length > 0;
  for (const f of fields) {
    const e = unparen(f.expr);
    if (e.kind === "varref" && e.name === "time" && e.cast === undefined) continue;
    if (e.kind === "wildcard" || e.kind === "regex") {
      const re = e.kind === "regex" ? regexOf(e.pattern) : null;
      const cast = e.kind === "wildcard" ? e.cast : undefined;
      const names: Array<{ name: string; cast: "field" | "tag" }> = [];
      if (cast !== "tag") for (const n of schema.fields.keys()) names.push({ name: n, cast: "field" });
      if (cast !== "field") {
        for (const n of schema.tags) if (!isGrouped(n) && !schema.fields.has(n)) names.push({ name: n, cast: "tag" });
      }
      names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const n of names) {
        if (re !== null && !re.test(n.name)) continue;
        out.push({ expr: { kind: "varref", name: n.name, cast: n.cast } });
      }
      continue;
    }
    if (e.kind === "call" && e.args.length > 0) {
      const a = unparen(e.args[0]!);
      if (a.kind === "wildcard" || a.kind === "regex") {
        const re = a.kind === "regex" ? regexOf(a.pattern) : null;
        const names = [...schema.fields.entries()]
          .filter(([n, t]) => (re === null || re.test(n)) && acceptsType(e.name, t))
          .map(([n]) => n)
          .sort();
        for (const n of names) {
          const call: Expr = { kind: "call", name: e.name, args: [{ kind: "varref", name: n }, ...e.args.slice(1)] };
          out.push({ expr: call, alias: `${f.alias ?? e.name}_${n}` });
        }
        continue;
      }
    }
    out.push(f);
  }
  return out;
}

/** InfluxDB's column name of a field: alias, call name, variable name, or the names of a binary expression. */
function fieldName(f: Field): string {
  if (f.alias !== undefined) return f.alias;
  const e = unparen(f.expr);
  if (e.kind === "call") return e.name;
  if (e.kind === "varref") return e.name;
  if (e.kind === "binary") {
    const names: string[] = [];
    const visit = (x: Expr): void => {
      if (x.kind === "varref") names.push(x.name);
      else if (x.kind === "call") names.push(x.name);
      else if (x.kind === "binary") {
        visit(x.lhs);
        visit(x.rhs);
      } else if (x.kind === "paren") visit(x.expr);
    };
    visit(e);
    return names.join("_");
  }
  return "";
}

/** Column names with InfluxDB's conflict resolution (aliases first, then `name_1`, `name_2`, …). */
function nameColumns(fields: Field[]): Projection[] {
  const names = new Map<string, number>();
  const out: Array<string | undefined> = fields.map((f) => f.alias);
  for (const a of out) if (a !== undefined) names.set(a, 1);
  for (let i = 0; i < fields.length; i++) {
    if (out[i] !== undefined) continue;
    let name = fieldName(fields[i]!);
    let count = names.get(name);
    if (count !== undefined) {
      for (;;) {
        const resolved = `${name}_${count}`;
        if (!names.has(resolved)) {
          names.set(name, count + 1);
          name = resolved;
          break;
        }
        count++;
      }
    }
    names.set(name, (names.get(name) ?? 0) + 1);
    out[i] = name;
  }
  return fields.map((f, i) => ({ expr: f.expr, name: out[i]! }));
}
