// InfluxQL statement grammar (SELECT, SHOW, CREATE/DROP, DELETE): text → Statement[], with influxd's parse
// error messages. Expressions are parsed by parse-expr.ts.
import type {
  Dimension,
  Expr,
  Field,
  FillOption,
  RetentionPolicyOptions,
  SelectStatement,
  Source,
  Statement,
  TagKeyFilter,
} from "./ast.ts";
import { parseError } from "./lexer.ts";
import { TokenReader } from "./parse-expr.ts";
import {
  alterOptions,
  expectKeyword,
  policyDuration,
  replication,
  shardDuration,
  withOptions,
} from "./retention-parser.ts";

const STATEMENT_STARTS = "SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL";
const SHOW_KINDS =
  "CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS, MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS, SUBSCRIPTIONS, TAG, USERS";

/** A statement Strata parses but does not execute (users, continuous queries…); it fails when run. */
export interface UnsupportedStatement {
  kind: "unsupported";
  text: string;
}

/** A parsed statement, or one recognised as unsupported. */
export type ParsedStatement = Statement | UnsupportedStatement;

/**
 * Parses `text` (statements separated by `;`) with bound parameters `params` (`$name`). Throws InvalidError
 * `QUERY_PARSE` with influxd's message (`error parsing query: found X, expected Y at line L, char C`).
 */
export function parseInfluxQL(text: string, params: Record<string, unknown> = {}): ParsedStatement[] {
  const r = new TokenReader(text, params);
  const out: ParsedStatement[] = [];
  for (;;) {
    const t = r.scan();
    if (t.kind === "EOF") break;
    if (t.kind === ";") continue;
    r.unscan(t);
    out.push(statement(r));
    const end = r.scan();
    if (end.kind !== ";" && end.kind !== "EOF") r.fail(end, ";");
    if (end.kind === "EOF") break;
  }
  return out;
}

function statement(r: TokenReader): ParsedStatement {
  const t = r.scan();
  switch (t.kind) {
    case "SELECT":
      return select(r);
    case "SHOW":
      return show(r, t.start);
    case "CREATE":
      return create(r, t.start);
    case "DROP":
      return drop(r, t.start);
    case "DELETE":
      return deleteStatement(r);
    case "ALTER": {
      // influxd 1.6 has no other ALTER statement.
      r.expect("RETENTION");
      r.expect("POLICY");
      const name = r.ident();
      r.expect("ON");
      const db = r.ident();
      return { kind: "alter_retention_policy", name, db, rp: alterOptions(r) };
    }
    case "EXPLAIN":
    case "GRANT":
    case "REVOKE":
    case "SET":
    case "KILL":
      return unsupported(r, t.start);
    default:
      r.fail(t, STATEMENT_STARTS);
  }
}

/** Skips to the end of the statement and records it as unsupported. */
function unsupported(r: TokenReader, start: number): UnsupportedStatement {
  let end = r.lexer.offset;
  for (;;) {
    const t = r.scan();
    if (t.kind === "EOF" || t.kind === ";") {
      r.unscan(t);
      break;
    }
    end = t.end;
  }
  return { kind: "unsupported", text: r.lexer.slice(start, end) };
}

/** Parses the rest of a SELECT (after the keyword). */
function select(r: TokenReader): SelectStatement {
  const stmt: SelectStatement = {
    kind: "select",
    fields: fields(r),
    sources: [],
    dimensions: [],
    fill: "null",
    order: "asc",
    limit: 0,
    offset: 0,
    slimit: 0,
    soffset: 0,
  };
  if (r.accept("INTO")) parseError("SELECT INTO is not supported");
  r.expect("FROM");
  stmt.sources = sources(r, true);
  if (r.accept("WHERE")) stmt.condition = r.expr();
  if (r.accept("GROUP")) {
    r.expect("BY");
    stmt.dimensions = dimensions(r);
  }
  stmt.fill = fill(r);
  if (r.accept("ORDER")) {
    r.expect("BY");
    stmt.order = order(r);
  }
  if (r.accept("LIMIT")) stmt.limit = r.int();
  if (r.accept("OFFSET")) stmt.offset = r.int();
  if (r.accept("SLIMIT")) stmt.slimit = r.int();
  if (r.accept("SOFFSET")) stmt.soffset = r.int();
  const tz = location(r);
  if (tz !== undefined) stmt.tz = tz;
  return stmt;
}

