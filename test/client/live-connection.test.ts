// Live subscriptions over a fake WebSocket: multiplexing, delivery, reconnect and re-subscribe, auth close.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StrataAuthError, StrataClient } from "../../src/client/index.ts";
import type { LivePointData, StrataError, WebSocketLike } from "../../src/client/index.ts";
import { waitFor } from "./fake-fetch.ts";

// A WebSocket double: records sent messages; the test plays the server with open(), receive() and drop().
class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: any[] = [];
  closedWith: number | undefined;
  onopen: ((event: any) => void) | null = null;
  onmessage: ((event: any) => void) | null = null;
  onclose: ((event: any) => void) | null = null;
  onerror: ((event: any) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
    setTimeout(() => this.open(), 1);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code: number, reason = ""): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code, reason });
  }
}

function setup() {
  FakeSocket.all = [];
  const client = new StrataClient({
    url: "https://h:8086",
    token: "s3cret",
    db: "iot",
    fetch: () => Promise.reject(new Error("no http in this test")),
    WebSocket: FakeSocket,
    liveReconnect: { initialMs: 1, maxMs: 2 },
  });
  return client;
}

describe("live subscriptions", () => {
  it("multiplexes subscriptions over one socket with the token in the URL", async () => {
    const client = setup();
    const a: LivePointData[][] = [];
    const subA = client.subscribe(
      { measurement: "cpu", where: [{ key: "host", op: "=", value: "a" }] },
      { onPoints: (p) => a.push(p) },
    );
    const subB = client.subscribe({ measurement: "mem", db: "other", fields: ["used"] }, { onPoints: () => undefined });
    await waitFor(() => FakeSocket.all[0]?.sent.length === 2);
    assert.equal(FakeSocket.all.length, 1);
    const socket = FakeSocket.all[0]!;
    assert.equal(socket.url, "wss://h:8086/api/v1/live?token=s3cret");
    assert.deepEqual(socket.sent, [
      { type: "subscribe", id: subA.id, db: "iot", measurement: "cpu", where: [{ key: "host", op: "=", value: "a" }] },
      { type: "subscribe", id: subB.id, db: "other", measurement: "mem", fields: ["used"] },
    ]);
    socket.receive({ type: "subscribed", id: subA.id });
    await subA.ready;
    socket.receive({
      type: "points",
      id: subA.id,
      points: [{ measurement: "cpu", tags: { host: "a" }, time: "1714564800123456789", fields: { v: 1 } }],
    });
    assert.equal(a.length, 1);
    assert.equal(a[0]![0]!.time, 1714564800123456789n);
    assert.equal(a[0]![0]!.timeMs, 1714564800123.4568);
    client.close();
    await Promise.all([subA.closed, subB.closed]);
  });

  it("unsubscribes, and closes the socket after the last subscription", async () => {
    const client = setup();
    const closes: Array<StrataError | undefined> = [];
    const sub = client.subscribe({ measurement: "cpu" }, { onPoints: () => undefined, onClose: (e) => closes.push(e) });
    await waitFor(() => FakeSocket.all[0]?.sent.length === 1);
    sub.unsubscribe();
    sub.unsubscribe();
    await sub.closed;
    const socket = FakeSocket.all[0]!;
    assert.deepEqual(socket.sent[1], { type: "unsubscribe", id: sub.id });
    assert.equal(socket.closedWith, 1000);
    assert.deepEqual(closes, [undefined]);
  });

  it("reconnects after a drop and re-subscribes everything", async () => {
    const client = setup();
    const errors: StrataError[] = [];
    const dropped: number[] = [];
    const sub = client.subscribe(
      { measurement: "cpu" },
      { onPoints: () => undefined, onError: (e) => errors.push(e), onDropped: (n) => dropped.push(n) },
    );
    await waitFor(() => FakeSocket.all[0]?.sent.length === 1);
    FakeSocket.all[0]!.receive({ type: "dropped", id: sub.id, count: 7 });
    FakeSocket.all[0]!.drop(1006);
    await waitFor(() => FakeSocket.all[1]?.sent.length === 1);
    assert.deepEqual(FakeSocket.all[1]!.sent[0], FakeSocket.all[0]!.sent[0]);
    FakeSocket.all[1]!.drop(4001, "buffer full");
    await waitFor(() => FakeSocket.all[2]?.sent.length === 1);
    assert.deepEqual(dropped, [7]);
    assert.deepEqual(
      errors.map((e) => e.code),
      ["LIVE_DISCONNECTED", "LIVE_SLOW_CONSUMER"],
    );
    client.close();
  });

  it("ends every subscription with StrataAuthError on close code 4003", async () => {
    const client = setup();
    const closes: Array<StrataError | undefined> = [];
    const sub = client.subscribe({ measurement: "cpu" }, { onPoints: () => undefined, onClose: (e) => closes.push(e) });
    await waitFor(() => FakeSocket.all[0]?.sent.length === 1);
    FakeSocket.all[0]!.drop(4003, "bad token");
    await sub.closed;
    await assert.rejects(sub.ready, StrataAuthError);
    assert.ok(closes[0] instanceof StrataAuthError);
    assert.equal(FakeSocket.all.length, 1);
  });

  it("leaves db out when neither the client nor the selector names one", async () => {
    FakeSocket.all = [];
    const client = new StrataClient({
      url: "http://h",
      fetch: () => Promise.reject(new Error("unused")),
      WebSocket: FakeSocket,
    });
    const sub = client.subscribe({ measurement: "m" }, { onPoints: () => undefined });
    await waitFor(() => FakeSocket.all[0]?.sent.length === 1);
    assert.deepEqual(FakeSocket.all[0]!.sent[0], { type: "subscribe", id: sub.id, measurement: "m" });
    assert.equal(FakeSocket.all[0]!.url, "ws://h/api/v1/live");
    client.close();
  });

  it("ends one subscription on a server error naming it", async () => {
    const client = setup();
    const subA = client.subscribe({ measurement: "a" }, { onPoints: () => undefined });
    const subB = client.subscribe({ measurement: "b" }, { onPoints: () => undefined });
    await waitFor(() => FakeSocket.all[0]?.sent.length === 2);
    FakeSocket.all[0]!.receive({ type: "error", id: subA.id, code: "LIVE_BAD_SELECTOR", message: "bad regex" });
    await subA.closed;
    await assert.rejects(subA.ready, { code: "LIVE_BAD_SELECTOR" });
    FakeSocket.all[0]!.receive({ type: "subscribed", id: subB.id });
    await subB.ready;
    client.close();
  });

  it("throws CLIENT_NO_WEBSOCKET without a WebSocket", () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    g.WebSocket = undefined;
    try {
      const client = new StrataClient({ url: "http://h", db: "x", fetch: () => Promise.reject(new Error("unused")) });
      assert.throws(() => client.subscribe({ measurement: "m" }, { onPoints: () => undefined }), {
        code: "CLIENT_NO_WEBSOCKET",
      });
    } finally {
      g.WebSocket = saved;
    }
  });
});
