// Retention-policy statements on Strata's one policy per database: what matches influxd is in the differential
// corpus (test/compat); these cover where the one-policy model answers differently, and that policies take effect.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LineProtocolParser } from "../../ingest/index.ts";
import { StorageEngine, WriteBatch } from "../../storage/index.ts";
import { executeInfluxQL } from "./execute-influxql.ts";
import { encodeInfluxQLResponse } from "./encode-response.ts";

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
