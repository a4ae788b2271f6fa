// Executor tests on a real StorageEngine: a golden table of queries whose expected bodies were taken from
// influxd 1.6.7 over the same data (testdata/), plus statement-level behaviours (errors, DDL, deletes).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { StorageEngine, WriteBatch } from "../../storage/index.ts";
import { LineProtocolParser } from "../../ingest/index.ts";
import { encodeInfluxQLResponse, executeInfluxQL } from "./index.ts";
import type { InfluxQLContext } from "./index.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(fs.readFileSync(path.join(here, "testdata", "influxql-golden.json"), "utf8")) as Array<{
  query: string;
  want: string;
}>;
const data = fs.readFileSync(path.join(here, "testdata", "golden-data.lp"));
const NOW_NS = 1_800_000_000_000_000_000n;

async function load(engine: StorageEngine, db: string, lp: Uint8Array): Promise<void> {
  const batch = new WriteBatch();
  new LineProtocolParser().parse(lp, batch, { precision: "ns", defaultSec: 0, defaultNsec: 0 });
  await engine.createDatabase(db);
  await engine.write(db, batch);
}

/** The body influxd sends: a request-level parse error, or the encoded results. */
async function body(q: string, ctx: InfluxQLContext): Promise<string> {
  try {
    return encodeInfluxQLResponse(await executeInfluxQL(q, ctx), {});
  } catch (error) {
    if ((error as { code?: string }).code !== "QUERY_PARSE") throw error;
    return JSON.stringify({ error: (error as Error).message });
  }
}

describe("executeInfluxQL golden queries (influxd 1.6.7)", () => {
  let dir: string;
  let engine: StorageEngine;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    engine = await StorageEngine.open(dir);
    await load(engine, "test", data);
  });
  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const { query, want } of golden) {
    it(`answers ${query}`, async () => {
      assert.equal(await body(query, { store: engine, db: "test", nowNs: NOW_NS }), want);
    });
  }

  it("answers the same after the head is flushed to segments", async () => {
    await engine.flush();
    for (const { query, want } of golden.slice(0, 60)) {
      assert.equal(await body(query, { store: engine, db: "test", nowNs: NOW_NS }), want, query);
    }
  });
});

