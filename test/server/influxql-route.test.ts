import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { TokenStore } from "../../src/storage/index.ts";
import { post, startServer } from "./server-fixture.ts";
import type { TestServer } from "./server-fixture.ts";

async function query(url: string, init?: RequestInit): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
}

describe("InfluxQL /query route", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    const res = await post(
      `${t.url}/write?db=q&precision=s`,
      "cpu,host=a v=1 10\ncpu,host=b v=2 20\ncpu,host=a v=3 30\n",
    );
    assert.equal(res.status, 204);
  });
  after(() => t.close());

  it("answers GET with InfluxDB 1.x JSON and epoch times", async () => {
    const res = await query(`${t.url}/query?db=q&epoch=s&q=${encodeURIComponent("SELECT v FROM cpu WHERE host='a'")}`);
    assert.equal(res.status, 200);
    assert.match(res.type, /^application\/json/);
    assert.deepEqual(JSON.parse(res.text), {
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: "cpu",
              columns: ["time", "v"],
              values: [
                [10, 1],
                [30, 3],
              ],
            },
          ],
        },
      ],
    });
  });

  it("reads q and db from a form POST body and the /db/<name>/ path", async () => {
    const res = await query(`${t.url}/db/q/query`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "q=SELECT+count(v)+FROM+cpu",
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).results[0].series[0].values[0][1], 3);
  });

  it("streams chunked responses as one JSON document per line", async () => {
    const res = await query(`${t.url}/query?db=q&chunked=true&chunk_size=2&q=SELECT+v+FROM+cpu`);
    const docs = res.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(docs.length, 2);
    assert.equal(docs[0].results[0].partial, true);
    assert.equal(docs[1].results[0].series[0].values.length, 1);
  });

  it("answers CSV for Accept: application/csv", async () => {
    const res = await query(`${t.url}/query?db=q&q=SELECT+v+FROM+cpu`, { headers: { Accept: "application/csv" } });
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/csv/);
    assert.equal(res.text.split("\n")[0], "name,tags,time,v");
  });

  it("answers 400 with InfluxDB's bodies for a missing q and a parse error", async () => {
    const missing = await query(`${t.url}/query?db=q`);
    assert.equal(missing.status, 400);
    assert.deepEqual(JSON.parse(missing.text), { error: 'missing required parameter "q"' });
    const parse = await query(`${t.url}/query?db=q&q=SELEC+x`);
    assert.equal(parse.status, 400);
    assert.match(JSON.parse(parse.text).error, /^error parsing query: /);
  });

  it("keeps statement errors inside results with HTTP 200", async () => {
    const res = await query(`${t.url}/query?db=nope&q=SELECT+*+FROM+cpu`);
    assert.equal(res.status, 200);
    assert.equal(typeof JSON.parse(res.text).results[0].error, "string");
  });
});

describe("InfluxQL /query route with auth", () => {
  let t: TestServer;
  let read = "";
  before(async () => {
    t = await startServer({ auth: "on" });
    const tokens = TokenStore.open(t.dataDir);
    read = (await tokens.create("q", "read")).token;
    await tokens.close();
  });
  after(() => t.close());

  it("answers 403 for a statement beyond the token's scope, 200 within it", async () => {
    const auth = { Authorization: `Token ${read}` };
    const ok = await query(`${t.url}/query?db=q&q=SHOW+MEASUREMENTS`, { headers: auth });
    assert.equal(ok.status, 200);
    const drop = await query(`${t.url}/query?q=DROP+DATABASE+q`, { method: "POST", headers: auth });
    assert.equal(drop.status, 403);
    assert.equal(typeof JSON.parse(drop.text).error, "string");
    const none = await query(`${t.url}/query?db=q&q=SHOW+MEASUREMENTS`);
    assert.equal(none.status, 401);
  });
});
