// Raw reads with field conditions (fieldWhere) through StorageEngine: equality with the unfiltered raw query
// filtered here, on random sparse writes, overwrites, deletes and flushes over several partitions.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../index.ts";
import type { FieldCondition, NativeQuery, QueryResult } from "../index.ts";

const PARTITION_NS = 10_000_000_000; // 10 s partitions, so random times span several
const SEC = 1_000_000_000n;

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The rows of every series as `[series tags, time, ...values]`, for comparison. */
function flat(result: QueryResult): unknown[][] {
  const out: unknown[][] = [];
  for (const s of result.series)
    for (let r = 0; r < s.times.length; r++)
      out.push([JSON.stringify(s.tags), s.times[r], ...s.values.map((c) => c[r])]);
  return out;
}

/** A field condition as storage documents it: null fails, mismatched types hold only for `!=`. */
function holds(value: unknown, c: FieldCondition): boolean {
  if (value === null || value === undefined) return false;
  const a = typeof value === "bigint" ? Number(value) : (value as number | string | boolean);
  if (typeof a !== typeof c.value) return c.op === "!=";
  const b = c.value;
  switch (c.op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}

/** Filters the rows of an unfiltered raw query as `conditions` would, then applies order, offset and limit. */
function filtered(
  all: QueryResult,
  fields: string[],
  conditions: FieldCondition[],
  order: "asc" | "desc",
  offset: number,
  limit: number,
): unknown[][] {
  const out: unknown[][] = [];
  for (const s of all.series) {
    let rows: unknown[][] = [];
    for (let r = 0; r < s.times.length; r++) {
      const ok = conditions.every((c) => {
        const f = fields.indexOf(c.field);
        return f >= 0 && holds(s.values[f]![r], c);
      });
      if (ok) rows.push([JSON.stringify(s.tags), s.times[r], ...s.values.map((col) => col[r])]);
    }
    if (order === "desc") rows.reverse();
    rows = rows.slice(offset, limit > 0 ? offset + limit : undefined);
    out.push(...rows);
  }
  return out;
}

type Point = { host: number; sec: number; f: number | null; i: bigint | null; b: boolean | null; s: string | null };
type Op =
  { kind: "write"; points: Point[] } | { kind: "flush" } | { kind: "delete"; host: number; from: number; to: number };

const SECS = fc.integer({ min: -25, max: 25 });
const OP: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("write" as const),
      points: fc.array(
        fc.record({
          host: fc.integer({ min: 0, max: 2 }),
          sec: SECS,
          f: fc.option(fc.integer({ min: -5, max: 5 }).map((n) => n / 2)),
          i: fc.option(fc.oneof(fc.bigInt({ min: -5n, max: 5n }), fc.constant(2n ** 60n))),
          b: fc.option(fc.boolean()),
          s: fc.option(fc.constantFrom("a", "b", "c")),
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
      from: SECS,
      to: SECS,
    }),
  },
);
const CONDITION: fc.Arbitrary<FieldCondition> = fc.record({
  field: fc.constantFrom("f", "i", "b", "s", "nosuch"),
  op: fc.constantFrom("=", "!=", "<", "<=", ">", ">=") as fc.Arbitrary<FieldCondition["op"]>,
  value: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(0.5), fc.boolean(), fc.constantFrom("a", "b")),
});

describe("raw reads with field conditions", () => {
  let engine: StorageEngine;
  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    dirs.push(dir);
    engine = await StorageEngine.open(dir, { sync: "never", partitionDurationNs: PARTITION_NS });
    await engine.createDatabase("db");
  });
  after(async () => {
    await engine.close();
  });

  it("equal the unfiltered rows filtered by the conditions", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(OP, { minLength: 1, maxLength: 10 }),
        fc.array(CONDITION, { minLength: 1, maxLength: 2 }),
        fc.subarray(["f", "i", "b", "s"], { minLength: 1 }),
        fc.constantFrom("asc" as const, "desc" as const),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        async (ops, conditions, fields, order, offset, limit, perSeries) => {
          // A fresh measurement per run: creating and dropping a database per run would dominate the time.
          const m = `m${run++}`;
          for (const op of ops) {
            if (op.kind === "flush") await engine.flush();
            else if (op.kind === "delete") {
              const where = [{ key: "host", op: "=" as const, value: `h${op.host}` }];
              const [from, to] = [Math.min(op.from, op.to), Math.max(op.from, op.to)];
              await engine.delete(
                "db",
                { measurement: m, where },
                { start: BigInt(from) * SEC, end: BigInt(to) * SEC },
              );
            } else {
              const batch = new WriteBatch();
              for (const p of op.points) {
                if (p.f === null && p.i === null && p.b === null && p.s === null) continue;
                batch.addPoint(formatSeriesKey(m, [["host", `h${p.host}`]]), m, p.sec, 0);
                if (p.f !== null) batch.addNumber("f", FieldType.Float, p.f);
                if (p.i !== null) batch.addBigInt("i", FieldType.Int, p.i);
                if (p.b !== null) batch.addNumber("b", FieldType.Bool, p.b ? 1 : 0);
                if (p.s !== null) batch.addString("s", p.s);
              }
              await engine.write("db", batch);
            }
          }
          const base: NativeQuery = { measurement: m, fields, start: -20n * SEC, end: 20n * SEC };
          if (perSeries) base.groupBy = { tags: "*" };
          const all = await engine.query("db", base);
          const got = await engine.query("db", {
            ...base,
            fieldWhere: conditions,
            order,
            ...(offset > 0 ? { offset } : {}),
            ...(limit > 0 ? { limit } : {}),
          });
          assert.deepEqual(flat(got), filtered(all, fields, conditions, order, offset, limit));
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
