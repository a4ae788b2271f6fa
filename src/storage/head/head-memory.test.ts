// The head budget: what a head counts (SlabAllocator, Head.bytes), the capacity hint's cap, and HeadMemory's
// flush threshold and admission (which user it relieves, and when it stops waiting).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldType } from "../model/index.ts";
import { Head } from "./head.ts";
import { HeadMemory } from "./head-memory.ts";
import type { HeadMemoryUser } from "./head-memory.ts";
import { HeadWriter } from "./head-writer.ts";
import { SlabAllocator } from "./slab-allocator.ts";

const locator = { index: () => 0, offset: (sec: number) => sec };

/** A head with `columns` float columns of `points` points each, written through HeadWriter. */
function filledHead(columns: number, points: number, capacity?: number): Head {
  const head = new Head(capacity);
  const writer = new HeadWriter(head, locator, () => FieldType.Float);
  for (let t = 0; t < points; t++) {
    for (let c = 0; c < columns; c++) {
      writer.point(c, t, 0);
      writer.number(1, t);
    }
  }
  return head;
}

describe("head memory accounting", () => {
  it("counts every array the slab allocator hands out, outgrown ones included", () => {
    const allocator = new SlabAllocator();
    allocator.allocate(64);
    allocator.allocate(128);
    allocator.allocate(1 << 19); // larger than a quarter slab: its own array, still counted
    allocator.note(100);
    assert.equal(allocator.bytes, (64 + 128 + (1 << 19)) * 8 + 100);
  });

  it("counts a head's grown columns at every size they had, plus per-series and per-column overhead", () => {
    const cases = [
      { name: "one allocation", input: { points: 4 }, want: 4 * 16 },
      { name: "grown six times", input: { points: 200 }, want: (4 + 8 + 16 + 32 + 64 + 128 + 256) * 16 },
    ];
    for (const c of cases) {
      const head = filledHead(1, c.input.points);
      // Overhead is a small fixed amount per series and column; the arrays dominate.
      assert.ok(head.bytes >= c.want && head.bytes < c.want + 1024, `${c.name}: ${head.bytes}`);
    }
  });

  it("caps the capacity hint so the next head's preallocated columns stay within the given bytes", () => {
    const head = filledHead(100, 1000); // average 1000 points: uncapped hint 1024
    const cases = [
      { name: "no cap", input: Infinity, want: 1024 },
      { name: "room for 1024", input: 100 * 1024 * 16, want: 1024 },
      { name: "room for 700", input: 100 * 700 * 16, want: 512 },
      { name: "never below the minimum capacity", input: 1, want: 4 },
    ];
    for (const c of cases) assert.equal(head.capacityHint(c.input), c.want, c.name);
  });
});

/** A user whose relief frees `frees` bytes of its heads (0: relieving frees nothing). */
class FakeUser implements HeadMemoryUser {
  relieved = 0;
  constructor(
    public bytes: number,
    private readonly frees: number,
  ) {}
  activeHeadBytes(): number {
    return this.bytes;
  }
  headBytes(): number {
    return this.bytes;
  }
  relieveMemory(): Promise<void> {
    this.relieved++;
    this.bytes -= Math.min(this.bytes, this.frees);
    return Promise.resolve();
  }
}

describe("HeadMemory", () => {
  it("flushes a head at a quarter of the budget", () => {
    assert.equal(new HeadMemory(1000).flushThresholdBytes, 250);
  });

  it("admits at once while the heads hold less than the budget", async () => {
    const memory = new HeadMemory(1000);
    const user = new FakeUser(999, 999);
    memory.register(user);
    assert.equal(memory.isFull(), false);
    await memory.admit();
    assert.equal(user.relieved, 0);
  });

  it("relieves the user with the most head memory until the heads fit the budget", async () => {
    const memory = new HeadMemory(1000);
    const small = new FakeUser(300, 300);
    const large = new FakeUser(800, 200);
    memory.register(small);
    memory.register(large);
    assert.equal(memory.isFull(), true);
    await memory.admit();
    // 1100 → large relieved (900): fits. The small user is never touched.
    assert.deepEqual([large.relieved, small.relieved, memory.usedBytes()], [1, 0, 900]);
  });

  it("keeps relieving, largest first, while the heads still hold the budget", async () => {
    const memory = new HeadMemory(1000);
    const a = new FakeUser(600, 300);
    const b = new FakeUser(500, 400);
    memory.register(a);
    memory.register(b);
    await memory.admit();
    // 1100: a (600 → 300) → 800 fits.
    assert.deepEqual([a.relieved, b.relieved, memory.usedBytes()], [1, 0, 800]);
    a.bytes = 700;
    b.bytes = 650;
    await memory.admit();
    // 1350: a (700 → 400) → 1050; now b is the largest: b (650 → 250) → 650 fits.
    assert.deepEqual([a.relieved, b.relieved, memory.usedBytes()], [2, 1, 650]);
  });

  it("stops waiting when relieving frees nothing instead of spinning", async () => {
    const memory = new HeadMemory(1000);
    const stuck = new FakeUser(2000, 0);
    memory.register(stuck);
    await memory.admit();
    assert.equal(stuck.relieved, 1);
  });

  it("forgets unregistered users", async () => {
    const memory = new HeadMemory(1000);
    const user = new FakeUser(2000, 2000);
    memory.register(user);
    memory.unregister(user);
    assert.equal(memory.usedBytes(), 0);
    await memory.admit();
    assert.equal(user.relieved, 0);
  });
});
