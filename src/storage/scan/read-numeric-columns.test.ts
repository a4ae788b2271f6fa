// readNumericColumns through StorageEngine: equality with the raw native query (ms-truncated, last write per ms)
// on random writes, overwrites, out-of-order points, deletes and flushes; type conversion, errors and caps.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { isTsdbError } from "../../base/index.ts";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../index.ts";
import type { NumericSeriesColumns, TagMatcher } from "../index.ts";

const NS_PER_MS = 1_000_000n;
const PARTITION_NS = 10_000_000_000; // 10 s partitions, so random times span several

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function openEngine(options: Record<string, unknown> = {}): Promise<StorageEngine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  dirs.push(dir);
  return StorageEngine.open(dir, { sync: "never", partitionDurationNs: PARTITION_NS, ...options });
}

/** Adds a point at exact ns time `ns` (may be negative). */
function addPoint(b: WriteBatch, host: string, ns: bigint, measurement = "m"): void {
  let sec = ns / 1_000_000_000n;
  if (sec * 1_000_000_000n > ns) sec -= 1n;
  b.addPoint(
    formatSeriesKey(measurement, [["host", host]]),
    measurement,
    Number(sec),
    Number(ns - sec * 1_000_000_000n),
  );
}

/** What readNumericColumns should return, derived from the raw native query of the same selection. */
async function expected(
  engine: StorageEngine,
  measurement: string,
  field: string,
  where: TagMatcher[],
  start: bigint,
  end: bigint,
): Promise<Array<{ key: string; times: number[]; values: number[] }>> {
  const result = await engine.query("db", {
    measurement,
    fields: [field],
    where,
    start,
    end,
    groupBy: { tags: "*" },
  });
  const out: Array<{ key: string; times: number[]; values: number[] }> = [];
  for (const s of result.series) {
    const times: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < s.times.length; i++) {
      const raw = s.values[0]![i];
      if (raw === null || raw === undefined) continue;
      const ns = s.times[i]!;
      let ms = ns / NS_PER_MS;
      if (ms * NS_PER_MS > ns) ms -= 1n;
      const v = typeof raw === "boolean" ? (raw ? 1 : 0) : Number(raw);
      if (times.length > 0 && times[times.length - 1] === Number(ms)) {
        times.pop();
        values.pop();
      }
      times.push(Number(ms));
      values.push(v);
    }
    const key = formatSeriesKey(
      measurement,
      Object.entries(s.tags).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    if (times.length > 0) out.push({ key, times, values });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function plain(series: NumericSeriesColumns[]): Array<{ key: string; times: number[]; values: number[] }> {
  return series.map((s) => ({ key: s.key, times: Array.from(s.timesMs), values: Array.from(s.values) }));
}

type Op =
  | { kind: "write"; points: Array<{ host: number; ms: number; sub: number; f: number; i: bigint; b: boolean }> }
  | { kind: "flush" }
  | { kind: "delete"; host: number; fromMs: number; toMs: number };

const SUB_MS = fc.constantFrom(0, 1, 500_000, 999_999);
const MS = fc.integer({ min: -25_000, max: 25_000 });
const OP: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("write" as const),
      points: fc.array(
        fc.record({
          host: fc.integer({ min: 0, max: 2 }),
          ms: MS,
          sub: SUB_MS,
          f: fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
          i: fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.constantFrom(2n ** 60n, -(2n ** 62n) - 1n)),
          b: fc.boolean(),
        }),
        { minLength: 1, maxLength: 40 },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "flush" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      host: fc.integer({ min: 0, max: 2 }),
      fromMs: MS,
      toMs: MS,
    }),
  },
);

