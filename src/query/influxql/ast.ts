// The InfluxQL syntax tree the parser builds and the executor walks. Plain data: no behaviour, no storage types.

/** A data type named in a `::type` cast. */
export type CastType = "field" | "tag" | "float" | "integer" | "string" | "boolean" | "unsigned";

/** An expression in SELECT fields, WHERE conditions and function arguments. */
export type Expr =
  | { kind: "varref"; name: string; cast?: CastType }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "binary"; op: BinaryOp; lhs: Expr; rhs: Expr }
  | { kind: "paren"; expr: Expr }
  | { kind: "number"; value: number }
  | { kind: "integer"; value: bigint }
  | { kind: "string"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "duration"; ns: bigint }
  | { kind: "regex"; pattern: string }
  | { kind: "wildcard"; cast?: "field" | "tag" }
  | { kind: "nil" };

export type BinaryOp =
  "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "AND" | "OR" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "!~";

/** One SELECT projection. */
export interface Field {
  expr: Expr;
  alias?: string;
}

/** A FROM source: a measurement (by name or regex, optionally qualified) or a subquery. */
export type Source =
  | { kind: "measurement"; db?: string; rp?: string; name?: string; regex?: string }
  | { kind: "subquery"; statement: SelectStatement };

/** A GROUP BY dimension. */
export type Dimension =
  | { kind: "time"; intervalNs: bigint; offsetNs: bigint }
  | { kind: "tag"; name: string }
  | { kind: "wildcard" }
  | { kind: "regex"; pattern: string };

export type FillOption = "null" | "none" | "previous" | "linear" | { value: number };

export interface SelectStatement {
  kind: "select";
  fields: Field[];
  sources: Source[];
  condition?: Expr;
  dimensions: Dimension[];
  fill: FillOption;
  order: "asc" | "desc";
  limit: number;
  offset: number;
  slimit: number;
  soffset: number;
  /** IANA zone from tz(); parsed and rejected by the executor unless "UTC". */
  tz?: string;
}

/** `WITH KEY` forms of SHOW TAG VALUES. */
export type TagKeyFilter =
  | { op: "="; key: string }
  | { op: "!="; key: string }
  | { op: "=~"; pattern: string }
  | { op: "!~"; pattern: string }
  | { op: "IN"; keys: string[] };

/** The options a retention-policy statement gives (absent: not given). Durations in ns, 0 = INF. */
export interface RetentionPolicyOptions {
  durationNs?: number;
  replicaN?: number;
  shardDurationNs?: number;
  /** CREATE DATABASE ... WITH NAME. */
  name?: string;
  /** DEFAULT was given. */
  makeDefault?: boolean;
}

export type Statement =
  | SelectStatement
  | { kind: "show_databases" }
  | {
      kind: "show_measurements";
      db?: string;
      measurement?: { op: "=" | "=~"; value: string };
      condition?: Expr;
      limit: number;
      offset: number;
    }
  | { kind: "show_tag_keys"; db?: string; sources: Source[]; condition?: Expr; limit: number; offset: number }
  | {
      kind: "show_tag_values";
      db?: string;
      sources: Source[];
      keyFilter: TagKeyFilter;
      condition?: Expr;
      limit: number;
      offset: number;
    }
  | { kind: "show_field_keys"; db?: string; sources: Source[]; limit: number; offset: number }
  | { kind: "show_series"; db?: string; sources: Source[]; condition?: Expr; limit: number; offset: number }
  | { kind: "show_retention_policies"; db?: string }
  | { kind: "create_database"; name: string; rp?: RetentionPolicyOptions }
  | { kind: "create_retention_policy"; name: string; db: string; rp: RetentionPolicyOptions }
  | { kind: "alter_retention_policy"; name: string; db: string; rp: RetentionPolicyOptions }
  | { kind: "drop_retention_policy"; name: string; db: string }
  | { kind: "drop_database"; name: string }
  | { kind: "drop_measurement"; name: string }
  | { kind: "drop_series"; sources: Source[]; condition?: Expr }
  | { kind: "delete"; sources: Source[]; condition?: Expr };
