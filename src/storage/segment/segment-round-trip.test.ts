// Segment write → read round trips on a real temp dir: all types, block splitting, index lookups, statistics.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import type { BlockStats } from "../aggregate/index.ts";
import { BlockStatsScratch } from "./block-stats.ts";
import { DecodedBlock, SegmentReader, SegmentWriter } from "./index.ts";
import type { SegmentColumnMeta } from "./index.ts";

interface Col {
  meta: SegmentColumnMeta;
  offsets: Float64Array;
  values: ColumnValues;
}

let dir = "";
let fileNo = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function nextPath(): string {
  return path.join(dir, `seg-${fileNo++}.seg`);
}

async function writeSegment(cols: Col[], start = 0n, blockPoints?: number): Promise<string> {
  const file = nextPath();
  const w = await SegmentWriter.create(file, start, 86_400e9, blockPoints === undefined ? {} : { blockPoints });
  for (const c of cols) if (w.addColumn(c.meta, c.offsets, c.values, 0, c.offsets.length)) await w.drain();
  await w.finish();
  return file;
}

function meta(seriesId: number, fieldId: number, type: FieldType): SegmentColumnMeta {
  return { seriesId, seriesKey: `cpu,host=h${seriesId}`, fieldId, fieldName: `f${fieldId}`, type };
}

function offsetsFrom(n: number, first: number, step: number): Float64Array {
  const o = new Float64Array(n);
  for (let i = 0; i < n; i++) o[i] = first + i * step;
  return o;
}

/** Reads every block of a column back and concatenates it. */
function readColumn(r: SegmentReader, seriesId: number, fieldId: number): { offsets: number[]; values: unknown[] } {
  const [b0, b1] = r.findBlocks(seriesId, fieldId);
  const out = new DecodedBlock();
  const offsets: number[] = [];
  const values: unknown[] = [];
  for (let b = b0; b < b1; b++) {
    r.readBlock(b, out);
    for (let i = 0; i < out.count; i++) {
      offsets.push(out.offsets[i]);
      values.push(out.values[i]);
    }
  }
  return { offsets, values };
}

function bits(x: unknown): unknown {
  if (typeof x !== "number") return x;
  const u = new Uint32Array(new Float64Array([x]).buffer);
  return `${u[0]}:${u[1]}`;
}

function assertColumn(r: SegmentReader, c: Col): void {
  const got = readColumn(r, c.meta.seriesId, c.meta.fieldId);
  assert.deepEqual(got.offsets, Array.from(c.offsets));
  const want = Array.from(c.values as ArrayLike<unknown>);
  assert.deepEqual(got.values.map(bits), want.map(bits));
}

/** Reference statistics, computed the plain way from raw values. */
function referenceStats(c: Col, s: number, e: number): BlockStats {
  const st = new BlockStatsScratch();
  st.count = e - s;
  st.minOff = c.offsets[s]!;
  st.maxOff = c.offsets[e - 1]!;
  const v = c.values;
  if (!(v instanceof Float64Array)) {
    st.statsExact = !(v instanceof BigInt64Array || v instanceof BigUint64Array);
    return st;
  }
  st.sum = v[s]!;
  for (let i = s + 1; i < e; i++) st.sum += v[i];
  const numbers = Array.from(v.subarray(s, e));
  const nonNaN = numbers.filter((x) => !Number.isNaN(x));
  st.min = nonNaN.length === 0 ? NaN : Math.min(...nonNaN);
  st.max = nonNaN.length === 0 ? NaN : Math.max(...nonNaN);
  // Ties keep the earliest point; -0 and +0 tie.
  const minIdx = nonNaN.length === 0 ? 0 : numbers.findIndex((x) => x === st.min);
  const maxIdx = nonNaN.length === 0 ? 0 : numbers.findIndex((x) => x === st.max);
  st.min = numbers[minIdx]!;
  st.max = numbers[maxIdx]!;
  st.minAtOff = c.offsets[s + minIdx]!;
  st.maxAtOff = c.offsets[s + maxIdx]!;
  st.first = v[s]!;
  st.last = v[e - 1]!;
  st.statsExact = true;
  if (c.meta.type === FieldType.Int || c.meta.type === FieldType.Uint) {
    let running = 0;
    for (let i = s; i < e; i++) if (Math.abs((running += v[i])) > Number.MAX_SAFE_INTEGER) st.statsExact = false;
  }
  return st;
}

