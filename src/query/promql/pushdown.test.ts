import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { isTsdbError } from "../../base/index.ts";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../../storage/index.ts";
import { promInstantQuery, promRangeQuery } from "./index.ts";
import type { PromQLOptions } from "./index.ts";

const STALE = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0]!;

interface Point {
  host: string;
  ms: number;
  /** Nanoseconds within the ms (several points may share one ms). */
  subNs: number;
  value: number;
  kind: "float" | "int" | "bool";
}

const pointArb: fc.Arbitrary<Point> = fc.record({
  host: fc.constantFrom("a", "b", "c"),
  ms: fc.integer({ min: 0, max: 120_000 }).map((ms) => (ms % 7 === 0 ? Math.floor(ms / 1000) * 1000 : ms)),
  subNs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 })),
  value: fc.oneof(
    fc.double(),
    fc.constantFrom(STALE, NaN, -0, 0, Infinity, -Infinity),
    fc.integer({ min: -5, max: 5 }),
  ),
  kind: fc.constantFrom("float", "float", "int", "bool"),
});

/** Writes `batches` of points (each batch optionally flushed to a segment) into database `db`. */
async function writeBatches(
  engine: StorageEngine,
  db: string,
  batches: Array<{ points: Point[]; flush: boolean }>,
): Promise<void> {
  for (const { points, flush } of batches) {
    if (points.length === 0) continue;
    const b = new WriteBatch();
    for (const p of points) {
      const ns = p.ms * 1_000_000 + p.subNs;
      const sec = Math.floor(ns / 1e9);
      b.addPoint(formatSeriesKey("m", [["host", p.host]]), "m", sec, ns - sec * 1e9);
      b.addNumber("value", FieldType.Float, p.value);
      // A second metric per type: `m_i` (integer) and `m_b` (boolean), from the same draw.
      if (p.kind === "int") {
        b.addPoint(formatSeriesKey("m", [["host", p.host]]), "m", sec, ns - sec * 1e9);
        b.addNumber("i", FieldType.Int, Number.isSafeInteger(Math.trunc(p.value)) ? Math.trunc(p.value) : 7);
      } else if (p.kind === "bool") {
        b.addPoint(formatSeriesKey("m", [["host", p.host]]), "m", sec, ns - sec * 1e9);
        b.addNumber("b", FieldType.Bool, p.value > 0 ? 1 : 0);
      }
    }
    await engine.write(db, b);
    if (flush) await engine.flush();
  }
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    if (isTsdbError(error)) return { error: error.code };
    throw error;
  }
}

describe("last_over_time pushdown", () => {
  let dir = "";
  let engine: StorageEngine;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    engine = await StorageEngine.open(dir, { sync: "never" });
  });
  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const on: PromQLOptions = { pushdown: true, lookbackDeltaMs: 60_000 };
  const off: PromQLOptions = { pushdown: false, lookbackDeltaMs: 60_000 };

  it("gives the same results as reading every point (stale markers, NaN, overwrites, sub-ms points, segments)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ points: fc.array(pointArb, { maxLength: 40 }), flush: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom("m", "m_i", "m_b", '{__name__=~"m.*"}', 'm{host=~"a|b"}', 'm{host="c"}'),
        fc.constantFrom("1ms", "1s", "10s", "30s", "2m"),
        fc.constantFrom("", " offset 5s", " offset -3s", " @ 60", " @ 60.001 offset 1s"),
        fc.integer({ min: 0, max: 125_000 }),
        fc.constantFrom("X", "sum(X)", "X * 2", "max by (host) (X)", "count(X)"),
        async (batches, selector, range, modifier, timeMs, shape) => {
          const db = `d${run++}`;
          await engine.createDatabase(db);
          await writeBatches(engine, db, batches);
          const query = shape.replace("X", `last_over_time(${selector}[${range}]${modifier})`);
          const instant = (o: PromQLOptions): Promise<unknown> =>
            outcome(() => promInstantQuery(engine, db, query, timeMs, o));
          assert.deepEqual(await instant(on), await instant(off), query);
          if (modifier.includes("@")) {
            const ranged = (o: PromQLOptions): Promise<unknown> =>
              outcome(() => promRangeQuery(engine, db, query, timeMs, timeMs + 30_000, 10_000, o));
            assert.deepEqual(await ranged(on), await ranged(off), query);
          }
          await engine.dropDatabase(db);
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it("drops a series whose only points in the window are stale markers", async () => {
    const db = "stale";
    await writeBatches(engine, db, [
      {
        points: [
          { host: "a", ms: 1000, subNs: 0, value: 5, kind: "float" },
          { host: "a", ms: 2000, subNs: 0, value: STALE, kind: "float" },
          { host: "b", ms: 1500, subNs: 0, value: 7, kind: "float" },
        ],
        flush: false,
      },
    ]);
    const cases = [
      { name: "stale marker last: the earlier point", query: "last_over_time(m[5s])", want: ["5", "7"] },
      { name: "only a stale marker in the window", query: "last_over_time(m[600ms])", want: [] },
    ];
    for (const c of cases) {
      const data = (await promInstantQuery(engine, db, c.query, 2100, on)) as {
        result: Array<{ value: [number, string] }>;
      };
      assert.deepEqual(
        data.result.map((s) => s.value[1]),
        c.want,
        c.name,
      );
    }
  });
});
