// The head budget through StorageEngine: heads flush at a quarter of headBudgetBytes, a write acknowledged while the
// heads are full has waited for flushes (so the heads are back under the budget), and no point is lost doing so.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../index.ts";

const BUDGET = 256 * 1024;
const SERIES = 50;

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function openEngine(): Promise<StorageEngine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  dirs.push(dir);
  // Background compaction off: it would merge the flushes these tests count.
  return StorageEngine.open(dir, { sync: "never", headBudgetBytes: BUDGET, compaction: false });
}

/** `points` points per series at seconds first, first + 1, ... (every series gets one per second, in step). */
function batchOf(first: number, points: number, series = SERIES): WriteBatch {
  const batch = new WriteBatch();
  for (let t = first; t < first + points; t++) {
    for (let s = 0; s < series; s++) {
      batch.addPoint(formatSeriesKey("m", [["s", String(s)]]), "m", 1_700_000_000 + t, 0);
      batch.addNumber("v", FieldType.Float, t);
    }
  }
  return batch;
}

async function pointCount(engine: StorageEngine): Promise<number> {
  return (await engine.stats())[0]!.points;
}

describe("head memory budget", () => {
  it("flushes while writing and acknowledges writes only once the heads are under the budget", async () => {
    const engine = await openEngine();
    try {
      const memory = engine.options.headMemory;
      let writes = 0;
      for (let t = 0; t < 4000; t += 20) {
        await engine.write("db", batchOf(t, 20));
        writes++;
        assert.ok(memory.usedBytes() < BUDGET, `after write ${writes}: ${memory.usedBytes()} bytes in heads`);
      }
      const stats = (await engine.stats())[0]!;
      assert.ok(stats.segments >= 2, `expected several flushes, got ${stats.segments} segments`);
      assert.equal(stats.points, 4000 * SERIES);
    } finally {
      await engine.close();
    }
  });

  it("makes concurrent writers wait for flushes instead of growing the heads, and loses nothing", async () => {
    const engine = await openEngine();
    try {
      const memory = engine.options.headMemory;
      const writes: Array<Promise<unknown>> = [];
      for (let t = 0; t < 4000; t += 100) writes.push(engine.write("db", batchOf(t, 100)));
      await Promise.all(writes);
      assert.ok(memory.usedBytes() < BUDGET, `${memory.usedBytes()} bytes in heads after the writes`);
      assert.equal(await pointCount(engine), 4000 * SERIES);
    } finally {
      await engine.close();
    }
  });

  it("shares one budget between databases: a write to one flushes the other's full head", async () => {
    const engine = await openEngine();
    try {
      const memory = engine.options.headMemory;
      // A small head in database a (far below its flush threshold), grown past the budget by hand: as if many
      // databases each held a head under the threshold. A writer to another database must relieve it.
      await engine.write("a", batchOf(0, 10, 1));
      const a = await engine.database("a", false);
      assert.ok(a.headBytes() < memory.flushThresholdBytes);
      a.active.extraBytes += BUDGET;
      assert.equal(memory.isFull(), true);
      await engine.write("b", batchOf(0, 10, 1));
      assert.equal(a.active.isEmpty(), true, "database a's head was flushed by the write to b");
      assert.ok(memory.usedBytes() < BUDGET, `${memory.usedBytes()} bytes in heads`);
      assert.equal((await engine.stats()).find((s) => s.name === "a")!.segments, 1);
    } finally {
      await engine.close();
    }
  });
});