describe("readNumericColumns", () => {
  let engine: StorageEngine;
  before(async () => {
    engine = await openEngine();
    await engine.createDatabase("db");
  });
  after(async () => {
    await engine.close();
  });

  it("equals the ms-truncated raw query on random writes, overwrites, deletes and flushes", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(OP, { minLength: 1, maxLength: 12 }), MS, MS, async (ops, a, b) => {
        // A fresh measurement per run: creating and dropping a database per run would dominate the time.
        const m = `m${run++}`;
        for (const op of ops) {
          if (op.kind === "flush") await engine.flush();
          else if (op.kind === "delete") {
            const from = BigInt(Math.min(op.fromMs, op.toMs)) * NS_PER_MS;
            const to = BigInt(Math.max(op.fromMs, op.toMs)) * NS_PER_MS;
            const where: TagMatcher[] = [{ key: "host", op: "=", value: `h${op.host}` }];
            await engine.delete("db", { measurement: m, where }, { start: from, end: to });
          } else {
            const batch = new WriteBatch();
            for (const p of op.points) {
              addPoint(batch, `h${p.host}`, BigInt(p.ms) * NS_PER_MS + BigInt(p.sub), m);
              batch.addNumber("f", FieldType.Float, p.f);
              batch.addBigInt("i", FieldType.Int, p.i);
              batch.addNumber("b", FieldType.Bool, p.b ? 1 : 0);
            }
            await engine.write("db", batch);
          }
        }
        const start = BigInt(Math.min(a, b)) * NS_PER_MS;
        const end = BigInt(Math.max(a, b) + 1) * NS_PER_MS;
        for (const where of [[], [{ key: "host", op: "=~", value: "h[01]" }]] as TagMatcher[][]) {
          for (const field of ["f", "i", "b"]) {
            const want = await expected(engine, m, field, where, start, end);
            const query = { measurement: m, field, where, anchored: true, start, end };
            const got = await engine.readNumericColumns("db", query);
            assert.deepEqual(plain(got), want, `field ${field}`);
            for (const s of got) assert.deepEqual(s.tags, { host: s.key.slice(`${m},host=`.length) });
          }
          const all = await engine.readNumericColumns("db", { measurement: m, field: "f", where });
          assert.deepEqual(plain(all), await expected(engine, m, "f", where, -(2n ** 63n), 2n ** 63n - 1n));
        }
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it("keeps the last of several points in one millisecond", async () => {
    await engine.createDatabase("ms");
    const b = new WriteBatch();
    for (const [ns, v] of [
      [1_000_000n, 1],
      [1_999_999n, 2],
      [2_000_000n, 3],
      [-1n, 4],
      [-1_000_000n, 5],
    ] as const) {
      addPoint(b, "a", ns);
      b.addNumber("f", FieldType.Float, v);
    }
    await engine.write("ms", b);
    const got = await engine.readNumericColumns("ms", { measurement: "m", field: "f" });
    assert.deepEqual(plain(got), [{ key: "m,host=a", times: [-1, 1, 2], values: [4, 2, 3] }]);
  });

  it("returns no series for unknown measurements, unknown fields and empty ranges", async () => {
    await engine.createDatabase("empty");
    const b = new WriteBatch();
    addPoint(b, "a", 5_000_000n);
    b.addNumber("f", FieldType.Float, 1);
    await engine.write("empty", b);
    const cases = [
      { name: "unknown measurement", input: { measurement: "nope", field: "f" } },
      { name: "unknown field", input: { measurement: "m", field: "g" } },
      { name: "range before the data", input: { measurement: "m", field: "f", start: 0n, end: 5_000_000n } },
      { name: "start after end", input: { measurement: "m", field: "f", start: 9n, end: 1n } },
      {
        name: "no matching series",
        input: { measurement: "m", field: "f", where: [{ key: "host", op: "=" as const, value: "z" }] },
      },
    ];
    for (const c of cases) assert.deepEqual(await engine.readNumericColumns("empty", c.input), [], c.name);
  });

  it("rejects string fields, bad queries and unknown databases with their codes", async () => {
    await engine.createDatabase("str");
    const b = new WriteBatch();
    addPoint(b, "a", 1n);
    b.addString("s", "x");
    await engine.write("str", b);
    const cases = [
      { name: "string field", db: "str", input: { measurement: "m", field: "s" }, want: "STORAGE_NOT_NUMERIC" },
      { name: "no measurement", db: "str", input: { measurement: "", field: "s" }, want: "STORAGE_BAD_QUERY" },
      {
        name: "bad start",
        db: "str",
        input: { measurement: "m", field: "s", start: "yesterday" },
        want: "STORAGE_BAD_QUERY",
      },
      { name: "unknown database", db: "nope", input: { measurement: "m", field: "s" }, want: "STORAGE_DB_NOT_FOUND" },
    ];
    for (const c of cases) {
      await assert.rejects(
        engine.readNumericColumns(c.db, c.input),
        (error: unknown) => isTsdbError(error) && error.code === c.want,
        c.name,
      );
    }
  });

  it("enforces the point cap on head and segment points", async () => {
    const capped = await openEngine({ maxQueryPoints: 50 });
    try {
      const b = new WriteBatch();
      for (let i = 0; i < 100; i++) {
        addPoint(b, "a", BigInt(i) * NS_PER_MS);
        b.addNumber("f", FieldType.Float, i);
      }
      await capped.write("db", b);
      for (const flush of [false, true]) {
        if (flush) await capped.flush();
        await assert.rejects(
          capped.readNumericColumns("db", { measurement: "m", field: "f" }),
          (error: unknown) => isTsdbError(error) && error.code === "STORAGE_QUERY_POINTS",
        );
      }
    } finally {
      await capped.close();
    }
  });
});
