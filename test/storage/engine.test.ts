// End-to-end behaviour of the embedded engine: writes, queries, overwrites, deletes, flush and reopen.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Strata, PartialWriteError } from "../../src/index.ts";
import type { NativeQuery } from "../../src/index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-engine-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withDb<T>(fn: (db: Strata, dir: string) => Promise<T>, options = {}): Promise<T> {
  const dir = tempDir();
  const db = await Strata.open(dir, { sync: "never", ...options });
  try {
    return await fn(db, dir);
  } finally {
    await db.close();
  }
}

function rows(result: Awaited<ReturnType<Strata["query"]>>, series = 0): Array<[string, ...unknown[]]> {
  const s = result.series[series];
  if (s === undefined) return [];
  return s.times.map((t, r) => [t.toString(), ...s.values.map((c) => c[r])]);
}

describe("engine writes and reads", () => {
  it("reads back line protocol with every field type", async () => {
    await withDb(async (db) => {
      await db.write(
        "db",
        'm,host=a f=1.5,i=-3i,u=7u,b=true,s="hi" 1000\nm,host=a f=2.5,i=4i,u=8u,b=false,s="yo" 2000',
      );
      const result = await db.query("db", { measurement: "m", fields: ["f", "i", "u", "b", "s"] });
      assert.deepEqual(rows(result), [
        ["1000", 1.5, -3, 7, true, "hi"],
        ["2000", 2.5, 4, 8, false, "yo"],
      ]);
    });
  });

  it("keeps nanosecond timestamps exact before 1970 and near the int64 limits", async () => {
    await withDb(async (db) => {
      const times = ["-9223372036854775808", "-1", "0", "1", "1700000000123456789", "9223372036854775807"];
      await db.write("db", times.map((t, i) => `m v=${i} ${t}`).join("\n"));
      const check = async () => {
        const result = await db.query("db", { measurement: "m" });
        assert.deepEqual(
          rows(result).map((r) => r[0]),
          times,
        );
      };
      await check();
      await db.flush();
      await check();
    });
  });

  it("accepts out-of-order writes and lets the last write win, in the head and across flushes", async () => {
    await withDb(async (db) => {
      await db.write("db", "m v=3 3000\nm v=1 1000\nm v=2 2000\nm v=10 1000");
      assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [
        ["1000", 10],
        ["2000", 2],
        ["3000", 3],
      ]);
      await db.flush();
      await db.write("db", "m v=20 2000");
      assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [
        ["1000", 10],
        ["2000", 20],
        ["3000", 3],
      ]);
      await db.flush();
      await db.write("db", "m v=30 3000");
      await db.flush();
      assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [
        ["1000", 10],
        ["2000", 20],
        ["3000", 30],
      ]);
    });
  });

  it("keeps integers beyond 2^53 exact", async () => {
    await withDb(async (db) => {
      await db.write("db", "m i=9223372036854775807i,u=18446744073709551615u 1\nm i=-9223372036854775808i,u=0u 2");
      const check = async () => {
        assert.deepEqual(rows(await db.query("db", { measurement: "m", fields: ["i", "u"] })), [
          ["1", 9223372036854775807n, 18446744073709551615n],
          ["2", -9223372036854775808n, 0],
        ]);
      };
      await check();
      await db.flush();
      await check();
    });
  });

  it("applies the valid lines of a batch and reports the bad ones with line numbers", async () => {
    await withDb(async (db) => {
      await assert.rejects(db.write("db", 'm v=1 1\nm v= 2\nm v=3 3\nm v="str" 4'), (error: unknown) => {
        assert.ok(error instanceof PartialWriteError);
        assert.equal(error.accepted, 2);
        assert.deepEqual(
          error.rejections.map((r) => [r.line, r.code]),
          [
            [2, "INGEST_BAD_LINE"],
            [4, "STORAGE_FIELD_TYPE_CONFLICT"],
          ],
        );
        return true;
      });
      assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [
        ["1", 1],
        ["3", 3],
      ]);
    });
  });

  it("rejects new series beyond the cardinality limit with a limit error", async () => {
    await withDb(
      async (db) => {
        await assert.rejects(db.write("db", "m,h=a v=1 1\nm,h=b v=1 1\nm,h=c v=1 1\nm,h=a v=2 2"), (error: unknown) => {
          assert.ok(error instanceof PartialWriteError);
          assert.equal(error.accepted, 3);
          assert.deepEqual(
            error.rejections.map((r) => r.code),
            ["STORAGE_SERIES_LIMIT"],
          );
          return true;
        });
      },
      { maxSeries: 2 },
    );
  });

  it("survives close and reopen with head and segment data", async () => {
    const dir = tempDir();
    let db = await Strata.open(dir, { sync: "always" });
    await db.write("db", "m,host=a v=1 1000\nm,host=b v=2 2000");
    await db.flush();
    await db.write("db", "m,host=a v=3 3000");
    await db.close();
    db = await Strata.open(dir);
    assert.deepEqual(rows(await db.query("db", { measurement: "m", where: [{ key: "host", op: "=", value: "a" }] })), [
      ["1000", 1],
      ["3000", 3],
    ]);
    assert.deepEqual(db.databases(), ["db"]);
    await db.close();
  });
});

