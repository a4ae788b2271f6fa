// Retention-policy statements on Strata's one policy per database: what matches influxd is in the differential
// corpus (test/compat); these cover where the one-policy model answers differently, and that policies take effect.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvalidError } from "../../base/index.ts";
import { LineProtocolParser } from "../../ingest/index.ts";
import { StorageEngine, WriteBatch } from "../../storage/index.ts";
import { executeInfluxQL } from "./execute-influxql.ts";
import { encodeInfluxQLResponse } from "./encode-response.ts";
import { executeMeta } from "./meta-statements.ts";
import type { MetaEnv } from "./meta-statements.ts";
import { parseInfluxQL } from "./parser.ts";
import type { OutputSeries } from "./statement-output.ts";

let dir = "";
let store: StorageEngine;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-rp-"));
  store = await StorageEngine.open(dir, { sync: "never" });
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(q: string, db = "d"): Promise<string> {
  return encodeInfluxQLResponse(await executeInfluxQL(q, { store, db, nowNs: BigInt(Date.now()) * 1_000_000n }), {});
}

const SHOW_COLUMNS = '"columns":["name","duration","shardGroupDuration","replicaN","default"]';

describe("retention policy statements", () => {
  it("shows the default policy of a new database", async () => {
    await run("CREATE DATABASE d");
    assert.equal(
      await run("SHOW RETENTION POLICIES"),
      `{"results":[{"statement_id":0,"series":[{${SHOW_COLUMNS},"values":[["autogen","0s","168h0m0s",1,true]]}]}]}`,
    );
  });

  it("replaces the one policy when another name is created, default or not", async () => {
    assert.equal(
      await run("CREATE RETENTION POLICY month ON d DURATION 30d REPLICATION 1"),
      '{"results":[{"statement_id":0}]}',
    );
    assert.deepEqual(await store.retentionPolicy("d"), {
      name: "month",
      durationNs: 30 * 86_400e9,
      shardDurationNs: 86_400e9,
      replicaN: 1,
    });
    assert.match(await run("SHOW RETENTION POLICIES ON d"), /"values":\[\["month","720h0m0s","24h0m0s",1,true\]\]/);
    assert.match(await run("ALTER RETENTION POLICY autogen ON d DURATION 2d"), /retention policy not found: autogen/);
  });

  it("drops the data of the dropped policy and returns to the default one", async () => {
    await run("CREATE DATABASE e; CREATE RETENTION POLICY r ON e DURATION 1d REPLICATION 1 DEFAULT", "e");
    const now = BigInt(Date.now()) * 1_000_000n;
    const batch = new WriteBatch();
    new LineProtocolParser().parse(Buffer.from(`m v=1 ${now}`), batch, {
      precision: "ns",
      defaultSec: 0,
      defaultNsec: 0,
    });
    assert.equal((await store.write("e", batch)).accepted, 1);
    assert.match(await run("SELECT count(v) FROM m", "e"), /"values":\[\["1970-01-01T00:00:00Z",1\]\]/);
    await run("DROP RETENTION POLICY r ON e", "e");
    assert.equal(await run("SELECT count(v) FROM m", "e"), '{"results":[{"statement_id":0}]}');
    assert.equal((await store.retentionPolicy("e")).name, "autogen");
  });

  it("rejects, through the policy, points older than its duration", async () => {
    await run("CREATE DATABASE f WITH DURATION 1h NAME hour", "f");
    const batch = new WriteBatch();
    const old = (BigInt(Date.now()) - 7_200_000n) * 1_000_000n;
    new LineProtocolParser().parse(Buffer.from(`m v=1 ${old}`), batch, {
      precision: "ns",
      defaultSec: 0,
      defaultNsec: 0,
    });
    const result = await store.write("f", batch);
    assert.deepEqual(
      result.rejected.map((r) => r.error.code),
      ["STORAGE_BEYOND_RETENTION"],
    );
  });
});

/** Runs one statement through executeMeta, so a failure keeps its error class and code. */
async function meta(q: string, env: Partial<MetaEnv> = {}): Promise<OutputSeries[]> {
  const [stmt] = parseInfluxQL(q);
  assert.ok(stmt !== undefined && stmt.kind !== "select" && stmt.kind !== "unsupported");
  return executeMeta(stmt, { store, defaultDb: undefined, nowNs: 0n, ...env });
}