function mixedColumns(): Col[] {
  const n = 20_000;
  const floats = new Float64Array(n);
  const ints = new Float64Array(n);
  const bools = new Float64Array(n);
  const strs: string[] = [];
  const bigs = new BigInt64Array(n);
  const ubigs = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    floats[i] = i % 97 === 0 ? NaN : Math.sin(i) * 1e6;
    ints[i] = i === 5 ? -(2 ** 53 - 1) : (i % 13) - 6;
    bools[i] = i % 3 === 0 ? 1 : 0;
    strs.push(i % 5 === 0 ? "" : `s${i % 11}`);
    bigs[i] = -(2n ** 63n) + BigInt(i) * 3n;
    ubigs[i] = 2n ** 64n - 1n - BigInt(i);
  }
  const dense = offsetsFrom(n, 0, 10e9);
  return [
    { meta: meta(1, 1, FieldType.Float), offsets: dense, values: floats },
    { meta: meta(1, 2, FieldType.Int), offsets: dense, values: ints },
    { meta: meta(1, 3, FieldType.Bool), offsets: dense, values: bools },
    { meta: meta(1, 4, FieldType.String), offsets: dense, values: strs },
    { meta: meta(2, 1, FieldType.Int), offsets: dense, values: bigs },
    { meta: meta(2, 2, FieldType.Uint), offsets: dense, values: ubigs },
    {
      meta: meta(7, 9, FieldType.Uint),
      offsets: offsetsFrom(3, 2 ** 53 - 3, 1),
      values: new Float64Array([0, 1, 2 ** 53 - 1]),
    },
    { meta: meta(9, 0, FieldType.String), offsets: new Float64Array([0]), values: [""] },
  ];
}

