import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { QueryGate } from "./query-gate.ts";

const code = (want: string) => (e: unknown) => (e as { code?: string }).code === want;

describe("QueryGate", () => {
  it("lets maxRunning queries run and queues the next in FIFO order", async () => {
    const gate = new QueryGate(2, 10);
    const r1 = await gate.acquire(1000);
    const r2 = await gate.acquire(1000);
    const order: number[] = [];
    const w3 = gate.acquire(1000).then((r) => (order.push(3), r));
    const w4 = gate.acquire(1000).then((r) => (order.push(4), r));
    assert.equal(gate.active, 2);
    r1();
    r1(); // a second call is ignored
    const r3 = await w3;
    r2();
    const r4 = await w4;
    assert.deepEqual(order, [3, 4]);
    r3();
    r4();
    assert.equal(gate.active, 0);
  });

  it("rejects with SERVER_TOO_MANY_QUERIES when the queue is full", async () => {
    const gate = new QueryGate(1, 0);
    const r = await gate.acquire(1000);
    await assert.rejects(gate.acquire(1000), code("SERVER_TOO_MANY_QUERIES"));
    r();
  });

  it("rejects with SERVER_QUERIES_BUSY when no slot frees up in time", async () => {
    const gate = new QueryGate(1, 5);
    const r = await gate.acquire(1000);
    await assert.rejects(gate.acquire(5), code("SERVER_QUERIES_BUSY"));
    r();
    assert.equal(gate.active, 0);
  });
});