describe("executeInfluxQL statements", () => {
  let dir: string;
  let engine: StorageEngine;
  let ctx: InfluxQLContext;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    engine = await StorageEngine.open(dir);
    await load(engine, "test", data);
    ctx = { store: engine, db: "test", nowNs: NOW_NS };
  });
  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("requires a database for SELECT and SHOW", async () => {
    const [show] = await executeInfluxQL("SHOW MEASUREMENTS", { store: engine, nowNs: NOW_NS });
    assert.equal(show!.error, "database name required");
    // As influxd 1.6.7: a failing statement that is not the last reports "not executed" and ends the results.
    const out = await executeInfluxQL("SELECT * FROM cpu; SHOW MEASUREMENTS", { store: engine, nowNs: NOW_NS });
    assert.deepEqual(
      out.map((o) => [o.statementId, o.error]),
      [[0, "not executed"]],
    );
  });

  it("reports an unknown database per statement and still answers SHOW MEASUREMENTS with nothing", async () => {
    const [select] = await executeInfluxQL("SELECT * FROM cpu", { ...ctx, db: "nope" });
    assert.equal(select!.error, "database not found: nope");
    const [show] = await executeInfluxQL("SHOW MEASUREMENTS", { ...ctx, db: "nope" });
    assert.equal(show!.error, undefined);
    assert.deepEqual(show!.series, []);
  });

  it("throws a QUERY_PARSE error for a malformed query string", async () => {
    await assert.rejects(executeInfluxQL("SELECT * FROM", ctx), { code: "QUERY_PARSE" });
  });

  it("binds parameters from params", async () => {
    const out = await executeInfluxQL("SELECT usage FROM cpu WHERE msg = $m AND usage > $u", {
      ...ctx,
      params: { m: "hi", u: 1 },
    });
    assert.deepEqual(out[0]!.series[0]!.values, [[1_500_000_000_000_000_000n, 1.5]]);
  });

  it("creates and drops databases idempotently", async () => {
    await executeInfluxQL("CREATE DATABASE other; CREATE DATABASE other", ctx);
    assert.ok(engine.databases().includes("other"));
    const out = await executeInfluxQL("SHOW DATABASES", ctx);
    assert.deepEqual(out[0]!.series[0]!.values, [["other"], ["test"]]);
    await executeInfluxQL("DROP DATABASE other; DROP DATABASE other", ctx);
    assert.ok(!engine.databases().includes("other"));
  });

  it("checks authorization per statement", async () => {
    const denied = Object.assign(new Error("denied"), {});
    const out = await executeInfluxQL("SHOW DATABASES; CREATE DATABASE x", {
      ...ctx,
      authorize: (need) => {
        if (need === "admin") throw new (class extends Error {})("x");
      },
    }).catch((e: unknown) => e);
    // A non-TsdbError from authorize is a bug in the caller: it propagates.
    assert.ok(out instanceof Error);
    void denied;
  });

  it("deletes points in a time range with DELETE", async () => {
    await load(engine, "del", Buffer.from("m,t=a v=1 10\nm,t=a v=2 20\nm,t=b v=3 30\n"));
    await executeInfluxQL("DELETE FROM m WHERE time >= 15 AND time <= 25", { ...ctx, db: "del" });
    const [out] = await executeInfluxQL("SELECT v FROM m", { ...ctx, db: "del" });
    assert.deepEqual(out!.series[0]!.values, [
      [10n, 1],
      [30n, 3],
    ]);
    const [bad] = await executeInfluxQL("DELETE FROM m WHERE v > 1", { ...ctx, db: "del" });
    assert.equal(bad!.error, "fields not supported in WHERE clause during deletion");
  });

  it("removes dropped series and measurements from SHOW output", async () => {
    await load(engine, "drop", Buffer.from("m,t=a v=1 10\nm,t=b v=2 20\nn,t=a w=1 10\n"));
    const c = { ...ctx, db: "drop" };
    await executeInfluxQL("DROP SERIES FROM m WHERE t = 'a'", c);
    let [out] = await executeInfluxQL("SHOW SERIES", c);
    assert.deepEqual(out!.series[0]!.values, [["m,t=b"], ["n,t=a"]]);
    await executeInfluxQL("DROP MEASUREMENT m", c);
    [out] = await executeInfluxQL("SHOW MEASUREMENTS", c);
    assert.deepEqual(out!.series[0]!.values, [["n"]]);
    [out] = await executeInfluxQL("SHOW FIELD KEYS", c);
    assert.deepEqual(
      out!.series.map((s) => s.name),
      ["n"],
    );
    [out] = await executeInfluxQL("SELECT * FROM m", c);
    assert.deepEqual(out!.series, []);
    const [timeErr] = await executeInfluxQL("DROP SERIES WHERE time > 0", c);
    assert.equal(timeErr!.error, "DROP SERIES doesn't support time in WHERE clause");
  });

  it("keeps integers beyond 2^53 exact", async () => {
    await load(engine, "big", Buffer.from("m v=9007199254740993i 1\n"));
    const out = await executeInfluxQL("SELECT v FROM m; SELECT sum(v) FROM m", { ...ctx, db: "big" });
    assert.equal(
      encodeInfluxQLResponse(out, { epoch: "ns" }),
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,9007199254740993]]}]},' +
        '{"statement_id":1,"series":[{"name":"m","columns":["time","sum"],"values":[[0,9007199254740993]]}]}]}',
    );
  });

  it("limits the series a statement returns", async () => {
    const [out] = await executeInfluxQL("SELECT usage FROM cpu GROUP BY host", { ...ctx, maxSeries: 1 });
    assert.match(out!.error ?? "", /max-select-series/);
  });

  it("fails unsupported administrative statements clearly and answers SHOW USERS empty", async () => {
    const out = await executeInfluxQL("SHOW USERS", ctx);
    assert.deepEqual(out[0]!.series, [{ columns: ["user", "admin"], values: [] }]);
    const [grant] = await executeInfluxQL("GRANT ALL TO bob", ctx);
    assert.ok(grant!.error !== undefined);
  });
});
