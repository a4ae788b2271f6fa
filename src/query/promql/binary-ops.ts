// PromQL binary operators: scalar/scalar, vector/scalar and vector/vector with one-to-one, many-to-one and
// one-to-many matching, `bool`, set operators, name dropping and Prometheus's matching errors.
import { ConflictError } from "../../base/index.ts";
import type { Binary, BinaryOp, VectorMatching } from "./ast.ts";
import { NAME_LABEL, formatLabels, labelsKey, signature, withoutName } from "./labels.ts";
import { isComparison } from "./parser-checks.ts";
import type { Labels, Sample, Value } from "./values.ts";

/** Execution errors (Prometheus errorType "execution"): the query is valid but the data make it ambiguous. */
export function executionError(msg: string): ConflictError {
  return new ConflictError("PROMQL_EXECUTION", msg);
}

/** Throws the Prometheus error for a vector holding two samples with one label set. */
export function assertUniqueLabels(samples: readonly Sample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.labels);
    if (seen.has(key)) throw executionError("vector cannot contain metrics with the same labelset");
    seen.add(key);
  }
}

/**
 * True when every label set has the same `__name__` (or none has one). Dropping the name from a vector whose
 * label sets are distinct then keeps them distinct, so the duplicate check can be skipped (a per-step saving).
 */
export function sameName(all: ReadonlyArray<{ labels: Labels }>): boolean {
  if (all.length < 2) return true;
  const first = all[0]!.labels[NAME_LABEL];
  for (let i = 1; i < all.length; i++) if (all[i]!.labels[NAME_LABEL] !== first) return false;
  return true;
}

/** Go's math.Pow corner cases differ from JavaScript's for bases ±1 with NaN or infinite exponents. */
function pow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** The arithmetic result of `l op r`, or for comparisons whether it holds (1/0). */
function arith(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return l / r;
    case "%":
      return l % r;
    case "^":
      return pow(l, r);
    case "atan2":
      return Math.atan2(l, r);
    case "==":
      return l === r ? 1 : 0;
    case "!=":
      return l !== r ? 1 : 0;
    case ">":
      return l > r ? 1 : 0;
    case "<":
      return l < r ? 1 : 0;
    case ">=":
      return l >= r ? 1 : 0;
    case "<=":
      return l <= r ? 1 : 0;
    default:
      return NaN;
  }
}

/** Evaluates binary node `e` on its evaluated operands at time `t`. */
export function evalBinary(e: Binary, lhs: Value, rhs: Value, t: number): Value {
  if (lhs.kind === "scalar" && rhs.kind === "scalar") return { kind: "scalar", t, v: arith(e.op, lhs.v, rhs.v) };
  if (lhs.kind === "vector" && rhs.kind === "scalar") return vectorScalar(e, lhs.samples, rhs.v, false, t);
  if (lhs.kind === "scalar" && rhs.kind === "vector") return vectorScalar(e, rhs.samples, lhs.v, true, t);
  if (lhs.kind !== "vector" || rhs.kind !== "vector") return { kind: "vector", samples: [] };
  const matching = e.matching ?? { card: "one-to-one", on: false, labels: [], include: [] };
  let samples: Sample[];
  switch (e.op) {
    case "and":
      samples = vectorAnd(lhs.samples, rhs.samples, matching);
      break;
    case "or":
      samples = vectorOr(lhs.samples, rhs.samples, matching);
      break;
    case "unless":
      samples = vectorUnless(lhs.samples, rhs.samples, matching);
      break;
    default:
      samples = vectorVector(e, lhs.samples, rhs.samples, matching, t);
  }
  assertUniqueLabels(samples);
  return { kind: "vector", samples };
}

function vectorScalar(e: Binary, vec: Sample[], scalar: number, swap: boolean, t: number): Value {
  const comparison = isComparison(e.op);
  const dropName = !comparison || e.returnBool;
  const out: Sample[] = [];
  for (const s of vec) {
    const r = swap ? arith(e.op, scalar, s.v) : arith(e.op, s.v, scalar);
    let v = r;
    if (comparison) {
      if (!e.returnBool && r === 0) continue;
      v = e.returnBool ? r : s.v;
    }
    out.push({ labels: dropName ? withoutName(s.labels) : s.labels, t, v });
  }
  if (dropName && !sameName(vec)) assertUniqueLabels(out);
  return { kind: "vector", samples: out };
}

