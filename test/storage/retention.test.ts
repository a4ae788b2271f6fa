// Retention: the policy persists, points older than it are rejected at write, and partitions that ended before
// now − retention are dropped whole (when the policy is set, and later as time passes).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Strata } from "../../src/index.ts";
import type { PartialWriteError } from "../../src/index.ts";
import type { Clock } from "../../src/base/index.ts";
import { DEFAULT_RETENTION, defaultShardDurationNs } from "../../src/storage/index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-retention-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const HOUR_NS = 3_600_000_000_000;
const HOUR = 3_600_000_000_000n;

/** A wall clock the test moves; monotonic time follows it. */
class FakeClock implements Clock {
  ns: bigint;
  constructor(ns: bigint) {
    this.ns = ns;
  }
  now(out: Float64Array | number[]): void {
    out[0] = Number(this.ns / 1_000_000_000n);
    out[1] = Number(this.ns % 1_000_000_000n);
  }
  monotonicMs(): number {
    return Number(this.ns / 1_000_000n);
  }
}

const NOW = 1_700_000_000n * 1_000_000_000n; // 2023-11-14T22:13:20Z

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, "data", "d", "segments")).filter((n) => n.endsWith(".seg"));
}

async function times(db: Strata): Promise<bigint[]> {
  const result = await db.query("d", { measurement: "m", fields: ["v"] });
  return result.series[0]?.times ?? [];
}

describe("retention", () => {
  it("keeps everything by default and persists a set policy across reopen", async () => {
    const dir = tempDir();
    let db = await Strata.open(dir, { sync: "never" });
    try {
      await db.createDatabase("d");
      assert.deepEqual(await db.engine.retentionPolicy("d"), {
        name: "autogen",
        durationNs: 0,
        shardDurationNs: 168 * HOUR_NS,
      });
      await db.engine.setRetentionPolicy("d", {
        name: "month",
        durationNs: 720 * HOUR_NS,
        shardDurationNs: 24 * HOUR_NS,
      });
      // A year (beyond 2^53 ns) is a valid duration.
      await db.engine.setRetentionPolicy("d", {
        name: "year",
        durationNs: 365 * 24 * HOUR_NS,
        shardDurationNs: HOUR_NS,
      });
      await db.engine.setRetentionPolicy("d", {
        name: "month",
        durationNs: 720 * HOUR_NS,
        shardDurationNs: 24 * HOUR_NS,
      });
      await assert.rejects(db.engine.setRetentionPolicy("d", { name: "x", durationNs: -1, shardDurationNs: 0 }), {
        code: "STORAGE_BAD_RETENTION",
      });
      await assert.rejects(db.engine.retentionPolicy("nope"), { code: "STORAGE_DB_NOT_FOUND" });
    } finally {
      await db.close();
    }
    db = await Strata.open(dir, { sync: "never" });
    try {
      assert.deepEqual(await db.engine.retentionPolicy("d"), {
        name: "month",
        durationNs: 720 * HOUR_NS,
        shardDurationNs: 24 * HOUR_NS,
      });
    } finally {
      await db.close();
    }
  });

  it("derives InfluxDB's shard group duration from a retention duration", () => {
    const DAY = 24 * HOUR_NS;
    assert.deepEqual([0, HOUR_NS, 2 * DAY - 1, 2 * DAY, 180 * DAY, 181 * DAY].map(defaultShardDurationNs), [
      7 * DAY,
      HOUR_NS,
      HOUR_NS,
      DAY,
      DAY,
      7 * DAY,
    ]);
    assert.equal(DEFAULT_RETENTION.shardDurationNs, defaultShardDurationNs(DEFAULT_RETENTION.durationNs));
  });

  it("gives databases created from now on the engine's default retention", async () => {
    const db = await Strata.open(tempDir(), { sync: "never", defaultRetentionNs: 720 * HOUR_NS });
    try {
      await db.createDatabase("d");
      assert.deepEqual(await db.engine.retentionPolicy("d"), {
        name: "autogen",
        durationNs: 720 * HOUR_NS,
        shardDurationNs: 24 * HOUR_NS,
      });
    } finally {
      await db.close();
    }
  });

  it("rejects points older than the retention, storing the rest of the batch", async () => {
    const clock = new FakeClock(NOW);
    const db = await Strata.open(tempDir(), { sync: "never", clock });
    try {
      await db.createDatabase("d");
      await db.engine.setRetentionPolicy("d", { name: "r", durationNs: 2 * HOUR_NS, shardDurationNs: HOUR_NS });
      const lines = `m v=1 ${NOW - 3n * HOUR}\nm v=2 ${NOW - HOUR}\nm v=3 ${NOW - 2n * HOUR}`;
      await assert.rejects(db.write("d", lines), (error: PartialWriteError) => {
        assert.equal(error.accepted, 2);
        assert.deepEqual(
          error.rejections.map((r) => [r.line, r.code]),
          [[1, "STORAGE_BEYOND_RETENTION"]],
        );
        return true;
      });
      assert.deepEqual(await times(db), [NOW - 2n * HOUR, NOW - HOUR]);
    } finally {
      await db.close();
    }
  });

  it("drops whole partitions that ended before now − retention, when set and as time passes", async () => {
    const dir = tempDir();
    const clock = new FakeClock(NOW);
    // 1 h partitions; a 100 ms timer tick (flushAgeMs / 4) checks retention.
    const db = await Strata.open(dir, { sync: "never", clock, partitionDurationNs: HOUR_NS, flushAgeMs: 400 });
    try {
      const lines = [10n, 5n, 2n, 0n].map((h) => `m v=${h} ${NOW - h * HOUR - 1n}`);
      await db.write("d", lines.join("\n"));
      await db.engine.flush();
      assert.equal(segmentFiles(dir).length, 4);
      // 3 h: the partitions ending 10 h and 5 h ago go; the one holding now − 2 h − 1 ns ends 1 h 59 m ago and stays.
      await db.engine.setRetentionPolicy("d", { name: "r", durationNs: 3 * HOUR_NS, shardDurationNs: HOUR_NS });
      assert.equal(segmentFiles(dir).length, 2);
      assert.deepEqual(await times(db), [NOW - 2n * HOUR - 1n, NOW - 1n]);
      // Two hours later the policy expires the next partition on its own.
      clock.ns += 2n * HOUR;
      for (let i = 0; i < 100 && segmentFiles(dir).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(segmentFiles(dir).length, 1);
      assert.deepEqual(await times(db), [NOW - 1n]);
    } finally {
      await db.close();
    }
  });
});