describe("engine deletes", () => {
  it("deletes by selector and time range in head and segments, and later writes stay visible", async () => {
    await withDb(async (db) => {
      await db.write("db", "m,h=a v=1 1000\nm,h=a v=2 2000\nm,h=b v=3 2000");
      await db.flush();
      await db.write("db", "m,h=a v=4 3000");
      const deleted = await db.delete(
        "db",
        { measurement: "m", where: [{ key: "h", op: "=", value: "a" }] },
        { start: 1500n, end: 3000n },
      );
      assert.equal(deleted, 1);
      assert.deepEqual(rows(await db.query("db", { measurement: "m", groupBy: { tags: ["h"] } })), [["1000", 1]]);
      await db.write("db", "m,h=a v=5 2000");
      const result = await db.query("db", { measurement: "m", groupBy: { tags: ["h"] } });
      assert.deepEqual(rows(result, 0), [
        ["1000", 1],
        ["2000", 5],
      ]);
      assert.deepEqual(rows(result, 1), [["2000", 3]]);
      await db.flush();
      assert.deepEqual(rows(await db.query("db", { measurement: "m", groupBy: { tags: ["h"] } }), 0), [
        ["1000", 1],
        ["2000", 5],
      ]);
    });
  });

  it("keeps deletes after reopen", async () => {
    const dir = tempDir();
    let db = await Strata.open(dir);
    await db.write("db", "m v=1 1000\nm v=2 2000");
    await db.flush();
    await db.delete("db", { measurement: "m" }, { start: 2000n, end: 2000n });
    await db.write("db", "m v=3 3000");
    await db.close();
    db = await Strata.open(dir);
    assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [
      ["1000", 1],
      ["3000", 3],
    ]);
    await db.close();
  });
});

