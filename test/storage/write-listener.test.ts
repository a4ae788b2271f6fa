// StorageEngine.onWrite: listeners see acknowledged writes, never rejected points, and cannot fail a write.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FieldType, StorageEngine, WriteBatch } from "../../src/storage/index.ts";
import type { WriteResult } from "../../src/storage/index.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withEngine(fn: (engine: StorageEngine) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  dirs.push(dir);
  const engine = await StorageEngine.open(dir, { sync: "never" });
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

function floatBatch(measurement: string, values: number[]): WriteBatch {
  const batch = new WriteBatch();
  for (let i = 0; i < values.length; i++) {
    batch.addPoint(`${measurement},host=a`, measurement, i, 0);
    batch.addNumber("v", FieldType.Float, values[i]!);
  }
  return batch;
}

describe("StorageEngine.onWrite", () => {
  it("calls the listener with the batch and result before write resolves", async () => {
    await withEngine(async (engine) => {
      const seen: Array<{ db: string; points: number; accepted: number }> = [];
      engine.onWrite((db, batch, result) => seen.push({ db, points: batch.pointCount, accepted: result.accepted }));
      const batch = floatBatch("m", [1, 2, 3]);
      const pending = engine.write("db1", batch);
      assert.equal(seen.length, 0, "not before the write is acknowledged");
      await pending;
      assert.deepEqual(seen, [{ db: "db1", points: 3, accepted: 3 }]);
    });
  });

  it("reports rejected points by index so listeners can skip them", async () => {
    await withEngine(async (engine) => {
      let last: WriteResult | null = null;
      engine.onWrite((_db, _batch, result) => {
        last = result;
      });
      await engine.write("db", floatBatch("m", [1]));
      const batch = new WriteBatch();
      batch.addPoint("m,host=a", "m", 10, 0);
      batch.addNumber("v", FieldType.Float, 1);
      batch.addPoint("m,host=a", "m", 11, 0);
      batch.addNumber("v", FieldType.String, 0); // type conflict: v is a float
      batch.addPoint("m,host=a", "m", 12, 0);
      batch.addNumber("v", FieldType.Float, 3);
      await engine.write("db", batch);
      assert.ok(last !== null);
      const result = last as WriteResult;
      assert.equal(result.accepted, 2);
      assert.deepEqual(
        result.rejected.map((r) => r.point),
        [1],
      );
    });
  });

  it("does not call listeners for a write that stored nothing", async () => {
    await withEngine(async (engine) => {
      await engine.write("db", floatBatch("m", [1]));
      let calls = 0;
      engine.onWrite(() => calls++);
      const batch = new WriteBatch();
      batch.addPoint("m,host=a", "m", 1, 0);
      batch.addBigInt("v", FieldType.Int, 1n); // conflicts with float
      await engine.write("db", batch);
      assert.equal(calls, 0);
    });
  });

  it("keeps a write successful when a listener throws, counts the error and still calls the others", async () => {
    await withEngine(async (engine) => {
      let calls = 0;
      engine.onWrite(() => {
        throw new Error("listener bug");
      });
      engine.onWrite(() => calls++);
      const result = await engine.write("db", floatBatch("m", [1, 2]));
      assert.equal(result.accepted, 2);
      assert.equal(calls, 1);
      assert.equal(engine.writeListenerErrors(), 1);
    });
  });

  it("stops calling a listener after unsubscribe, and unsubscribing twice is harmless", async () => {
    await withEngine(async (engine) => {
      let a = 0;
      let b = 0;
      const offA = engine.onWrite(() => a++);
      engine.onWrite(() => b++);
      await engine.write("db", floatBatch("m", [1]));
      offA();
      offA();
      await engine.write("db", floatBatch("m", [2]));
      assert.deepEqual([a, b], [1, 2]);
    });
  });
});
