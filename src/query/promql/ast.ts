// The PromQL syntax tree the parser builds and the evaluator walks. Plain data: no storage, no evaluation.
import type { ValueKind } from "./values.ts";
import type { PromFunctionDef } from "./functions/index.ts";

/** A label matcher of a vector selector; `value` is a literal for `=`/`!=` and an RE2 pattern for `=~`/`!~`. */
export interface LabelMatcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** `@ <ts>` (ms), `@ start()` or `@ end()`; undefined when absent. */
export type AtModifier = number | "start" | "end" | undefined;

/** Aggregation operators. */
export type AggregateOp =
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "count"
  | "stddev"
  | "stdvar"
  | "group"
  | "topk"
  | "bottomk"
  | "quantile"
  | "count_values";

/** Binary operators. */
export type BinaryOp =
  "+" | "-" | "*" | "/" | "%" | "^" | "atan2" | "==" | "!=" | ">" | "<" | ">=" | "<=" | "and" | "or" | "unless";

/** How the two sides of a vector/vector binary operation match. */
export interface VectorMatching {
  card: "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";
  /** True for `on(...)`, false for `ignoring(...)` or no clause. */
  on: boolean;
  labels: string[];
  /** Labels of `group_left(...)`/`group_right(...)` copied from the "one" side. */
  include: string[];
}

export interface NumberLiteral {
  type: "number";
  value: number;
  pos: number;
}

export interface StringLiteral {
  type: "string";
  value: string;
  pos: number;
}

/** An instant vector selector, or a range vector selector when `rangeMs > 0`. */
export interface VectorSelector {
  type: "selector";
  /** Metric name when given outside the braces or as a bare quoted name; undefined otherwise. */
  name: string | undefined;
  /** Every matcher, including `__name__="<name>"` for a named selector. */
  matchers: LabelMatcher[];
  /** Range of a range vector selector (ms), 0 for an instant selector. */
  rangeMs: number;
  offsetMs: number;
  at: AtModifier;
  pos: number;
}

export interface Subquery {
  type: "subquery";
  expr: Expr;
  rangeMs: number;
  /** Resolution (ms); 0 means the default evaluation interval. */
  stepMs: number;
  offsetMs: number;
  at: AtModifier;
  pos: number;
}

export interface Call {
  type: "call";
  name: string;
  def: PromFunctionDef;
  args: Expr[];
  pos: number;
}

export interface Aggregate {
  type: "aggregate";
  op: AggregateOp;
  expr: Expr;
  /** The parameter of topk, bottomk, quantile and count_values. */
  param: Expr | undefined;
  grouping: string[];
  without: boolean;
  pos: number;
}

export interface Binary {
  type: "binary";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** `bool` modifier of a comparison. */
  returnBool: boolean;
  /** Matching of a vector/vector operation; undefined when a side is a scalar. */
  matching: VectorMatching | undefined;
  pos: number;
}

export interface Unary {
  type: "unary";
  op: "-" | "+";
  expr: Expr;
  pos: number;
}

export interface Paren {
  type: "paren";
  expr: Expr;
  pos: number;
}

export type Expr =
  NumberLiteral | StringLiteral | VectorSelector | Subquery | Call | Aggregate | Binary | Unary | Paren;

/** The value kind an expression evaluates to (a range selector or subquery gives a "matrix"). */
export function exprKind(e: Expr): ValueKind {
  switch (e.type) {
    case "number":
      return "scalar";
    case "string":
      return "string";
    case "selector":
      return e.rangeMs > 0 ? "matrix" : "vector";
    case "subquery":
      return "matrix";
    case "call":
      return e.def.returnType;
    case "aggregate":
      return "vector";
    case "binary":
      return exprKind(e.lhs) === "scalar" && exprKind(e.rhs) === "scalar" ? "scalar" : "vector";
    case "unary":
    case "paren":
      return exprKind(e.expr);
  }
}

/** Prometheus's name of a value kind, as used in error messages ("instant vector", "range vector", ...). */
export function kindName(kind: ValueKind): string {
  switch (kind) {
    case "vector":
      return "instant vector";
    case "matrix":
      return "range vector";
    default:
      return kind;
  }
}
