// Compares Strata's InfluxQL answers with a real influxd 1.6.7 byte for byte: both get the corpus data
// (influxql-corpus.ts), then every corpus query's JSON body must be identical. Skipped when influxd is absent.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { StorageEngine, WriteBatch } from "../../src/storage/index.ts";
import { LineProtocolParser } from "../../src/ingest/index.ts";
import { encodeInfluxQLResponse, executeInfluxQL, goJsonString } from "../../src/query/influxql/index.ts";
import { COMPAT_DATA, INFLUXQL_CORPUS } from "./influxql-corpus.ts";
import { INFLUXQL_FUNCTION_CORPUS } from "./influxql-functions-corpus.ts";

const DB = "compat";
const haveInfluxd = spawnSync("influxd", ["version"], { stdio: "ignore" }).status === 0;
if (!haveInfluxd) console.log("# influxql-compat: influxd is not installed (Debian package influxdb); skipping");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function influx(port: number, pathAndQuery: string, body?: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${pathAndQuery}`, {
    method: body === undefined ? "GET" : "POST",
    body: body ?? null,
  });
}

describe("InfluxQL compatibility with influxd 1.6.7", { skip: !haveInfluxd }, () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let port = 0;
  let engine: StorageEngine;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-compat-"));
    port = await freePort();
    const rpcPort = await freePort();
    const config = [
      "reporting-enabled = false",
      `bind-address = "127.0.0.1:${rpcPort}"`,
      "[meta]",
      `  dir = "${dir}/influx/meta"`,
      "  logging-enabled = false",
      "[data]",
      `  dir = "${dir}/influx/data"`,
      `  wal-dir = "${dir}/influx/wal"`,
      "  query-log-enabled = false",
      "[monitor]",
      "  store-enabled = false",
      "[http]",
      `  bind-address = "127.0.0.1:${port}"`,
      "  log-enabled = false",
      "[continuous_queries]",
      "  enabled = false",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "influxd.conf"), config);
    child = spawn("influxd", ["-config", path.join(dir, "influxd.conf")], { stdio: "ignore" });
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = await influx(port, "/ping").then(
        (r) => r.status === 204,
        () => false, // not listening yet; retried
      );
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ready, "influxd did not start within 10 s");
    await influx(port, `/query?q=${encodeURIComponent(`CREATE DATABASE ${DB}`)}`, "");
    const write = await influx(port, `/write?db=${DB}`, COMPAT_DATA);
    assert.equal(write.status, 204);

    engine = await StorageEngine.open(path.join(dir, "strata"));
    const batch = new WriteBatch();
    new LineProtocolParser().parse(Buffer.from(COMPAT_DATA), batch, { precision: "ns", defaultSec: 0, defaultNsec: 0 });
    await engine.createDatabase(DB);
    await engine.write(DB, batch);
  });

  after(async () => {
    child?.kill("SIGTERM");
    await engine?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function strataBody(db: string, q: string, epoch?: string): Promise<string> {
    try {
      const results = await executeInfluxQL(q, { store: engine, db, nowNs: BigInt(Date.now()) * 1_000_000n });
      return encodeInfluxQLResponse(results, epoch === undefined ? {} : { epoch });
    } catch (error) {
      if ((error as { code?: string }).code !== "QUERY_PARSE") throw error;
      // As the server answers a parse error (src/server/errors.ts): Go's JSON escaping of <, > and &.
      return `{"error":${goJsonString((error as Error).message)}}`;
    }
  }

  for (const { q, epoch } of INFLUXQL_CORPUS) {
    it(`answers ${q}${epoch === undefined ? "" : ` (epoch=${epoch})`} as influxd does`, async () => {
      const params = new URLSearchParams({ db: DB, q });
      if (epoch !== undefined) params.set("epoch", epoch);
      const want = (await (await influx(port, `/query?${params.toString()}`, "")).text()).trim();
      assert.equal(await strataBody(DB, q, epoch), want);
    });
  }

  // Function-library cases: each writes its own points to a fresh database on both sides.
  INFLUXQL_FUNCTION_CORPUS.forEach(({ name, setupLines, query }, i) => {
    it(`answers function case "${name}" as influxd does`, async () => {
      const db = `fn${i}`;
      await influx(port, `/query?q=${encodeURIComponent(`CREATE DATABASE ${db}`)}`, "");
      // influxd may answer a write right after CREATE DATABASE with 404 while its meta store catches up.
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 204; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20));
        status = (await influx(port, `/write?db=${db}`, setupLines)).status;
        if (status !== 404) break;
      }
      assert.equal(status, 204);
      const batch = new WriteBatch();
      new LineProtocolParser().parse(Buffer.from(setupLines), batch, {
        precision: "ns",
        defaultSec: 0,
        defaultNsec: 0,
      });
      await engine.createDatabase(db);
      await engine.write(db, batch);
      const params = new URLSearchParams({ db, q: query });
      const want = (await (await influx(port, `/query?${params.toString()}`, "")).text()).trim();
      assert.equal(await strataBody(db, query), want);
    });
  });
});