void describe("segment round trip", () => {
  void it("reads back every column of every type bit for bit", async () => {
    const cols = mixedColumns();
    const file = await writeSegment(cols, -(2n ** 62n));
    const r = await SegmentReader.open(file);
    try {
      assert.equal(r.partitionStartNs, -(2n ** 62n));
      assert.equal(r.partitionDurationNs, 86_400e9);
      assert.equal(r.byteLength, fs.statSync(file).size);
      for (const c of cols) assertColumn(r, c);
      assert.deepEqual(
        r.columns(),
        cols.map((c) => c.meta),
      );
      assert.deepEqual(Array.from(r.seriesIds()), [1, 2, 7, 9]);
    } finally {
      await r.close();
    }
  });

  void it("keeps the decoded value representation of each block", async () => {
    const cols = mixedColumns();
    const r = await SegmentReader.open(await writeSegment(cols));
    const out = new DecodedBlock();
    const kinds = cols.map((c) => {
      r.readBlock(r.findBlocks(c.meta.seriesId, c.meta.fieldId)[0], out);
      assert.equal(out.type, c.meta.type);
      return out.values.constructor.name;
    });
    assert.deepEqual(kinds, [
      "Float64Array",
      "Float64Array",
      "Float64Array",
      "Array",
      "BigInt64Array",
      "BigUint64Array",
      "Float64Array",
      "Array",
    ]);
    await r.close();
  });

  void it("splits columns into equal blocks of at most blockPoints", async () => {
    const table = [
      { name: "one point", input: 1, want: [1] },
      { name: "exactly one block", input: 8192, want: [8192] },
      { name: "one day at 10 s", input: 8640, want: [4320, 4320] },
      { name: "three blocks", input: 20_000, want: [6666, 6667, 6667] },
    ];
    for (const t of table) {
      const c: Col = {
        meta: meta(1, 1, FieldType.Float),
        offsets: offsetsFrom(t.input, 5, 1),
        values: new Float64Array(t.input),
      };
      const r = await SegmentReader.open(await writeSegment([c]));
      assert.deepEqual(Array.from(r.blockCountPoints), t.want, t.name);
      await r.close();
    }
  });

  void it("finds the blocks of present and absent columns", async () => {
    const cols: Col[] = [];
    for (const s of [3, 5, 8]) {
      for (const f of [0, 2])
        cols.push({ meta: meta(s, f, FieldType.Float), offsets: offsetsFrom(25, 0, 1), values: new Float64Array(25) });
    }
    const r = await SegmentReader.open(await writeSegment(cols, 0n, 10));
    const table = [
      { name: "first column", input: [3, 0], want: [0, 3] },
      { name: "middle column", input: [5, 2], want: [9, 12] },
      { name: "last column", input: [8, 2], want: [15, 18] },
      { name: "absent field (insertion point)", input: [5, 1], want: [9, 9] },
      { name: "absent series before all", input: [1, 0], want: [0, 0] },
      { name: "absent series after all", input: [9, 0], want: [18, 18] },
    ];
    for (const t of table) assert.deepEqual(r.findBlocks(t.input[0], t.input[1]), t.want, t.name);
    for (let b = 0; b < r.blockCount; b++) {
      assert.equal(r.blockSeries[b], [3, 5, 8][Math.floor(b / 6)]);
      assert.equal(r.blockField[b], [0, 2][Math.floor(b / 3) % 2]);
    }
    await r.close();
  });

  void it("stores block statistics equal to those computed from the raw values", async () => {
    const cols = mixedColumns();
    // -0 blocks sum to -0; all-NaN blocks keep NaN stats at the first point; ties keep the earliest.
    cols.push({
      meta: meta(10, 1, FieldType.Float),
      offsets: offsetsFrom(4, 0, 1),
      values: new Float64Array([-0, -0, 0, -0]),
    });
    cols.push({
      meta: meta(10, 2, FieldType.Float),
      offsets: offsetsFrom(3, 9, 2),
      values: new Float64Array([NaN, NaN, NaN]),
    });
    cols.push({
      meta: meta(10, 3, FieldType.Float),
      offsets: offsetsFrom(5, 0, 1),
      values: new Float64Array([NaN, 2, 1, 2, 1]),
    });
    cols.push({
      meta: meta(10, 4, FieldType.Float),
      offsets: offsetsFrom(2, 0, 1),
      values: new Float64Array([Infinity, -Infinity]),
    });
    const r = await SegmentReader.open(await writeSegment(cols, 0n, 1000));
    const got = new BlockStatsScratch();
    for (const c of cols) {
      const [b0, b1] = r.findBlocks(c.meta.seriesId, c.meta.fieldId);
      let s = 0;
      for (let b = b0; b < b1; b++) {
        const e = s + r.blockCountPoints[b];
        r.blockStats(b, got);
        const want = referenceStats(c, s, e);
        for (const key of Object.keys(want) as (keyof BlockStats)[]) {
          assert.ok(
            Object.is(got[key], want[key]),
            `${c.meta.seriesId}/${c.meta.fieldId} block ${b} ${key}: ${got[key]} vs ${want[key]}`,
          );
        }
        s = e;
      }
    }
    await r.close();
  });

  void it("marks integer statistics inexact when the running sum leaves 2^53", async () => {
    const big = 2 ** 53 - 1;
    const c: Col = {
      meta: meta(1, 1, FieldType.Int),
      offsets: offsetsFrom(3, 0, 1),
      values: new Float64Array([big, 1, -big]),
    };
    const r = await SegmentReader.open(await writeSegment([c]));
    const st = new BlockStatsScratch();
    r.blockStats(0, st);
    assert.equal(st.statsExact, false);
    assert.equal(st.min, -big);
    assert.equal(st.count, 3);
    await r.close();
  });

  void it("continues the open column across addColumn calls", async () => {
    const file = nextPath();
    const w = await SegmentWriter.create(file, 0n, 1e9, { blockPoints: 4 });
    const m = meta(1, 1, FieldType.Float);
    const offsets = offsetsFrom(10, 0, 1);
    const values = offsetsFrom(10, 100, 1);
    w.addColumn(m, offsets, values, 0, 6);
    w.addColumn(m, offsets, values, 6, 6);
    w.addColumn(m, offsets, values, 6, 10);
    const res = await w.finish();
    assert.deepEqual([res.blockCount, res.pointCount], [3, 10]); // 6 points → 3 + 3, then 4 → 4
    const r = await SegmentReader.open(file);
    assertColumn(r, { meta: m, offsets, values });
    assert.equal(r.columns().length, 1);
    await r.close();
  });

  void it("asks for a drain once buffered bytes reach the threshold", async () => {
    const file = nextPath();
    const w = await SegmentWriter.create(file, 0n, 1e9, { drainBytes: 1000 });
    const values = new Float64Array(2000).map(() => Math.random());
    assert.equal(w.addColumn(meta(1, 1, FieldType.Float), offsetsFrom(2000, 0, 7), values, 0, 10), false);
    assert.equal(w.addColumn(meta(1, 2, FieldType.Float), offsetsFrom(2000, 0, 7), values, 0, 2000), true);
    await w.drain();
    assert.equal(w.addColumn(meta(1, 3, FieldType.Float), offsetsFrom(2000, 0, 7), values, 0, 10), false);
    const drained = w.drain(); // a column added while a drain is in flight lands in the next buffer
    w.addColumn(meta(1, 4, FieldType.Float), offsetsFrom(2000, 0, 7), values, 0, 2000);
    await drained;
    await w.finish();
    const r = await SegmentReader.open(file);
    assert.deepEqual(readColumn(r, 1, 4).values, Array.from(values));
    await r.close();
  });

  void it("round-trips random columns (property)", async () => {
    const anyDouble = fc.oneof(
      fc.double(),
      fc.tuple(fc.nat(), fc.nat()).map(([lo, hi]) => new Float64Array(new Uint32Array([lo, hi]).buffer)[0]),
      fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 5e-324),
    );
    const column = fc.record({
      type: fc.constantFrom(FieldType.Float, FieldType.Int, FieldType.Uint, FieldType.Bool, FieldType.String, 0),
      gaps: fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 ** 40 })), {
        minLength: 1,
        maxLength: 40,
      }),
      first: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 45 })),
      doubles: fc.array(anyDouble, { minLength: 40, maxLength: 40 }),
      ints: fc.array(fc.maxSafeInteger(), { minLength: 40, maxLength: 40 }),
      strs: fc.array(fc.string({ unit: "grapheme" }), { minLength: 40, maxLength: 40 }),
      bigs: fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 40, maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(column, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 16 }),
        async (specs, bp) => {
          const cols = specs.map((s, i): Col => {
            const n = s.gaps.length;
            const offsets = new Float64Array(n);
            let t = s.first;
            for (let j = 0; j < n; j++) offsets[j] = t += j === 0 ? 0 : s.gaps[j];
            let values: ColumnValues;
            let type: FieldType = s.type === 0 ? FieldType.Int : s.type;
            if (s.type === FieldType.Float) values = Float64Array.from(s.doubles.slice(0, n));
            else if (s.type === FieldType.Int || s.type === FieldType.Uint)
              values = Float64Array.from(s.ints.slice(0, n).map((x) => (s.type === FieldType.Uint ? Math.abs(x) : x)));
            else if (s.type === FieldType.Bool)
              values = Float64Array.from(s.doubles.slice(0, n).map((x) => (x > 0 ? 1 : 0)));
            else if (s.type === FieldType.String) values = s.strs.slice(0, n);
            else values = BigInt64Array.from(s.bigs.slice(0, n));
            if (s.type === 0) type = FieldType.Int;
            return { meta: meta(i, i % 3, type), offsets, values };
          });
          const r = await SegmentReader.open(await writeSegment(cols, 0n, bp));
          try {
            for (const c of cols) assertColumn(r, c);
          } finally {
            await r.close();
          }
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });
});
