// Evaluates SELECT projections over a frame of rows (raw rows or aggregated buckets): arithmetic, math
// functions and transformations, producing one column per projection. Knows nothing of storage.
import { transformSeries } from "./functions/index.ts";
import type { ValueType } from "./functions/index.ts";
import type { Expr } from "./ast.ts";
import { unparen } from "./condition.ts";
import type { Leaf } from "./select-plan.ts";
import type { InfluxValue } from "./statement-output.ts";

/** A column of values at times (ascending). */
export interface Column {
  times: bigint[];
  values: InfluxValue[];
}

/** Rows a projection is evaluated over. */
export interface Frame {
  times: bigint[];
  /** Values of a field, tag or aux column per row. */
  column(name: string, cast: string | undefined): InfluxValue[];
  /** Values of an aggregate leaf per row, when the frame is aggregated. */
  leaf(key: string): InfluxValue[] | undefined;
  /** Type of a field, when known. */
  valueType(name: string): ValueType | undefined;
  intervalNs?: bigint;
  /** Rows run in descending time order (ORDER BY time DESC with transformations). */
  descending?: boolean;
}

/** Finds the leaf of `call` by the same key select-plan gives it. */
export type LeafLookup = (call: Expr & { kind: "call" }) => Leaf | undefined;

/** Evaluates `e` over `frame`; transformations change the row set (times) of their column. */
export function evalColumn(e: Expr, frame: Frame, leafOf: LeafLookup): Column {
  switch (e.kind) {
    case "paren":
      return evalColumn(e.expr, frame, leafOf);
    case "varref":
      return { times: frame.times, values: frame.column(e.name, e.cast) };
    case "number":
      return constant(frame, e.value);
    case "integer":
      return constant(frame, normalize(e.value));
    case "string":
      return constant(frame, e.value);
    case "bool":
      return constant(frame, e.value);
    case "duration":
      return constant(frame, normalize(e.ns));
    case "binary":
      return binaryColumn(e.op, evalColumn(e.lhs, frame, leafOf), evalColumn(e.rhs, frame, leafOf));
    case "call":
      return callColumn(e, frame, leafOf);
    default:
      return constant(frame, null);
  }
}

