import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { post, startServer } from "./server-fixture.ts";
import type { TestServer } from "./server-fixture.ts";

/** Rows of `measurement` in `db` as [time ns string, first value] pairs. */
async function rows(t: TestServer, db: string, measurement: string): Promise<Array<[string, unknown]>> {
  const result = await t.server.store.query(db, { measurement });
  const out: Array<[string, unknown]> = [];
  for (const s of result.series)
    for (let r = 0; r < s.times.length; r++) out.push([String(s.times[r]), s.values[0]![r]]);
  return out;
}

describe("write endpoints", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ maxBodyBytes: 64 * 1024, maxValuesPerRequest: 1000 });
  });
  after(() => t.close());

  it("stores a v1 write and answers 204 with an empty body", async () => {
    const res = await post(`${t.url}/write?db=w1&precision=s`, "cpu,host=a v=1 10\ncpu,host=a v=2 20\n");
    assert.equal(res.status, 204);
    assert.equal(res.body, null);
    assert.deepEqual(await rows(t, "w1", "cpu"), [
      ["10000000000", 1],
      ["20000000000", 2],
    ]);
  });

  it("answers 400 database is required without db", async () => {
    const res = await post(`${t.url}/write`, "cpu v=1");
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: "database is required" });
  });

  it("applies valid lines and names bad ones with their line numbers (partial write)", async () => {
    const res = await post(`${t.url}/write?db=w2`, "cpu v=1 1\nx y\ncpu v=2 2\nbad,\n");
    assert.equal(res.status, 400);
    assert.match(res.body.error, /^partial write: unable to parse 'x y': invalid field format \(line 2\)\n/);
    assert.match(res.body.error, /unable to parse 'bad,': [^\n]+ \(line 4\) dropped=0$/);
    assert.equal(res.headers.get("x-influxdb-error")?.startsWith("partial write"), true);
    assert.deepEqual(await rows(t, "w2", "cpu"), [
      ["1", 1],
      ["2", 2],
    ]);
  });

  it("answers a body of only bad lines without the partial-write prefix", async () => {
    const res = await post(`${t.url}/write?db=w2`, "x y\n");
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "unable to parse 'x y': invalid field format (line 1)");
  });

  it("counts lines across chunks and inside multi-line strings", async () => {
    const body = `a s="x\ny" 1\n${"cpu v=1 5\n".repeat(900)}bad line here\n`;
    const res = await post(`${t.url}/write?db=w3`, body);
    assert.equal(res.status, 400);
    assert.match(res.body.error, /\(line 903\) dropped=0$/);
  });

  it("reports field type conflicts as InfluxDB does: partial write ... dropped=N", async () => {
    await post(`${t.url}/write?db=w4`, "m f=1 1");
    const res = await post(`${t.url}/write?db=w4`, "m f=1i 2\nm f=2 3\nm f=3i 4\n");
    assert.equal(res.status, 400);
    assert.match(
      res.body.error,
      /^partial write: field type conflict: input field "f" on measurement "m" is type integer/,
    );
    assert.match(res.body.error, /dropped=2$/);
    assert.equal((await rows(t, "w4", "m")).length, 2);
  });

  it("accepts gzip bodies and rejects malformed gzip with 400", async () => {
    const ok = await post(`${t.url}/write?db=w5`, zlib.gzipSync("g v=7 1\n"), { "Content-Encoding": "gzip" });
    assert.equal(ok.status, 204);
    assert.deepEqual(await rows(t, "w5", "g"), [["1", 7]]);
    const bad = await post(`${t.url}/write?db=w5`, "not gzip at all", { "Content-Encoding": "gzip" });
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.body.error, "string");
  });

  it("answers 413 to a body over maxBodyBytes, plain or gzip-expanded, and stores nothing", async () => {
    const big = "big v=1 1\n".repeat(10_000); // 100 KB > 64 KiB
    const plain = await post(`${t.url}/write?db=w6`, big);
    assert.equal(plain.status, 413);
    assert.deepEqual(plain.body, { error: "Request Entity Too Large" });
    const gz = await post(`${t.url}/write?db=w6`, zlib.gzipSync(big), { "Content-Encoding": "gzip" });
    assert.equal(gz.status, 413);
    await assert.rejects(t.server.store.query("w6", { measurement: "big" }));
  });

  it("answers 413 to more values than maxValuesPerRequest", async () => {
    const res = await post(`${t.url}/write?db=w7`, "m a=1,b=2 1\n".repeat(600));
    assert.equal(res.status, 413);
  });

  it("scopes writes to /db/<name>/ unless db names another", async () => {
    assert.equal((await post(`${t.url}/db/iot/write`, "s v=1 1")).status, 204);
    assert.equal((await post(`${t.url}/db/iot/write?db=other`, "s v=2 2")).status, 204);
    assert.equal((await post(`${t.url}/db/iot/api/v2/write`, "s v=3 3")).status, 204);
    assert.deepEqual(await rows(t, "iot", "s"), [
      ["1", 1],
      ["3", 3],
    ]);
    assert.deepEqual(await rows(t, "other", "s"), [["2", 2]]);
  });

  it("serves /api/v2/write with bucket db/rp and v2 precisions", async () => {
    const res = await post(`${t.url}/api/v2/write?bucket=v2db/autogen&org=x&precision=ms`, "m v=1 5", {
      Authorization: "Token ignored-when-auth-is-off",
    });
    assert.equal(res.status, 204);
    assert.deepEqual(await rows(t, "v2db", "m"), [["5000000", 1]]);
    const bad = await post(`${t.url}/api/v2/write?bucket=v2db&precision=h`, "m v=1 5");
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.body.message, "string");
  });

  it("accepts InfluxDB 1.x precisions m and h", async () => {
    assert.equal((await post(`${t.url}/write?db=p&precision=m`, "m v=1 2")).status, 204);
    assert.equal((await post(`${t.url}/write?db=p&precision=h`, "h v=1 1")).status, 204);
    assert.deepEqual(await rows(t, "p", "m"), [["120000000000", 1]]);
    assert.deepEqual(await rows(t, "p", "h"), [["3600000000000", 1]]);
  });

  it("answers 405 to GET /write and 404 to unknown paths", async () => {
    const get = await fetch(`${t.url}/write?db=x`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    assert.equal((await fetch(`${t.url}/nowhere`)).status, 404);
  });
});

describe("write endpoints without auto-create", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ autoCreateDatabases: false });
  });
  after(() => t.close());

  it("answers 404 database not found with the quoted name", async () => {
    const res = await post(`${t.url}/write?db=nope`, "cpu v=1");
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: 'database not found: "nope"' });
  });
});