function vectorAnd(lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const right = new Set(rhs.map((s) => signature(s.labels, m.on, m.labels)));
  return lhs.filter((s) => right.has(signature(s.labels, m.on, m.labels)));
}

function vectorOr(lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (lhs.length === 0) return rhs;
  if (rhs.length === 0) return lhs;
  const left = new Set(lhs.map((s) => signature(s.labels, m.on, m.labels)));
  return [...lhs, ...rhs.filter((s) => !left.has(signature(s.labels, m.on, m.labels)))];
}

function vectorUnless(lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return lhs;
  const right = new Set(rhs.map((s) => signature(s.labels, m.on, m.labels)));
  return lhs.filter((s) => !right.has(signature(s.labels, m.on, m.labels)));
}

/** Arithmetic and comparison between two vectors (Prometheus's VectorBinop). */
function vectorVector(e: Binary, lhsIn: Sample[], rhsIn: Sample[], m: VectorMatching, t: number): Sample[] {
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  const oneToMany = m.card === "one-to-many";
  // The "many" side is iterated; the "one" side is looked up by signature.
  const many = oneToMany ? rhsIn : lhsIn;
  const one = oneToMany ? lhsIn : rhsIn;
  const oneBySig = new Map<string, Sample>();
  for (const s of one) {
    const sig = signature(s.labels, m.on, m.labels);
    const dup = oneBySig.get(sig);
    if (dup !== undefined) {
      throw executionError(
        `found duplicate series for the match group ${matchGroup(s.labels, m)} on the ${oneToMany ? "left" : "right"} ` +
          `hand-side of the operation: [${formatLabels(s.labels)}, ${formatLabels(dup.labels)}];` +
          "many-to-many matching not allowed: matching labels must be unique on one side",
      );
    }
    oneBySig.set(sig, s);
  }
  const comparison = isComparison(e.op);
  const dropName = !comparison || e.returnBool;
  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const s of many) {
    const sig = signature(s.labels, m.on, m.labels);
    const other = oneBySig.get(sig);
    if (other === undefined) continue;
    const l = oneToMany ? other.v : s.v;
    const r = oneToMany ? s.v : other.v;
    const res = arith(e.op, l, r);
    let v = res;
    if (comparison) {
      if (!e.returnBool && res === 0) continue;
      v = e.returnBool ? res : l;
    }
    const labels = resultLabels(s.labels, other.labels, m, dropName);
    const inserted = matched.get(sig);
    if (m.card === "one-to-one") {
      if (inserted !== undefined)
        throw executionError(
          "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
        );
      matched.set(sig, null);
    } else {
      const key = labelsKey(labels);
      let set = inserted;
      if (set === undefined || set === null) {
        set = new Set();
        matched.set(sig, set);
      } else if (set.has(key)) {
        throw executionError("multiple matches for labels: grouping labels must ensure unique matches");
      }
      set.add(key);
    }
    out.push({ labels, t, v });
  }
  return out;
}

/** Prometheus's resultMetric: drop the name for arithmetic, keep `on` labels (one-to-one), copy `include`. */
function resultLabels(many: Labels, one: Labels, m: VectorMatching, dropName: boolean): Labels {
  const out: Labels = {};
  for (const k in many) {
    if (dropName && k === NAME_LABEL) continue;
    if (m.card === "one-to-one" && m.on !== m.labels.includes(k)) continue;
    out[k] = many[k]!;
  }
  for (const k of m.include) {
    const v = one[k];
    if (v !== undefined && v !== "") out[k] = v;
    else delete out[k];
  }
  return out;
}

function matchGroup(labels: Labels, m: VectorMatching): string {
  const out: Labels = {};
  for (const k in labels) {
    if (m.on ? m.labels.includes(k) : k !== NAME_LABEL && !m.labels.includes(k)) out[k] = labels[k]!;
  }
  return formatLabels(out);
}
