// CREATE DATABASE ... WITH, CREATE/ALTER/DROP RETENTION POLICY and SHOW RETENTION POLICIES' row, mapped onto
// Strata's one retention policy per database (docs/rfc/0006-server-http-api.md) with influxd 1.x's checks and
// error texts.
import { ConflictError, InvalidError, NotFoundError } from "../../base/index.ts";
import { DEFAULT_RETENTION, defaultShardDurationNs } from "../../storage/index.ts";
import type { RetentionPolicy, TimeSeriesStore } from "../../storage/index.ts";
import type { RetentionPolicyOptions, Statement } from "./ast.ts";

const HOUR_NS = 3_600_000_000_000;

type PolicyStatement = Extract<
  Statement,
  { kind: "create_retention_policy" | "alter_retention_policy" | "drop_retention_policy" }
>;

/** SHOW RETENTION POLICIES' row for `policy`: name, duration, shardGroupDuration, replicaN, default. */
export function describePolicy(policy: RetentionPolicy): [string, string, string, number, boolean] {
  return [policy.name, goDuration(policy.durationNs), goDuration(policy.shardDurationNs), policy.replicaN ?? 1, true];
}

/**
 * CREATE DATABASE name WITH ...: creates the database with that policy; on an existing database, succeeds when its
 * policy is the same and fails with influxd's "retention policy conflicts with an existing policy" otherwise.
 */
export async function createDatabaseWith(
  store: TimeSeriesStore,
  db: string,
  rp: RetentionPolicyOptions,
): Promise<void> {
  const policy = resolvePolicy({ ...DEFAULT_RETENTION, name: rp.name ?? DEFAULT_RETENTION.name }, rp, true);
  if (store.databases().includes(db)) {
    if (!samePolicy(await store.retentionPolicy(db), policy))
      throw new ConflictError("QUERY_RP_CONFLICT", "retention policy conflicts with an existing policy");
    return;
  }
  await store.createDatabase(db);
  try {
    await store.setRetentionPolicy(db, policy);
  } catch (error) {
    // The statement failed: leave no database behind (influxd creates the database and its policy in one step).
    await store.dropDatabase(db).catch(() => undefined); // the policy error is the one to report
    throw error;
  }
}

/**
 * CREATE RETENTION POLICY (a new name replaces the database's one policy; the same name with the same settings
 * is a no-op, with others "retention policy already exists"), ALTER RETENTION POLICY (of the database's policy,
 * else "retention policy not found: <name>") and DROP RETENTION POLICY (of the database's policy: deletes all
 * its data, as influxd does, and returns to the default policy; another name or database: nothing to do).
 */
export async function policyStatement(store: TimeSeriesStore, stmt: PolicyStatement): Promise<void> {
  const exists = store.databases().includes(stmt.db);
  if (stmt.kind === "drop_retention_policy") {
    if (!exists || (await store.retentionPolicy(stmt.db)).name !== stmt.name) return;
    await store.dropSeries(stmt.db, {});
    await store.setRetentionPolicy(stmt.db, DEFAULT_RETENTION);
    return;
  }
  if (!exists) throw new NotFoundError("QUERY_DB_NOT_FOUND", `database not found: ${stmt.db}`);
  const current = await store.retentionPolicy(stmt.db);
  if (stmt.kind === "create_retention_policy") {
    const policy = resolvePolicy({ ...DEFAULT_RETENTION, name: stmt.name }, stmt.rp, true);
    if (current.name === stmt.name) {
      if (samePolicy(current, policy)) return;
      throw new ConflictError("QUERY_RP_EXISTS", "retention policy already exists");
    }
    await store.setRetentionPolicy(stmt.db, policy);
    return;
  }
  if (current.name !== stmt.name)
    throw new NotFoundError("QUERY_RP_NOT_FOUND", `retention policy not found: ${stmt.name}`);
  await store.setRetentionPolicy(stmt.db, resolvePolicy(current, stmt.rp, false));
}

/**
 * `base` with the statement's options applied and influxd's rules: a duration (other than INF) of at least 1 h; a
 * shard duration of 0 derived from the duration (on create, or when the duration changes without one), below 1 h
 * raised to 1 h, and not above the duration.
 */
function resolvePolicy(base: RetentionPolicy, rp: RetentionPolicyOptions, creating: boolean): RetentionPolicy {
  const durationNs = rp.durationNs ?? base.durationNs;
  if (durationNs !== 0 && durationNs < HOUR_NS)
    throw new InvalidError("QUERY_RP_DURATION", "retention policy duration must be at least 1h0m0s");
  let shardDurationNs = rp.shardDurationNs ?? (creating ? 0 : base.shardDurationNs);
  if (shardDurationNs === 0) shardDurationNs = defaultShardDurationNs(durationNs);
  else if (shardDurationNs < HOUR_NS) shardDurationNs = HOUR_NS;
  if (durationNs !== 0 && durationNs < shardDurationNs)
    throw new InvalidError("QUERY_RP_DURATION", "retention policy duration must be greater than the shard duration");
  return { name: base.name, durationNs, shardDurationNs, replicaN: rp.replicaN ?? base.replicaN ?? 1 };
}

function samePolicy(a: RetentionPolicy, b: RetentionPolicy): boolean {
  return (
    a.name === b.name &&
    a.durationNs === b.durationNs &&
    a.shardDurationNs === b.shardDurationNs &&
    (a.replicaN ?? 1) === (b.replicaN ?? 1)
  );
}

/** Go's time.Duration.String() for whole-second durations as retention policies have: 0s, 1h0m0s, 168h0m0s. */
function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const totalSec = Math.floor(ns / 1e9);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const sec = totalSec % 60;
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}