function fields(r: TokenReader): Field[] {
  const out: Field[] = [];
  for (;;) {
    const expr = r.expr();
    const field: Field = { expr };
    if (r.accept("AS")) field.alias = r.ident();
    out.push(field);
    if (!r.accept(",")) return out;
  }
}

/** FROM sources: measurements (`m`, `"m"`, `db.rp.m`, `db..m`, `/re/`) and subqueries. */
function sources(r: TokenReader, allowSubquery: boolean): Source[] {
  const out: Source[] = [];
  for (;;) {
    out.push(source(r, allowSubquery));
    if (!r.accept(",")) return out;
  }
}

function source(r: TokenReader, allowSubquery: boolean): Source {
  if (allowSubquery && r.accept("(")) {
    r.expect("SELECT");
    const inner = select(r);
    r.expect(")");
    return { kind: "subquery", statement: inner };
  }
  const parts: string[] = [];
  for (;;) {
    const re = r.lexer.scanRegex();
    if (re !== null) {
      if (parts.length > 2) parseError("too many segments in measurement");
      return qualify(parts, { regex: re.lit });
    }
    const t = r.scan();
    if (t.kind === "." && parts.length > 0) {
      // `db..m`: an empty retention policy.
      parts.push("");
      continue;
    }
    if (t.kind !== "IDENT") r.fail(t, "identifier");
    parts.push(t.lit);
    if (!r.accept(".")) break;
    if (parts.length === 3) parseError("too many segments in measurement");
  }
  const name = parts.pop()!;
  return qualify(parts, { name });
}

function qualify(prefix: string[], m: { name?: string; regex?: string }): Source {
  const s: Source = { kind: "measurement", ...m };
  if (prefix.length === 2) {
    s.db = prefix[0]!;
    if (prefix[1] !== "") s.rp = prefix[1]!;
  } else if (prefix.length === 1) {
    s.rp = prefix[0]!;
  }
  return s;
}

function dimensions(r: TokenReader): Dimension[] {
  const out: Dimension[] = [];
  for (;;) {
    out.push(dimension(r));
    if (!r.accept(",")) return out;
  }
}

function dimension(r: TokenReader): Dimension {
  const e = r.expr();
  switch (e.kind) {
    case "wildcard":
      return { kind: "wildcard" };
    case "regex":
      return { kind: "regex", pattern: e.pattern };
    case "varref":
      return { kind: "tag", name: e.name };
    case "call": {
      if (e.name !== "time") parseError("only time() calls allowed in dimensions");
      if (e.args.length < 1 || e.args.length > 2) parseError("time dimension expected 1 or 2 arguments");
      const interval = e.args[0]!;
      if (interval.kind !== "duration") parseError("time dimension must have duration argument");
      let offsetNs = 0n;
      const off = e.args[1];
      if (off !== undefined) {
        if (off.kind === "duration") offsetNs = off.ns;
        else if (off.kind === "call" && off.name === "now" && off.args.length === 0) offsetNs = 0n;
        else parseError("time dimension offset must be duration or now()");
      }
      return { kind: "time", intervalNs: interval.ns, offsetNs };
    }
    default:
      parseError(`only time and tag dimensions allowed`);
  }
}

function fill(r: TokenReader): FillOption {
  const t = r.scan();
  if (t.kind !== "IDENT" || t.lit.toLowerCase() !== "fill" || t.quoted) {
    r.unscan(t);
    return "null";
  }
  r.expect("(");
  const arg = r.expr();
  r.expect(")");
  if (arg.kind === "varref") {
    switch (arg.name.toLowerCase()) {
      case "null":
        return "null";
      case "none":
        return "none";
      case "previous":
        return "previous";
      case "linear":
        return "linear";
    }
  }
  if (arg.kind === "number") return { value: arg.value };
  if (arg.kind === "integer") return { value: Number(arg.value) };
  parseError("expected number argument in fill()");
}

