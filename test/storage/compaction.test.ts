// Compaction: merged partitions answer exactly as before, deletes and overwrites stop taking space, a crash after the
// output is in place but before the inputs are gone reads nothing twice, and random histories match a model.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Strata } from "../../src/index.ts";
import type { EngineOptions } from "../../src/index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-compact-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const HOUR_NS = 3_600_000_000_000n;
/** Background compaction off: the tests decide when to merge. */
const MANUAL: EngineOptions = { sync: "never", compaction: false, partitionDurationNs: Number(HOUR_NS) };

function segmentFiles(dir: string, db: string): string[] {
  return fs
    .readdirSync(path.join(dir, "data", db, "segments"))
    .filter((n) => n.endsWith(".seg"))
    .sort();
}

function segmentBytes(dir: string, db: string): number {
  let total = 0;
  for (const name of segmentFiles(dir, db)) total += fs.statSync(path.join(dir, "data", db, "segments", name)).size;
  return total;
}

/** Every point of measurement m, as "series time=value" lines, sorted. */
async function dump(db: Strata, name: string): Promise<string[]> {
  const result = await db.query(name, { measurement: "m", fields: ["v", "s"], groupBy: { tags: ["host"] } });
  const lines: string[] = [];
  for (const series of result.series) {
    for (let r = 0; r < series.times.length; r++) {
      const values = series.values.map((column) => String(column[r]));
      lines.push(`${series.tags.host} ${series.times[r]}=${values.join(",")}`);
    }
  }
  return lines.sort();
}

