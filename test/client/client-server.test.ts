// The client against a real `strata serve` on loopback: writes (gzip, typed values, partial writes), InfluxQL,
// PromQL, native queries, ping/health, live subscriptions over the `ws` package, and token auth.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import {
  StrataAuthError,
  StrataClient,
  StrataQueryError,
  StrataWriteError,
  int,
  uint,
} from "../../src/client/index.ts";
import type { LivePointData, StrataError } from "../../src/client/index.ts";
import { makeTempDir, startStrata, strataServerAvailable } from "../peers/index.ts";
import type { Peer } from "../peers/index.ts";
import { waitFor } from "./fake-fetch.ts";

const skip = strataServerAvailable() ? false : "strata serve is not available";
const CLI_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");
const T0 = 1_714_564_800_000_000_000n; // 2024-05-01T12:00:00Z in ns

describe("StrataClient against strata serve", { skip }, () => {
  let server: Peer;
  let client: StrataClient;
  before(async () => {
    server = await startStrata();
    client = new StrataClient({ url: server.url, db: "clientdb", WebSocket });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  it("pings and reports health", async () => {
    assert.match(await client.ping(), /\d/);
    assert.equal((await client.health()).ok, true);
  });

  it("writes typed points gzipped and reads them back exactly", async () => {
    const writer = client.writer({ flushOnExit: false, batchSize: 2 });
    await writer.writePoints([
      {
        measurement: "typed",
        tags: { "host name": "a,b=c" },
        fields: { f: 1.5, i: int(-3), u: uint(2n ** 64n - 1n), b: true, s: 'q"\\\n' },
        time: T0,
      },
      { measurement: "typed", tags: { "host name": "a,b=c" }, fields: { f: -0, i: 2n ** 62n + 1n }, time: T0 + 1n },
      {
        measurement: "typed",
        tags: { "host name": "x" },
        fields: { f: 3 },
        time: new Date(Number(T0 / 1_000_000n) + 1),
      },
    ]);
    await writer.close();
    const sets = await client.influxqlRows(`SELECT * FROM typed WHERE "host name" = 'a,b=c'`, { epoch: "ns" });
    assert.equal(sets.length, 1);
    const [first, second] = sets[0]!.rows;
    assert.deepEqual(first, {
      time: T0,
      b: true,
      f: 1.5,
      "host name": "a,b=c",
      i: -3,
      s: 'q"\\\n',
      u: 18446744073709551615n,
    });
    assert.equal(second!.time, T0 + 1n);
    assert.equal(second!.i, 2n ** 62n + 1n);
    const dated = await client.influxqlRows(`SELECT f FROM typed WHERE "host name" = 'x'`);
    assert.deepEqual(dated[0]!.rows, [{ time: new Date(Number(T0 / 1_000_000n) + 1), f: 3 }]);
  });

  it("returns native query times as exact bigints", async () => {
    const result = await client.query({
      measurement: "typed",
      fields: ["f"],
      where: [{ key: "host name", op: "=", value: "a,b=c" }],
    });
    assert.deepEqual([...result.series[0]!.times], [T0, T0 + 1n]);
    assert.deepEqual(result.series[0]!.values[0], [1.5, 0]); // JSON has no -0
  });

  it("answers PromQL over line-protocol data", async () => {
    const writer = client.writer({ flushOnExit: false, precision: "ms" });
    const now = Date.now();
    await writer.writePoint({ measurement: "prom", tags: { job: "j" }, fields: { g: 42 }, time: now - 1000 });
    await writer.close();
    const result = await client.promql("prom_g", { time: now });
    assert.equal(result.resultType, "vector");
    if (result.resultType !== "vector") return;
    assert.equal(result.result.length, 1);
    assert.equal(result.result[0]!.value, 42);
    assert.equal(result.result[0]!.metric.job, "j");
    assert.ok((await client.labelValues("job")).includes("j"));
    assert.ok((await client.labels()).includes("job"));
    assert.deepEqual(await client.series("prom_g", { start: now - 60_000, end: now }), [
      { __name__: "prom_g", job: "j" },
    ]);
    const range = await client.promqlRange("prom_g", { start: now - 2000, end: now, step: 1 });
    assert.equal(range.resultType, "matrix");
  });

  it("rejects a bad PromQL expression as StrataQueryError PROM_BAD_DATA", async () => {
    await assert.rejects(
      client.promql("sum(("),
      (e: StrataError) => e instanceof StrataQueryError && e.code === "PROM_BAD_DATA" && e.status === 400,
    );
  });

  it("keeps InfluxQL statement errors inside results and throws them from influxqlRows", async () => {
    const response = await client.influxql("SELECT v FROM m", { db: "no_such_db" });
    assert.match(response.results![0]!.error!, /database not found/);
    await assert.rejects(client.influxqlRows("SHOW DATABASES; SELECT v FROM m", { db: "no_such_db" }), {
      code: "INFLUXQL_STATEMENT",
    });
    await assert.rejects(
      client.influxql("SELECT nope FROM"),
      (e: StrataError) => e instanceof StrataQueryError && e.status === 400,
    );
  });

  it("surfaces a partial write as a StrataWriteError (400) and keeps the valid lines", async () => {
    const errors: StrataError[] = [];
    const writer = client.writer({ flushOnExit: false, onError: (e) => errors.push(e) });
    await writer.writeLines([`partial v=1 ${T0}`, "partial v=", `partial v=3 ${T0 + 2n}`]);
    await assert.rejects(writer.flush(), (e: StrataError) => e instanceof StrataWriteError && e.status === 400);
    await writer.close();
    assert.equal(errors.length, 1);
    const series = (await client.query({ measurement: "partial" })).series[0]!;
    assert.deepEqual([...series.times], [T0, T0 + 2n]);
    assert.deepEqual(series.values, [[1, 3]]);
  });

  it("flushes buffered points when a Node process runs out of work (beforeExit)", async () => {
    const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/client/index.ts");
    const script = `
      const { StrataClient } = await import(${JSON.stringify(entry)});
      const writer = new StrataClient({ url: ${JSON.stringify(server.url)}, db: "clientdb" }).writer({ flushIntervalMs: 60000 });
      await writer.writePoint({ measurement: "exitflush", fields: { v: 1 }, time: ${T0}n });
      // no flush(), no close(): the beforeExit hook must send the point
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(child.status, 0, child.stderr);
    const series = (await client.query({ measurement: "exitflush" })).series;
    assert.deepEqual([...series[0]!.times], [T0]);
  });

  it("delivers live points to a subscription within a second", async () => {
    const got: LivePointData[] = [];
    const sub = client.subscribe({ measurement: "live", fields: ["v"] }, { onPoints: (points) => got.push(...points) });
    const other = client.subscribe(
      { measurement: "live", where: [{ key: "host", op: "=", value: "nobody" }] },
      { onPoints: () => assert.fail("matched nothing") },
    );
    await Promise.all([sub.ready, other.ready]);
    const writer = client.writer({ flushOnExit: false });
    await writer.writePoint({ measurement: "live", tags: { host: "a" }, fields: { v: 7, w: 8 }, time: T0 + 5n });
    await writer.close();
    await waitFor(() => got.length === 1, 5000);
    assert.equal(got[0]!.time, T0 + 5n);
    assert.deepEqual(got[0]!.fields, { v: 7 });
    sub.unsubscribe();
    other.unsubscribe();
    await Promise.all([sub.closed, other.closed]);
  });
});

describe("StrataClient with auth on", { skip }, () => {
  let server: Peer;
  let token: string;
  const dir = makeTempDir("client-auth");
  before(async () => {
    const created = spawnSync(
      process.execPath,
      ["--import", "tsx", CLI_MAIN, "token", "create", "--db", "*", "--scope", "write", "--data-dir", dir],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(created.status, 0, created.stderr);
    token = created.stdout.trim();
    server = await startStrata({ dataDir: dir, args: ["--auth", "on"] });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes and queries with a token and rejects a wrong one with StrataAuthError", async () => {
    const client = new StrataClient({ url: server.url, token, db: "authdb", WebSocket });
    const writer = client.writer({ flushOnExit: false });
    await writer.writePoint({ measurement: "a", fields: { v: 1 }, time: T0 });
    await writer.close();
    assert.deepEqual([...(await client.query({ measurement: "a" })).series[0]!.times], [T0]);
    const bad = new StrataClient({ url: server.url, token: "wrong", db: "authdb" });
    await assert.rejects(
      bad.query({ measurement: "a" }),
      (e: StrataError) => e instanceof StrataAuthError && e.status === 401,
    );
    const badWriter = bad.writer({ flushOnExit: false, maxRetries: 0 });
    await badWriter.writePoint({ measurement: "a", fields: { v: 2 } });
    await assert.rejects(badWriter.close(), StrataAuthError);
  });

  it("authenticates the live socket with the token parameter and closes a wrong one with StrataAuthError", async () => {
    const client = new StrataClient({ url: server.url, token, db: "authdb", WebSocket });
    const sub = client.subscribe({ measurement: "a" }, { onPoints: () => undefined });
    await sub.ready;
    sub.unsubscribe();
    const bad = new StrataClient({ url: server.url, token: "wrong", db: "authdb", WebSocket });
    let closedWith: StrataError | undefined;
    const refused = bad.subscribe(
      { measurement: "a" },
      { onPoints: () => undefined, onClose: (e) => (closedWith = e) },
    );
    await refused.closed;
    assert.ok(closedWith instanceof StrataAuthError, String(closedWith));
    bad.close();
  });
});