function order(r: TokenReader): "asc" | "desc" {
  let dir: "asc" | "desc" = "asc";
  const t = r.scan();
  if (t.kind === "IDENT") {
    if (t.lit.toLowerCase() !== "time") parseError("only ORDER BY time supported at this time");
  } else if (t.kind === "ASC" || t.kind === "DESC") {
    return t.kind === "DESC" ? "desc" : "asc";
  } else {
    r.fail(t, "identifier, ASC, DESC");
  }
  if (r.accept("DESC")) dir = "desc";
  else r.accept("ASC");
  if (r.accept(",")) parseError("only ORDER BY time supported at this time");
  return dir;
}

function location(r: TokenReader): string | undefined {
  const t = r.scan();
  if (t.kind !== "IDENT" || t.lit.toLowerCase() !== "tz" || t.quoted) {
    r.unscan(t);
    return undefined;
  }
  r.expect("(");
  const s = r.scan();
  if (s.kind !== "STRING") r.fail(s, "string");
  r.expect(")");
  return s.lit;
}

function onDatabase(r: TokenReader): string | undefined {
  return r.accept("ON") ? r.ident() : undefined;
}

function optionalFrom(r: TokenReader): Source[] {
  return r.accept("FROM") ? sources(r, false) : [];
}

function optionalWhere(r: TokenReader): Expr | undefined {
  return r.accept("WHERE") ? r.expr() : undefined;
}

function limits(r: TokenReader): { limit: number; offset: number } {
  const out = { limit: 0, offset: 0 };
  if (r.accept("LIMIT")) out.limit = r.int();
  if (r.accept("OFFSET")) out.offset = r.int();
  return out;
}

function show(r: TokenReader, start: number): ParsedStatement {
  const t = r.scan();
  switch (t.kind) {
    case "DATABASES":
      return { kind: "show_databases" };
    case "MEASUREMENTS":
      return showMeasurements(r);
    case "TAG":
      return showTag(r, start);
    case "FIELD":
      return showField(r, start);
    case "SERIES": {
      if (r.peek().kind === "CARDINALITY") return unsupported(r, start);
      const db = onDatabase(r);
      return { kind: "show_series", ...dbOf(db), sources: optionalFrom(r), ...whereOf(optionalWhere(r)), ...limits(r) };
    }
    case "RETENTION": {
      r.expect("POLICIES");
      return { kind: "show_retention_policies", ...dbOf(onDatabase(r)) };
    }
    case "CONTINUOUS":
    case "DIAGNOSTICS":
    case "GRANTS":
    case "MEASUREMENT":
    case "QUERIES":
    case "SHARD":
    case "SHARDS":
    case "STATS":
    case "SUBSCRIPTIONS":
    case "USERS":
      return unsupported(r, start);
    default:
      r.fail(t, SHOW_KINDS);
  }
}

function showTag(r: TokenReader, start: number): ParsedStatement {
  const k = r.scan();
  if (k.kind === "KEYS") {
    const db = onDatabase(r);
    return { kind: "show_tag_keys", ...dbOf(db), sources: optionalFrom(r), ...whereOf(optionalWhere(r)), ...limits(r) };
  }
  if (k.kind === "VALUES") return showTagValues(r);
  if (k.kind === "KEY") return unsupported(r, start);
  r.fail(k, "KEY, KEYS, VALUES");
}

function showField(r: TokenReader, start: number): ParsedStatement {
  const k = r.scan();
  if (k.kind === "KEYS") {
    const db = onDatabase(r);
    return { kind: "show_field_keys", ...dbOf(db), sources: optionalFrom(r), ...limits(r) };
  }
  if (k.kind === "KEY") return unsupported(r, start);
  r.fail(k, "KEY, KEYS");
}

function dbOf(db: string | undefined): { db?: string } {
  return db === undefined ? {} : { db };
}

function whereOf(condition: Expr | undefined): { condition?: Expr } {
  return condition === undefined ? {} : { condition };
}