describe("compaction", () => {
  it("merges each partition's segments into one and answers exactly as before", async () => {
    const dir = tempDir();
    const db = await Strata.open(dir, MANUAL);
    try {
      // Five flushes over two partitions, each overwriting part of the last and adding a string field.
      for (let round = 0; round < 5; round++) {
        const lines: string[] = [];
        for (let host = 0; host < 4; host++) {
          for (let i = 0; i < 50; i++) {
            const t = BigInt(round * 40 + i) * 60_000_000_000n;
            lines.push(`m,host=h${host} v=${round * 1000 + i}i,s="r${round}" ${t}`);
          }
        }
        await db.write("d", lines.join("\n"));
        await db.engine.flush();
      }
      const before = await dump(db, "d");
      assert.ok(segmentFiles(dir, "d").length >= 5);
      await db.engine.compact("d");
      assert.deepEqual(await dump(db, "d"), before);
      const files = segmentFiles(dir, "d");
      assert.equal(files.length, 4, files.join(" ")); // partitions 0..3 of the 4 h written
      // A partition that had a single segment, with nothing deleted in it, is left as it was.
      assert.equal(files.filter((f) => /^\d{12}-\d{12}\.seg$/.test(f)).length, 3, files.join(" "));
      const [stats] = await db.engine.stats();
      assert.equal(stats!.compaction.merges, 3);
      assert.equal(stats!.compaction.backlog, 0);
      assert.ok(stats!.compaction.outputPoints < stats!.compaction.inputPoints); // overwrites dropped
    } finally {
      await db.close();
    }
    // And after reopening.
    const again = await Strata.open(dir, MANUAL);
    try {
      assert.equal((await dump(again, "d")).length, 4 * 210);
      assert.deepEqual(await again.engine.damage(), []);
    } finally {
      await again.close();
    }
  });

  it("frees the space of deleted series: disk drops by at least 45% when half are deleted", async () => {
    const dir = tempDir();
    const db = await Strata.open(dir, MANUAL);
    try {
      const lines: string[] = [];
      for (let host = 0; host < 100; host++) {
        for (let i = 0; i < 200; i++) lines.push(`m,host=h${host} v=${(host * 7919 + i * 104729) % 1000}i ${i * 10e9}`);
      }
      await db.write("d", lines.join("\n"));
      await db.engine.flush();
      await db.engine.compact("d");
      const full = segmentBytes(dir, "d");
      for (let host = 0; host < 100; host += 2) {
        await db.engine.delete("d", { measurement: "m", where: [{ key: "host", op: "=", value: `h${host}` }] });
      }
      assert.equal(segmentBytes(dir, "d"), full); // a tombstone alone frees nothing
      await db.engine.compact("d");
      const half = segmentBytes(dir, "d");
      assert.ok(half <= full * 0.55, `${half} of ${full} bytes`);
      assert.equal((await dump(db, "d")).length, 50 * 200);
    } finally {
      await db.close();
    }
  });

  it("keeps writes and deletes made while a merge runs (worker thread)", async () => {
    const dir = tempDir();
    const db = await Strata.open(dir, { ...MANUAL, compactionWorker: true });
    try {
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i++) lines.push(`m,host=h${i % 20} v=${i}i ${BigInt(i) * 1_000_000_000n}`);
      for (let k = 0; k < 4; k++) {
        await db.write("d", lines.slice(k * 5000, (k + 1) * 5000).join("\n"));
        await db.engine.flush();
      }
      const merging = db.engine.compact("d");
      // During the merge: overwrite a point, delete one series, add a point; flush so a new segment races the merge.
      await db.write("d", `m,host=h1 v=-1i 1000000000\nm,host=h99 v=7i 5000000000`);
      await db.engine.delete("d", { measurement: "m", where: [{ key: "host", op: "=", value: "h2" }] });
      await db.engine.flush();
      await merging;
      const points = await dump(db, "d");
      assert.ok(points.includes("h1 1000000000=-1,null"), "overwrite during the merge kept");
      assert.ok(points.includes("h99 5000000000=7,null"), "write during the merge kept");
      assert.ok(!points.some((p) => p.startsWith("h2 ")), "delete during the merge applied");
      assert.equal(points.length, 20_000 - 1000 + 1);
      await db.engine.compact("d");
      assert.deepEqual(await dump(db, "d"), points);
    } finally {
      await db.close();
    }
  });

  it("after a crash between the output's rename and the inputs' removal, reads every point once", async () => {
    const dir = tempDir();
    let db = await Strata.open(dir, MANUAL);
    const segDir = path.join(dir, "data", "d", "segments");
    const saved = new Map<string, Buffer>();
    try {
      for (let round = 0; round < 3; round++) {
        await db.write("d", `m,host=a v=${round}i ${round * 1e9}\nm,host=a v=${round + 10}i ${(round + 1) * 1e9}`);
        await db.engine.flush();
      }
      for (const name of segmentFiles(dir, "d")) saved.set(name, fs.readFileSync(path.join(segDir, name)));
      await db.engine.compact("d");
    } finally {
      await db.close();
    }
    // Put the inputs back, as if the process died right after renaming the output into place.
    for (const [name, bytes] of saved) fs.writeFileSync(path.join(segDir, name), bytes);
    assert.equal(segmentFiles(dir, "d").length, 4);
    db = await Strata.open(dir, MANUAL);
    try {
      assert.deepEqual(await dump(db, "d"), [
        "a 0=0,null",
        "a 1000000000=1,null",
        "a 2000000000=2,null",
        "a 3000000000=12,null",
      ]);
      assert.equal(segmentFiles(dir, "d").length, 1);
    } finally {
      await db.close();
    }
  });

  it("compacts in the background once a partition has several segments of one size", async () => {
    const dir = tempDir();
    const db = await Strata.open(dir, { sync: "never", compactionFanIn: 3, compactionWorker: false });
    try {
      for (let round = 0; round < 3; round++) {
        await db.write("d", `m,host=a v=${round}i ${Date.now() * 1e6 + round}`);
        await db.engine.flush();
      }
      for (let i = 0; i < 100 && segmentFiles(dir, "d").length > 1; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(segmentFiles(dir, "d").length, 1);
      assert.equal((await dump(db, "d")).length, 3);
    } finally {
      await db.close();
    }
  });

  it("matches a model over random writes, overwrites, deletes, flushes and merges", async () => {
    type Op =
      | { kind: "write"; host: number; t: number; v: number }
      | { kind: "delete"; host: number; from: number; to: number }
      | { kind: "flush" }
      | { kind: "compact" };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ kind: fc.constant("write" as const), host: fc.nat(3), t: fc.nat(40), v: fc.integer() }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("delete" as const),
          host: fc.nat(3),
          from: fc.nat(40),
          to: fc.nat(40),
        }),
      },
      { weight: 2, arbitrary: fc.constant({ kind: "flush" as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: "compact" as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const dir = tempDir();
        // 10 s partitions over 40 s of times: several partitions, with several segments each.
        const db = await Strata.open(dir, { ...MANUAL, partitionDurationNs: 10e9, compactionWorker: false });
        const model = new Map<string, number>();
        try {
          for (const o of ops) {
            if (o.kind === "write") {
              await db.write("d", `m,host=h${o.host} v=${o.v}i ${o.t * 1e9}`);
              model.set(`h${o.host} ${BigInt(o.t) * 1_000_000_000n}`, o.v);
            } else if (o.kind === "delete" && db.engine.databases().includes("d")) {
              const [from, to] = o.from <= o.to ? [o.from, o.to] : [o.to, o.from];
              await db.engine.delete(
                "d",
                { measurement: "m", where: [{ key: "host", op: "=", value: `h${o.host}` }] },
                { start: BigInt(from) * 1_000_000_000n, end: BigInt(to) * 1_000_000_000n },
              );
              for (let t = from; t <= to; t++) model.delete(`h${o.host} ${BigInt(t) * 1_000_000_000n}`);
            } else if (o.kind === "delete") {
              // Nothing written yet: nothing to delete (and no database to delete from).
            } else if (o.kind === "flush") {
              await db.engine.flush();
            } else if (db.engine.databases().includes("d")) {
              await db.engine.compact("d");
            }
          }
          const expected = [...model].map(([k, v]) => `${k}=${v},null`).sort();
          const got = db.engine.databases().includes("d") ? await dump(db, "d") : [];
          assert.deepEqual(got, expected);
        } finally {
          await db.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});