function normalize(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function constant(frame: Frame, v: InfluxValue): Column {
  return { times: frame.times, values: new Array<InfluxValue>(frame.times.length).fill(v) };
}

function callColumn(e: Expr & { kind: "call" }, frame: Frame, leafOf: LeafLookup): Column {
  const leaf = leafOf(e);
  if (leaf !== undefined) {
    const values = frame.leaf(leaf.key);
    if (values !== undefined) return { times: frame.times, values };
  }
  if (e.args.length > 0 && isTransform(e.name)) {
    const inner = evalColumn(unparen(e.args[0]!), frame, leafOf);
    const args: Array<number | string> = [];
    const a1 = e.args[1] === undefined ? undefined : unparen(e.args[1]);
    if (a1 !== undefined) {
      if (a1.kind === "duration") args.push(Number(a1.ns));
      else if (a1.kind === "integer") args.push(Number(a1.value));
      else if (a1.kind === "number") args.push(a1.value);
    }
    const argRef = unparen(e.args[0]!);
    const valueType = argRef.kind === "varref" ? frame.valueType(argRef.name) : undefined;
    const out = transformSeries(
      { name: e.name, args, ...(valueType === undefined ? {} : { valueType }) },
      inner.times,
      inner.values,
      {
        ...(frame.intervalNs === undefined ? {} : { intervalNs: frame.intervalNs }),
        descending: frame.descending === true,
      },
    );
    return { times: out.times, values: out.values };
  }
  const cols = e.args.map((a) => evalColumn(a, frame, leafOf));
  return mathColumn(e.name, cols);
}

const TRANSFORMS = new Set([
  "derivative",
  "non_negative_derivative",
  "difference",
  "non_negative_difference",
  "moving_average",
  "cumulative_sum",
  "elapsed",
]);

function isTransform(name: string): boolean {
  return TRANSFORMS.has(name);
}

/** Aligns two columns on the same rows (by identity of times, else by time value). */
function align(a: Column, b: Column): { times: bigint[]; x: InfluxValue[]; y: InfluxValue[] } {
  if (a.times === b.times) return { times: a.times, x: a.values, y: b.values };
  const index = new Map<bigint, number>();
  for (let i = 0; i < b.times.length; i++) index.set(b.times[i]!, i);
  const y = a.times.map((t) => {
    const i = index.get(t);
    return i === undefined ? null : b.values[i]!;
  });
  return { times: a.times, x: a.values, y };
}

function binaryColumn(op: string, a: Column, b: Column): Column {
  // A constant side follows the other side's rows.
  const { times, x, y } = a.times.length >= b.times.length ? align(a, b) : swap(align(b, a));
  const out = new Array<InfluxValue>(times.length);
  for (let i = 0; i < times.length; i++) out[i] = arithmetic(op, x[i]!, y[i]!);
  return { times, values: out };
}

function swap(r: { times: bigint[]; x: InfluxValue[]; y: InfluxValue[] }): {
  times: bigint[];
  x: InfluxValue[];
  y: InfluxValue[];
} {
  return { times: r.times, x: r.y, y: r.x };
}

/** InfluxQL arithmetic on two values: null or non-numeric operands give null; x / 0 is 0 as in InfluxDB 1.x. */
function arithmetic(op: string, a: InfluxValue, b: InfluxValue): InfluxValue {
  if (a === null || b === null) return null;
  if (typeof a === "boolean" && typeof b === "boolean") {
    if (op === "&") return a && b;
    if (op === "|") return a || b;
    if (op === "^") return a !== b;
    return null;
  }
  if ((typeof a !== "number" && typeof a !== "bigint") || (typeof b !== "number" && typeof b !== "bigint")) {
    if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
    return null;
  }
  if (typeof a === "bigint" || typeof b === "bigint") {
    if (Number.isInteger(Number(a)) && Number.isInteger(Number(b)) && op !== "/") {
      return bigArithmetic(op, BigInt(a), BigInt(b));
    }
  }
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return y === 0 ? 0 : x / y;
    case "%":
      return y === 0 ? 0 : x % y;
    case "&":
    case "|":
    case "^":
      if (!Number.isInteger(x) || !Number.isInteger(y)) return null;
      return bigArithmetic(op, BigInt(x), BigInt(y));
    default:
      return null;
  }
}

function bigArithmetic(op: string, x: bigint, y: bigint): InfluxValue {
  let r: bigint;
  switch (op) {
    case "+":
      r = x + y;
      break;
    case "-":
      r = x - y;
      break;
    case "*":
      r = x * y;
      break;
    case "%":
      if (y === 0n) return 0;
      r = x % y;
      break;
    case "&":
      r = x & y;
      break;
    case "|":
      r = x | y;
      break;
    case "^":
      r = x ^ y;
      break;
    default:
      return null;
  }
  return normalize(BigInt.asIntN(64, r));
}

/** Go's math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const MATH1: Record<string, (x: number) => number> = {
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  floor: Math.floor,
  ceil: Math.ceil,
  round: goRound,
};

function mathColumn(name: string, cols: Column[]): Column {
  const base = cols[0]!;
  const other = cols[1];
  const y = other === undefined ? undefined : align(base, other).y;
  const out = base.values.map((v, i) => {
    if (v === null || (typeof v !== "number" && typeof v !== "bigint")) return null;
    const x = Number(v);
    if (name === "pow" || name === "atan2" || name === "log") {
      const w = y?.[i];
      if (w === null || w === undefined || (typeof w !== "number" && typeof w !== "bigint")) return null;
      const z = Number(w);
      const r = name === "pow" ? Math.pow(x, z) : name === "atan2" ? Math.atan2(x, z) : Math.log(x) / Math.log(z);
      return Number.isFinite(r) ? r : null;
    }
    const f = MATH1[name];
    if (f === undefined) return null;
    const r = f(x);
    return Number.isFinite(r) ? r : null;
  });
  return { times: base.times, values: out };
}
