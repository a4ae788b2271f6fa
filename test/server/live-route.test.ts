import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import type { LiveServerMessage } from "../../src/wire/index.ts";
import { post, startServer } from "./server-fixture.ts";
import type { TestServer } from "./server-fixture.ts";

/** Opens a WebSocket and collects its messages. */
async function connect(url: string): Promise<{ ws: WebSocket; next: () => Promise<LiveServerMessage> }> {
  const ws = new WebSocket(url);
  const queue: LiveServerMessage[] = [];
  const waiters: Array<(m: LiveServerMessage) => void> = [];
  ws.on("message", (data: Buffer) => {
    const m = JSON.parse(data.toString()) as LiveServerMessage;
    const w = waiters.shift();
    if (w !== undefined) w(m);
    else queue.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const next = (): Promise<LiveServerMessage> =>
    queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiters.push(resolve));
  return { ws, next };
}

describe("live route", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.close());

  it("streams points written after a subscription under /db/<name>/api/v1/live", async () => {
    const c = await connect(`${t.url.replace("http", "ws")}/db/live/api/v1/live`);
    try {
      c.ws.send(JSON.stringify({ type: "subscribe", id: "s1", db: "live", measurement: "cpu" }));
      assert.deepEqual(await c.next(), { type: "subscribed", id: "s1" });
      assert.equal((await post(`${t.url}/write?db=live`, "cpu,host=a v=1.5 1000")).status, 204);
      const m = await c.next();
      assert.equal(m.type, "points");
      if (m.type === "points")
        assert.deepEqual(m.points, [{ measurement: "cpu", tags: { host: "a" }, time: "1000", fields: { v: 1.5 } }]);
    } finally {
      c.ws.close();
    }
  });

  it("closes open live connections on server close instead of hanging", async () => {
    const own = await startServer();
    const c = await connect(`${own.url.replace("http", "ws")}/api/v1/live`);
    const closed = new Promise<number>((resolve) => c.ws.once("close", (code: number) => resolve(code)));
    await own.close();
    assert.equal(await closed, 1001);
  });
});