describe("engine aggregates", () => {
  const minute = 60_000_000_000n;
  async function load(db: Strata): Promise<void> {
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) {
      lines.push(`cpu,host=a usage=${i}i,load=${i / 2} ${BigInt(i) * 10_000_000_000n}`);
      lines.push(`cpu,host=b usage=${200 - i}i,load=${i} ${BigInt(i) * 10_000_000_000n}`);
    }
    await db.write("db", lines.join("\n"));
  }
  const base: NativeQuery = { measurement: "cpu", start: 0n, end: 25n * minute, groupBy: { time: "1m" } };

  for (const flushed of [false, true]) {
    it(`computes per-bucket aggregates with InfluxDB semantics (${flushed ? "segments" : "head"})`, async () => {
      await withDb(async (db) => {
        await load(db);
        if (flushed) await db.flush();
        const q = (extra: Partial<NativeQuery>) => db.query("db", { ...base, ...extra });
        const maxA = await q({
          fields: [{ field: "usage", fn: "max" }],
          where: [{ key: "host", op: "=", value: "a" }],
        });
        assert.deepEqual(rows(maxA).slice(0, 3), [
          ["0", 5],
          [String(minute), 11],
          [String(2n * minute), 17],
        ]);
        // The range holds 25 one-minute buckets; data fills the first 20, the rest are empty.
        assert.equal(rows(maxA).length, 25);
        assert.equal(rows(maxA)[24]![1], null);
        const count = await q({ fields: [{ field: "usage", fn: "count" }] });
        assert.equal(rows(count)[0]![1], 12);
        assert.equal(rows(count)[24]![1], 0);
        const mean = await q({ fields: [{ field: "usage", fn: "mean" }], groupBy: { time: "1m", tags: ["host"] } });
        assert.equal(mean.series.length, 2);
        assert.deepEqual(
          mean.series.map((s) => s.tags),
          [{ host: "a" }, { host: "b" }],
        );
        assert.equal(rows(mean, 0)[0]![1], 2.5);
        const sum = await q({ fields: [{ field: "usage", fn: "sum" }], fill: "none" });
        assert.equal(rows(sum).length, 20);
        assert.equal(rows(sum)[0]![1], 0 + 1 + 2 + 3 + 4 + 5 + 200 + 199 + 198 + 197 + 196 + 195);
        const offset = await q({
          fields: [{ field: "usage", fn: "count" }],
          groupBy: { time: "1m", offset: "30s" },
          fill: "none",
        });
        assert.equal(rows(offset)[0]![0], String(-30_000_000_000n));
        assert.equal(rows(offset)[0]![1], 6);
      });
    });
  }

  it("answers a whole-range selector with the point's time and desc order with limit", async () => {
    await withDb(async (db) => {
      await load(db);
      await db.flush();
      const max = await db.query("db", { measurement: "cpu", fields: [{ field: "usage", fn: "max" }] });
      assert.deepEqual(rows(max), [["0", 200]]);
      const last = await db.query("db", {
        measurement: "cpu",
        fields: [{ field: "load", fn: "last" }],
        where: [{ key: "host", op: "=", value: "a" }],
      });
      assert.deepEqual(rows(last), [[String(119n * 10_000_000_000n), 59.5]]);
      const desc = await db.query("db", {
        measurement: "cpu",
        fields: ["usage"],
        where: [{ key: "host", op: "=", value: "a" }],
        order: "desc",
        limit: 2,
      });
      assert.deepEqual(rows(desc), [
        [String(119n * 10_000_000_000n), 119],
        [String(118n * 10_000_000_000n), 118],
      ]);
      const above = await db.query("db", {
        measurement: "cpu",
        fields: ["usage"],
        fieldWhere: [{ field: "usage", op: ">", value: 197 }],
      });
      assert.deepEqual(
        rows(above).map((r) => r[1]),
        [200, 199, 198],
      );
    });
  });

  it("lists measurements, tags, fields and series", async () => {
    await withDb(async (db) => {
      await load(db);
      await db.write("db", "mem,host=a,region=eu free=1i 1");
      assert.deepEqual(await db.measurements("db"), ["cpu", "mem"]);
      assert.deepEqual(await db.tagKeys("db", "mem"), ["host", "region"]);
      assert.deepEqual(await db.tagValues("db", "cpu", "host"), ["a", "b"]);
      assert.deepEqual(await db.fieldKeys("db", "cpu"), [
        { name: "load", type: "float" },
        { name: "usage", type: "integer" },
      ]);
      assert.deepEqual(
        (await db.series("db", { measurement: "cpu", where: [{ key: "host", op: "=~", value: "^b" }] })).map(
          (s) => s.key,
        ),
        ["cpu,host=b"],
      );
    });
  });
});

