// Parser tests for the retention-policy statements (CREATE DATABASE ... WITH, CREATE/ALTER/DROP RETENTION POLICY,
// SHOW RETENTION POLICIES): their syntax trees, and parse errors with the texts and positions influxd 1.6.7 gives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isTsdbError } from "../../base/index.ts";
import { parseInfluxQL } from "./parser.ts";

const HOUR = 3_600_000_000_000;
const DAY = 24 * HOUR;

const TREES = [
  {
    name: "CREATE DATABASE with every option, in influxd's order",
    input: "CREATE DATABASE db WITH DURATION 30d REPLICATION 2 SHARD DURATION 1d NAME month",
    want: {
      kind: "create_database",
      name: "db",
      rp: { durationNs: 30 * DAY, replicaN: 2, shardDurationNs: DAY, name: "month" },
    },
  },
  {
    name: "CREATE DATABASE with NAME only",
    input: 'create database "my db" with name "r p"',
    want: { kind: "create_database", name: "my db", rp: { name: "r p" } },
  },
  {
    name: "CREATE DATABASE with INF durations (SHARD DURATION INF is the derived default there)",
    input: "CREATE DATABASE db WITH DURATION INF SHARD DURATION INF",
    want: { kind: "create_database", name: "db", rp: { durationNs: 0, shardDurationNs: 0 } },
  },
  {
    name: "CREATE DATABASE without WITH",
    input: "CREATE DATABASE db",
    want: { kind: "create_database", name: "db" },
  },
  {
    name: "CREATE RETENTION POLICY with the required options",
    input: "CREATE RETENTION POLICY p ON db DURATION 1h30m REPLICATION 1",
    want: { kind: "create_retention_policy", name: "p", db: "db", rp: { durationNs: 1.5 * HOUR, replicaN: 1 } },
  },
  {
    name: "CREATE RETENTION POLICY with SHARD DURATION and DEFAULT",
    input: "CREATE RETENTION POLICY p ON db DURATION INF REPLICATION 3 SHARD DURATION 2w DEFAULT",
    want: {
      kind: "create_retention_policy",
      name: "p",
      db: "db",
      rp: { durationNs: 0, replicaN: 3, shardDurationNs: 14 * DAY, makeDefault: true },
    },
  },
  {
    name: "ALTER RETENTION POLICY with options in any order",
    input: "ALTER RETENTION POLICY p ON db DEFAULT SHARD DURATION 90m REPLICATION 2 DURATION 3600000ms",
    want: {
      kind: "alter_retention_policy",
      name: "p",
      db: "db",
      rp: { makeDefault: true, shardDurationNs: 1.5 * HOUR, replicaN: 2, durationNs: HOUR },
    },
  },
  {
    name: "ALTER RETENTION POLICY with a duration that is not a whole number of seconds",
    input: "ALTER RETENTION POLICY p ON db DURATION 1ns",
    want: { kind: "alter_retention_policy", name: "p", db: "db", rp: { durationNs: 1 } },
  },
  {
    name: "ALTER RETENTION POLICY at the largest duration influxd accepts",
    input: "ALTER RETENTION POLICY p ON db DURATION 2562047h",
    want: { kind: "alter_retention_policy", name: "p", db: "db", rp: { durationNs: 2562047 * HOUR } },
  },
  {
    name: "DROP RETENTION POLICY",
    input: 'DROP RETENTION POLICY "p" ON "db"',
    want: { kind: "drop_retention_policy", name: "p", db: "db" },
  },
  {
    name: "SHOW RETENTION POLICIES with and without ON",
    input: "SHOW RETENTION POLICIES ON db",
    want: { kind: "show_retention_policies", db: "db" },
  },
];