function showMeasurements(r: TokenReader): Statement {
  const db = onDatabase(r);
  let measurement: { op: "=" | "=~"; value: string } | undefined;
  if (r.accept("WITH")) {
    r.expect("MEASUREMENT");
    const op = r.scan();
    if (op.kind === "=~") {
      const re = r.lexer.scanRegex();
      if (re === null) r.fail(r.scan(), "regex");
      measurement = { op: "=~", value: re.lit };
    } else if (op.kind === "=") {
      const re = r.lexer.scanRegex();
      measurement = re !== null ? { op: "=~", value: re.lit } : { op: "=", value: r.ident() };
    } else {
      r.fail(op, "=, =~");
    }
  }
  const condition = optionalWhere(r);
  return {
    kind: "show_measurements",
    ...dbOf(db),
    ...(measurement === undefined ? {} : { measurement }),
    ...whereOf(condition),
    ...limits(r),
  };
}

function showTagValues(r: TokenReader): Statement {
  const db = onDatabase(r);
  const from = optionalFrom(r);
  r.expect("WITH");
  r.expect("KEY");
  const op = r.scan();
  let keyFilter: TagKeyFilter;
  switch (op.kind) {
    case "=":
    case "!=":
      keyFilter = { op: op.kind, key: r.ident() };
      break;
    case "=~":
    case "!~": {
      const re = r.lexer.scanRegex();
      if (re === null) r.fail(r.scan(), "regex");
      keyFilter = { op: op.kind, pattern: re.lit };
      break;
    }
    case "IN": {
      r.expect("(");
      const keys = [r.ident()];
      while (r.accept(",")) keys.push(r.ident());
      r.expect(")");
      keyFilter = { op: "IN", keys };
      break;
    }
    default:
      r.fail(op, "=, !=, =~, !~, IN");
  }
  return {
    kind: "show_tag_values",
    ...dbOf(db),
    sources: from,
    keyFilter,
    ...whereOf(optionalWhere(r)),
    ...limits(r),
  };
}

function create(r: TokenReader, start: number): ParsedStatement {
  const t = r.scan();
  if (t.kind === "DATABASE") {
    const name = r.ident();
    if (!r.accept("WITH")) return { kind: "create_database", name };
    return { kind: "create_database", name, rp: withOptions(r) };
  }
  if (t.kind === "RETENTION") {
    r.expect("POLICY");
    const name = r.ident();
    r.expect("ON");
    const db = r.ident();
    expectKeyword(r, "DURATION");
    const durationNs = policyDuration(r);
    r.expect("REPLICATION");
    const replicaN = replication(r);
    const rp: RetentionPolicyOptions = { durationNs, replicaN };
    if (r.accept("SHARD")) rp.shardDurationNs = shardDuration(r, false);
    if (r.accept("DEFAULT")) rp.makeDefault = true;
    return { kind: "create_retention_policy", name, db, rp };
  }
  if (["CONTINUOUS", "USER", "SUBSCRIPTION"].includes(t.kind)) return unsupported(r, start);
  r.fail(t, "CONTINUOUS, DATABASE, USER, RETENTION, SUBSCRIPTION");
}

function drop(r: TokenReader, start: number): ParsedStatement {
  const t = r.scan();
  switch (t.kind) {
    case "DATABASE":
      return { kind: "drop_database", name: r.ident() };
    case "MEASUREMENT":
      return { kind: "drop_measurement", name: r.ident() };
    case "SERIES": {
      const from = optionalFrom(r);
      const condition = optionalWhere(r);
      if (from.length === 0 && condition === undefined) r.fail(r.scan(), "FROM, WHERE");
      return { kind: "drop_series", sources: from, ...whereOf(condition) };
    }
    case "RETENTION": {
      r.expect("POLICY");
      const name = r.ident();
      r.expect("ON");
      return { kind: "drop_retention_policy", name, db: r.ident() };
    }
    case "CONTINUOUS":
    case "SHARD":
    case "SUBSCRIPTION":
    case "USER":
      return unsupported(r, start);
    default:
      r.fail(t, "CONTINUOUS, DATABASE, MEASUREMENT, RETENTION, SERIES, SHARD, SUBSCRIPTION, USER");
  }
}

function deleteStatement(r: TokenReader): Statement {
  const from = optionalFrom(r);
  const condition = optionalWhere(r);
  if (from.length === 0 && condition === undefined) r.fail(r.scan(), "FROM, WHERE");
  return { kind: "delete", sources: from, ...whereOf(condition) };
}