describe("engine limits and bad input", () => {
  it("rejects an oversized batch with a limit error and stores nothing of it", async () => {
    await withDb(
      async (db) => {
        await assert.rejects(db.write("db", "m v=1 1\nm v=2 2\nm v=3 3"), {
          code: "STORAGE_BATCH_TOO_LARGE",
          category: "limit",
        });
        await db.write("db", "m v=1 1");
        assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [["1", 1]]);
      },
      { maxBatchPoints: 2 },
    );
  });

  it("refuses writes and queries to unknown databases when auto-create is off", async () => {
    await withDb(
      async (db) => {
        await assert.rejects(db.write("nope", "m v=1 1"), { code: "STORAGE_DB_NOT_FOUND", category: "not_found" });
        await assert.rejects(db.query("nope", { measurement: "m" }), { category: "not_found" });
        await db.createDatabase("yes");
        await db.write("yes", "m v=1 1");
        assert.deepEqual(db.databases(), ["yes"]);
      },
      { autoCreateDatabases: false },
    );
  });

  it("rejects invalid database names, typed points out of range and too many buckets", async () => {
    await withDb(async (db) => {
      await assert.rejects(db.write("a/b", "m v=1 1"), { code: "STORAGE_BAD_DB_NAME", category: "invalid" });
      await assert.rejects(db.write("db", [{ measurement: "m", fields: { v: 1 }, time: 2n ** 63n }]), {
        category: "invalid",
      });
      await db.write("db", "m v=1 1");
      await assert.rejects(
        db.query("db", { measurement: "m", aggregate: "count", start: 0n, end: 10n ** 18n, groupBy: { time: "1s" } }),
        {
          code: "STORAGE_TOO_MANY_BUCKETS",
          category: "limit",
        },
      );
    });
  });

  it("enforces the per-query series cap", async () => {
    await withDb(
      async (db) => {
        await db.write("db", "m,h=a v=1 1\nm,h=b v=1 1\nm,h=c v=1 1");
        await assert.rejects(db.query("db", { measurement: "m" }), { code: "STORAGE_QUERY_SERIES", category: "limit" });
        assert.equal(
          (await db.query("db", { measurement: "m", where: [{ key: "h", op: "=", value: "a" }] })).series.length,
          1,
        );
      },
      { maxQuerySeries: 2 },
    );
  });

  it("stops a query that runs past its time limit with a limit error", async () => {
    let ms = 0;
    const clock = {
      now: (out: Float64Array | number[]) => {
        out[0] = 1_700_000_000;
        out[1] = 0;
      },
      monotonicMs: () => (ms += 1000), // every look at the clock is a second later
    };
    await withDb(
      async (db) => {
        await db.write("db", "m,h=a v=1 1\nm,h=b v=1 1\nm,h=c v=1 1");
        await assert.rejects(db.query("db", { measurement: "m", groupBy: { tags: ["h"] } }), {
          code: "STORAGE_QUERY_TIMEOUT",
          category: "limit",
        });
      },
      { clock, queryTimeoutMs: 1500 },
    );
  });

  it("refuses to open a directory another live process holds", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "LOCK"), `${process.ppid}\n`);
    await assert.rejects(Strata.open(dir), { code: "STORAGE_DIR_LOCKED", category: "unavailable" });
  });
});

describe("engine durability ordering", () => {
  it("does not acknowledge a write that creates a series before the index commit is durable", async () => {
    await withDb(async (db) => {
      await db.write("db", "m,s=a v=1 1");
      const database = await db.engine.database("db", false);
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const original = database.index.flushed.bind(database.index);
      database.index.flushed = async () => {
        await gate;
        return original();
      };
      let acknowledged = false;
      try {
        const write = db.write("db", "m,s=new v=2 2").then(() => (acknowledged = true));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(acknowledged, false, "acknowledged before the new series was durable");
        release();
        await write;
        assert.equal(acknowledged, true);
      } finally {
        release();
        database.index.flushed = original;
      }
    });
  });
});

describe("engine flush triggers", () => {
  it("flushes the head to a segment once its oldest write is older than flushAgeMs, and truncates the WAL", async () => {
    await withDb(
      async (db) => {
        await db.write("db", "m v=1 1");
        const deadline = Date.now() + 5000;
        let stats = await db.stats();
        while (stats[0]!.segments === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          stats = await db.stats();
        }
        assert.equal(stats[0]!.segments, 1);
        assert.equal(stats[0]!.headBytes, 0);
        assert.ok(stats[0]!.walBytes < 100, `wal truncated, ${stats[0]!.walBytes} bytes left`);
        assert.deepEqual(rows(await db.query("db", { measurement: "m" })), [["1", 1]]);
      },
      { flushAgeMs: 100 },
    );
  });

  it("flushes when the head exceeds its memory budget", async () => {
    await withDb(
      async (db) => {
        for (let batch = 0; batch < 20; batch++) {
          const lines = Array.from({ length: 500 }, (_, i) => `m,s=${i % 50} v=${i} ${batch * 1000 + i}`);
          await db.write("db", lines.join("\n"));
        }
        await db.write("db", "m,s=0 v=0 999999"); // waits for any running flush (backpressure)
        const stats = await db.stats();
        assert.ok(stats[0]!.segments >= 2, `expected several flushes, got ${stats[0]!.segments} segments`);
        assert.equal(stats[0]!.points, 10_001);
      },
      // Background compaction off: it would merge the flushes this test counts.
      { headBudgetBytes: 64 * 1024, compaction: false },
    );
  });
});