// Every `want` is influxd 1.6.7's answer to `input` (collected with a real influxd; the same kinds of cases run
// against it in test/compat/influxql-corpus.ts).
const ERRORS = [
  { input: "ALTER", want: "error parsing query: found EOF, expected RETENTION at line 1, char 7" },
  { input: "ALTER USER x", want: "error parsing query: found USER, expected RETENTION at line 1, char 7" },
  { input: "ALTER RETENTION", want: "error parsing query: found EOF, expected POLICY at line 1, char 17" },
  { input: "ALTER RETENTION POLICY", want: "error parsing query: found EOF, expected identifier at line 1, char 24" },
  { input: "ALTER RETENTION POLICY p", want: "error parsing query: found EOF, expected ON at line 1, char 26" },
  {
    input: "ALTER RETENTION POLICY p ON",
    want: "error parsing query: found EOF, expected identifier at line 1, char 29",
  },
  {
    input: "ALTER RETENTION POLICY p ON db",
    want: "error parsing query: found EOF, expected DURATION, REPLICATION, SHARD, DEFAULT at line 1, char 32",
  },
  {
    input: "ALTER RETENTION POLICY p ON db NAME x",
    want: "error parsing query: found NAME, expected DURATION, REPLICATION, SHARD, DEFAULT at line 1, char 32",
  },
  {
    input: "ALTER RETENTION POLICY p ON db DURATION 3d DURATION 4d",
    want: "error parsing query: found duplicate DURATION option at line 1, char 44",
  },
  {
    input: "ALTER RETENTION POLICY p ON db DEFAULT REPLICATION 2 DEFAULT",
    want: "error parsing query: found duplicate DEFAULT option at line 1, char 54",
  },
  {
    input: "ALTER RETENTION POLICY p ON db SHARD DURATION 1h SHARD DURATION 2h",
    want: "error parsing query: found duplicate SHARD option at line 1, char 50",
  },
  {
    input: "ALTER RETENTION POLICY p ON db SHARD 1h",
    want: "error parsing query: found 1h, expected DURATION at line 1, char 38",
  },
  {
    input: "alter retention policy p on db shard duration inf",
    want: "error parsing query: invalid duration INF for shard duration at line 1, char 47",
  },
  {
    input: "ALTER RETENTION POLICY p ON db DURATION 3000000h",
    want: "error parsing query: overflowed duration 3000000h: choose a smaller duration or INF at line 1, char 41",
  },
  {
    input: "ALTER RETENTION POLICY p ON db DURATION 1us",
    want: "error parsing query: invalid duration at line 1, char 41",
  },
  {
    input: "ALTER RETENTION POLICY p ON db DURATION 99999999999999999999h",
    want: "error parsing query: invalid duration at line 1, char 41",
  },
  {
    input: "ALTER RETENTION POLICY p ON db DURATION 1h30",
    want: "error parsing query: invalid duration at line 1, char 41",
  },
  {
    input: "ALTER RETENTION POLICY p ON db REPLICATION 0",
    want: "error parsing query: invalid value 0: must be 1 <= n <= 2147483647 at line 1, char 44",
  },
  {
    input: "ALTER RETENTION POLICY p ON db REPLICATION x",
    want: "error parsing query: found x, expected integer at line 1, char 44",
  },
  { input: "CREATE RETENTION p", want: "error parsing query: found p, expected POLICY at line 1, char 18" },
  {
    input: "CREATE RETENTION POLICY p ON db",
    want: "error parsing query: found EOF, expected DURATION at line 1, char 33",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION",
    want: "error parsing query: found EOF, expected duration at line 1, char 42",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d",
    want: "error parsing query: found EOF, expected REPLICATION at line 1, char 44",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d REPLICATION",
    want: "error parsing query: found EOF, expected integer at line 1, char 57",
  },
  {
    input: "CREATE RETENTION POLICY p ON db REPLICATION 1 DURATION 1d",
    want: "error parsing query: found REPLICATION, expected DURATION at line 1, char 33",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d REPLICATION 2147483648",
    want: "error parsing query: invalid value 2147483648: must be 1 <= n <= 2147483647 at line 1, char 57",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d REPLICATION 1 SHARD DURATION INF",
    want: "error parsing query: invalid duration INF for shard duration at line 1, char 74",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d REPLICATION 1 SHARD DURATION",
    want: "error parsing query: found EOF, expected duration at line 1, char 74",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d REPLICATION 1 DEFAULT extra",
    want: "error parsing query: found extra, expected ; at line 1, char 67",
  },
  {
    input: "CREATE RETENTION POLICY p ON db DURATION 1d REPLICATION 1 DEFAULT SHARD DURATION 1h",
    want: "error parsing query: found SHARD, expected ; at line 1, char 67",
  },
  {
    input: "CREATE DATABASE db WITH",
    want: "error parsing query: found EOF, expected DURATION, NAME, REPLICATION, SHARD at line 1, char 25",
  },
  {
    input: "CREATE DATABASE db WITH 1d",
    want: "error parsing query: found 1d, expected DURATION, NAME, REPLICATION, SHARD at line 1, char 25",
  },
  {
    input: "CREATE DATABASE db WITH NAME r DURATION 1d",
    want: "error parsing query: found DURATION, expected ; at line 1, char 32",
  },
  {
    input: "create database db with name r duration 1d",
    want: "error parsing query: found DURATION, expected ; at line 1, char 32",
  },
  {
    input: "CREATE DATABASE db WITH SHARD DURATION 1h REPLICATION 1",
    want: "error parsing query: found REPLICATION, expected ; at line 1, char 43",
  },
  {
    input: "CREATE DATABASE db WITH DURATION 1d DURATION 2d",
    want: "error parsing query: found DURATION, expected ; at line 1, char 37",
  },
  {
    input: "CREATE DATABASE db WITH DURATION 1d REPLICATION 1 SHARD 1h",
    want: "error parsing query: found 1h, expected DURATION at line 1, char 57",
  },
  {
    input: "CREATE DATABASE db WITH DURATION 1d REPLICATION 1 SHARD DURATION 1h NAME",
    want: "error parsing query: found EOF, expected identifier at line 1, char 74",
  },
  {
    input: "CREATE DATABASE db WITH DURATION 100000000w",
    want: "error parsing query: overflowed duration 100000000w: choose a smaller duration or INF at line 1, char 34",
  },
  {
    input: "CREATE DATABASE db WITH REPLICATION 0",
    want: "error parsing query: invalid value 0: must be 1 <= n <= 2147483647 at line 1, char 37",
  },
  {
    input: "CREATE DATABASE db WITH DURATION 1d DEFAULT",
    want: "error parsing query: found DEFAULT, expected ; at line 1, char 37",
  },
  { input: "DROP RETENTION POLICY p", want: "error parsing query: found EOF, expected ON at line 1, char 25" },
  {
    input: "DROP RETENTION POLICY p ON",
    want: "error parsing query: found EOF, expected identifier at line 1, char 28",
  },
  { input: "DROP RETENTION p ON db", want: "error parsing query: found p, expected POLICY at line 1, char 16" },
  {
    input: "SHOW RETENTION POLICIES ON",
    want: "error parsing query: found EOF, expected identifier at line 1, char 28",
  },
];

describe("parseInfluxQL retention-policy statements", () => {
  for (const { name, input, want } of TREES) {
    it(`parses ${name}`, () => {
      assert.deepEqual(parseInfluxQL(input), [want]);
    });
  }

  it("parses SHOW RETENTION POLICIES without ON (the request's database)", () => {
    assert.deepEqual(parseInfluxQL("SHOW RETENTION POLICIES"), [{ kind: "show_retention_policies" }]);
  });
});

describe("parseInfluxQL retention-policy errors", () => {
  for (const { input, want } of ERRORS) {
    it(`reports ${JSON.stringify(input)} as influxd does`, () => {
      assert.throws(
        () => parseInfluxQL(input),
        (e: unknown) => isTsdbError(e) && e.code === "QUERY_PARSE" && e.message === want,
      );
    });
  }
});
