// The retention-policy clauses of CREATE DATABASE ... WITH, CREATE and ALTER RETENTION POLICY: options, durations
// and replication factors with influxd 1.6.7's rules and parse-error texts (checked against it).
import { parseError } from "./lexer.ts";
import type { Token } from "./lexer.ts";
import type { TokenReader } from "./parse-expr.ts";
import type { RetentionPolicyOptions } from "./ast.ts";

/**
 * CREATE DATABASE ... WITH's options: at least one, and those given in influxd's fixed order DURATION, REPLICATION,
 * SHARD DURATION, NAME (another order ends the statement: "found DURATION, expected ;").
 */
export function withOptions(r: TokenReader): RetentionPolicyOptions {
  const first = r.peek();
  if (!(isKeyword(first, "DURATION") || ["NAME", "REPLICATION", "SHARD"].includes(first.kind)))
    r.fail(r.scan(), "DURATION, NAME, REPLICATION, SHARD");
  const rp: RetentionPolicyOptions = {};
  if (acceptKeyword(r, "DURATION")) rp.durationNs = policyDuration(r);
  if (r.accept("REPLICATION")) rp.replicaN = replication(r);
  // Unlike the RETENTION POLICY statements, CREATE DATABASE takes SHARD DURATION INF (the derived default).
  if (r.accept("SHARD")) rp.shardDurationNs = shardDuration(r, true);
  if (r.accept("NAME")) rp.name = r.ident();
  return rp;
}

/** ALTER RETENTION POLICY's options (influxd's order in errors): one or more, in any order, each at most once. */
const ALTER_OPTIONS = "DURATION, REPLICATION, SHARD, DEFAULT";

/** ALTER RETENTION POLICY's options, as influxd's loop: "found duplicate X option" names a repeated one. */
export function alterOptions(r: TokenReader): RetentionPolicyOptions {
  const rp: RetentionPolicyOptions = {};
  const found = new Set<string>();
  for (;;) {
    const t = r.scan();
    // A duration literal also has kind DURATION; the keyword's literal text is empty.
    const kind = t.kind === "DURATION" && t.lit !== "" ? "" : t.kind;
    if (found.has(kind)) parseError(`found duplicate ${kind} option at line ${t.line}, char ${t.char}`);
    if (kind === "DURATION") rp.durationNs = policyDuration(r);
    else if (kind === "REPLICATION") rp.replicaN = replication(r);
    else if (kind === "SHARD") rp.shardDurationNs = shardDuration(r, false);
    else if (kind === "DEFAULT") rp.makeDefault = true;
    else {
      if (found.size === 0) r.fail(t, ALTER_OPTIONS);
      r.unscan(t);
      return rp;
    }
    found.add(kind);
  }
}

/** Whether `t` is the keyword `kind` (not a literal that shares its token kind, like a duration). */
function isKeyword(t: Token, kind: string): boolean {
  return t.kind === kind && t.lit === "";
}

/** Consumes the keyword `kind` when it comes next. */
function acceptKeyword(r: TokenReader, kind: string): boolean {
  const t = r.scan();
  if (isKeyword(t, kind)) return true;
  r.unscan(t);
  return false;
}

/** The keyword `kind` or a parse error. */
export function expectKeyword(r: TokenReader, kind: string): void {
  const t = r.scan();
  if (!isKeyword(t, kind)) r.fail(t, kind);
}

/** A retention duration in ns: a duration literal, or INF (0). */
export function policyDuration(r: TokenReader): number {
  const t = r.scan();
  if (t.kind === "INF") return 0;
  if (t.kind !== "DURATION" || t.lit === "") r.fail(t, "duration");
  return durationLiteral(t);
}

/**
 * `DURATION d` after SHARD, in ns. INF is accepted (as 0, the derived default) only by CREATE DATABASE ... WITH; the
 * RETENTION POLICY statements reject it as influxd does.
 */
export function shardDuration(r: TokenReader, allowInf: boolean): number {
  expectKeyword(r, "DURATION");
  const t = r.scan();
  if (t.kind === "INF") {
    if (allowInf) return 0;
    parseError(`invalid duration INF for shard duration at line ${t.line}, char ${t.char}`);
  }
  if (t.kind !== "DURATION" || t.lit === "") r.fail(t, "duration");
  return durationLiteral(t);
}

/** ns per unit of influxql.ParseDuration ("ns" and "ms" are the two-letter ones). */
const GO_UNITS: Record<string, bigint> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/**
 * A duration token's value as influxql.ParseDuration computes it: number-unit pairs summed in int64 (wrapping), so
 * a total that wraps negative is "overflowed duration", a number above int64 or an unknown unit (`1us`) "invalid
 * duration".
 */
function durationLiteral(t: Token): number {
  const re = /(\d+)(ns|ms|u|µ|s|m|h|d|w)/y;
  let total = 0n;
  for (let pos = 0; pos < t.lit.length; pos = re.lastIndex) {
    re.lastIndex = pos;
    const m = re.exec(t.lit);
    const n = m === null ? -1n : BigInt(m[1]!);
    if (m === null || n > 0x7fffffffffffffffn) parseError(`invalid duration at line ${t.line}, char ${t.char}`);
    total = BigInt.asIntN(64, total + BigInt.asIntN(64, n * GO_UNITS[m[2]!]!));
  }
  if (total < 0n)
    parseError(`overflowed duration ${t.lit}: choose a smaller duration or INF at line ${t.line}, char ${t.char}`);
  return Number(total);
}

/** REPLICATION's integer, 1 to 2^31 − 1 as influxd checks it. */
export function replication(r: TokenReader): number {
  const t = r.scan();
  if (t.kind !== "INTEGER") r.fail(t, "integer");
  const n = Number(t.lit);
  if (!(n >= 1 && n <= 2147483647))
    parseError(`invalid value ${t.lit}: must be 1 <= n <= 2147483647 at line ${t.line}, char ${t.char}`);
  return n;
}