describe("retention policy statement semantics", () => {
  it("accepts CREATE RETENTION POLICY of the current name with the same settings and rejects other settings", async () => {
    await meta("CREATE DATABASE g WITH DURATION 2d NAME two");
    await meta("CREATE RETENTION POLICY two ON g DURATION 2d REPLICATION 1 SHARD DURATION 1d DEFAULT");
    await assert.rejects(meta("CREATE RETENTION POLICY two ON g DURATION 3d REPLICATION 1"), {
      name: "ConflictError",
      code: "QUERY_RP_EXISTS",
    });
    assert.deepEqual(await store.retentionPolicy("g"), {
      name: "two",
      durationNs: 2 * 86_400e9,
      shardDurationNs: 86_400e9,
      replicaN: 1,
    });
  });

  it("alters only the named parts of the current policy and nothing of another name", async () => {
    await meta("CREATE DATABASE h WITH DURATION 30d REPLICATION 2 NAME month");
    await meta("ALTER RETENTION POLICY month ON h SHARD DURATION 2h");
    assert.deepEqual(await store.retentionPolicy("h"), {
      name: "month",
      durationNs: 30 * 86_400e9,
      shardDurationNs: 2 * 3_600e9,
      replicaN: 2,
    });
    await assert.rejects(meta("ALTER RETENTION POLICY autogen ON h DURATION 1d"), {
      name: "NotFoundError",
      code: "QUERY_RP_NOT_FOUND",
    });
    await assert.rejects(meta("ALTER RETENTION POLICY month ON nope DURATION 1d"), { code: "QUERY_DB_NOT_FOUND" });
  });

  it("rejects retention and shard durations influxd rejects, leaving the policy as it was", async () => {
    await meta("CREATE DATABASE i WITH DURATION 3d NAME r");
    const before = await store.retentionPolicy("i");
    for (const q of [
      "ALTER RETENTION POLICY r ON i DURATION 59m",
      "ALTER RETENTION POLICY r ON i DURATION 1d SHARD DURATION 2d",
      "CREATE RETENTION POLICY x ON i DURATION 30m REPLICATION 1",
    ]) {
      await assert.rejects(meta(q), { name: "InvalidError", code: "QUERY_RP_DURATION" }, q);
    }
    assert.deepEqual(await store.retentionPolicy("i"), before);
  });

  it("treats DROP RETENTION POLICY of another name or an unknown database as done, keeping the data", async () => {
    await meta("CREATE DATABASE j WITH DURATION 1d NAME r");
    const batch = new WriteBatch();
    new LineProtocolParser().parse(Buffer.from(`m v=1 ${BigInt(Date.now()) * 1_000_000n}`), batch, {
      precision: "ns",
      defaultSec: 0,
      defaultNsec: 0,
    });
    await store.write("j", batch);
    assert.deepEqual(await meta("DROP RETENTION POLICY other ON j"), []);
    assert.deepEqual(await meta("DROP RETENTION POLICY r ON nope"), []);
    assert.equal((await store.retentionPolicy("j")).name, "r");
    assert.deepEqual(await store.measurements("j"), ["m"]);
  });

  it("answers CREATE DATABASE ... WITH on an existing database by its policy", async () => {
    await meta("CREATE DATABASE k WITH DURATION 2h NAME r");
    await meta("CREATE DATABASE k WITH DURATION 2h NAME r");
    await assert.rejects(meta("CREATE DATABASE k WITH DURATION 3h NAME r"), {
      name: "ConflictError",
      code: "QUERY_RP_CONFLICT",
    });
  });

  it("leaves no database behind when CREATE DATABASE ... WITH cannot set the policy", async () => {
    const failing = new Proxy(store, {
      get(target, key, receiver) {
        if (key === "setRetentionPolicy")
          return () => Promise.reject(new InvalidError("STORAGE_BAD_RETENTION", "refused by the test"));
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await assert.rejects(meta("CREATE DATABASE l WITH DURATION 1d", { store: failing }), {
      code: "STORAGE_BAD_RETENTION",
    });
    assert.ok(!store.databases().includes("l"));
  });

  it("needs a database for SHOW RETENTION POLICIES and takes the request's when ON is absent", async () => {
    await assert.rejects(meta("SHOW RETENTION POLICIES"), { name: "InvalidError", code: "QUERY_NO_DATABASE" });
    await assert.rejects(meta("SHOW RETENTION POLICIES ON nope"), { code: "QUERY_DB_NOT_FOUND" });
    const [series] = await meta("SHOW RETENTION POLICIES", { defaultDb: "k" });
    assert.deepEqual(series?.values, [["r", "2h0m0s", "1h0m0s", 1, true]]);
  });

  it("asks for admin rights on the statement's database and changes nothing when refused", async () => {
    const asked: string[] = [];
    const authorize = (need: string, db: string | undefined): void => {
      asked.push(`${need}:${db}`);
      if (need === "admin") throw new InvalidError("AUTH_FORBIDDEN", "forbidden");
    };
    for (const q of [
      "CREATE DATABASE m WITH DURATION 1d",
      "CREATE RETENTION POLICY p ON k DURATION 1d REPLICATION 1",
      "ALTER RETENTION POLICY r ON k DURATION 1d",
      "DROP RETENTION POLICY r ON k",
    ]) {
      await assert.rejects(meta(q, { authorize }), { code: "AUTH_FORBIDDEN" }, q);
    }
    assert.deepEqual(asked, ["admin:m", "admin:k", "admin:k", "admin:k"]);
    assert.ok(!store.databases().includes("m"));
    assert.equal((await store.retentionPolicy("k")).durationNs, 2 * 3_600e9);
  });
});
