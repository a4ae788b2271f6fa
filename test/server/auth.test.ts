import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { TokenStore } from "../../src/storage/index.ts";
import { post, startServer } from "./server-fixture.ts";
import type { TestServer } from "./server-fixture.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MAIN = path.join(ROOT, "src/cli/main.ts");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

describe("auth", () => {
  let t: TestServer;
  let tokens: TokenStore;
  let readIot = "";
  let writeIot = "";
  let adminAll = "";
  before(async () => {
    t = await startServer({ auth: "on" });
    tokens = TokenStore.open(t.dataDir);
    readIot = (await tokens.create("iot", "read")).token;
    writeIot = (await tokens.create("iot", "write")).token;
    adminAll = (await tokens.create("*", "admin")).token;
  });
  after(async () => {
    await tokens.close();
    await t.close();
  });

  it("answers 401 without credentials or with an unknown token", async () => {
    const none = await post(`${t.url}/write?db=iot`, "m v=1");
    assert.equal(none.status, 401);
    assert.equal(typeof none.body.error, "string");
    const unknown = await post(`${t.url}/write?db=iot`, "m v=1", { Authorization: "Token strata_nope" });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, { error: "authorization failed" });
  });

  it("answers 403 when the token's scope or database does not cover the request", async () => {
    const readOnly = await post(`${t.url}/write?db=iot`, "m v=1", { Authorization: `Token ${readIot}` });
    assert.equal(readOnly.status, 403);
    const otherDb = await post(`${t.url}/write?db=other`, "m v=1", { Authorization: `Token ${writeIot}` });
    assert.equal(otherDb.status, 403);
    const flush = await fetch(`${t.url}/internal/force_flush`, {
      method: "POST",
      headers: { Authorization: `Token ${writeIot}` },
    });
    assert.equal(flush.status, 403);
  });

  it("accepts a token as Token, Bearer, Basic password or u/p parameters", async () => {
    const basic = Buffer.from(`telegraf:${writeIot}`).toString("base64");
    const cases: Array<{ name: string; url: string; headers: Record<string, string> }> = [
      { name: "Token", url: `${t.url}/write?db=iot`, headers: { Authorization: `Token ${writeIot}` } },
      { name: "Bearer", url: `${t.url}/write?db=iot`, headers: { Authorization: `Bearer ${writeIot}` } },
      { name: "Basic", url: `${t.url}/write?db=iot`, headers: { Authorization: `Basic ${basic}` } },
      { name: "u/p", url: `${t.url}/write?db=iot&u=x&p=${writeIot}`, headers: {} },
      { name: "v2 Token", url: `${t.url}/api/v2/write?bucket=iot`, headers: { Authorization: `Token ${writeIot}` } },
      { name: "admin on *", url: `${t.url}/db/iot/write`, headers: { Authorization: `Token ${adminAll}` } },
    ];
    for (const c of cases) assert.equal((await post(c.url, "m v=1", c.headers)).status, 204, c.name);
  });

  it("keeps /ping, /health and /metrics open", async () => {
    assert.equal((await fetch(`${t.url}/ping`)).status, 204);
    assert.equal((await fetch(`${t.url}/health`)).status, 200);
    assert.equal((await fetch(`${t.url}/metrics`)).status, 200);
  });

  it("answers Prometheus-shaped 401 on the Prometheus API", async () => {
    const res = await fetch(`${t.url}/api/v1/labels`);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { status: string; errorType: string };
    assert.equal(body.status, "error");
  });

  it("accepts tokens created and revoked by the CLI while the server runs", async () => {
    const created = await cli(["token", "create", "--data-dir", t.dataDir, "--db", "cli", "--scope", "write"]);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^strata_/);
    assert.equal((await post(`${t.url}/write?db=cli`, "m v=1", { Authorization: `Token ${token}` })).status, 204);
    const list = await cli(["token", "list", "--data-dir", t.dataDir, "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const record = (JSON.parse(list.stdout) as Array<{ id: string; db: string }>).find((r) => r.db === "cli")!;
    assert.ok(!list.stdout.includes(token));
    const revoked = await cli(["token", "revoke", record.id, "--data-dir", t.dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    // The server caches a token for at most 1 s.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await post(`${t.url}/write?db=cli`, "m v=1", { Authorization: `Token ${token}` })).status, 401);
  });
});
