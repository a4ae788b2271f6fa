import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteWriter } from "../codec/index.ts";
import { WriteRecordEncoder, decodeWriteRecord, decodeTombstone, encodeTombstone } from "./wal-record.ts";
import type { WriteRecordVisitor } from "./wal-record.ts";

type Value = { kind: "float" | "int"; v: number } | { kind: "big"; v: bigint } | { kind: "str"; v: string };
interface Point {
  seriesId: number;
  sec: number;
  nsec: number;
  values: Array<{ fieldId: number; value: Value }>;
}

function encode(points: Point[]): Uint8Array {
  const encoder = new WriteRecordEncoder();
  encoder.begin(new ByteWriter(16));
  for (const p of points) {
    encoder.point(p.seriesId, p.sec, p.nsec, p.values.length);
    for (const { fieldId, value } of p.values) {
      if (value.kind === "float") encoder.number(fieldId, value.v);
      else if (value.kind === "int") encoder.integer(fieldId, value.v);
      else if (value.kind === "big") encoder.bigint(fieldId, value.v);
      else encoder.string(fieldId, value.v as string);
    }
  }
  return encoder.finish().payload.slice();
}

function decode(payload: Uint8Array): Point[] {
  const out: Point[] = [];
  const visitor: WriteRecordVisitor = {
    point: (seriesId, sec, nsec) => out.push({ seriesId, sec, nsec, values: [] }),
    number: (fieldId, v) => out.at(-1)!.values.push({ fieldId, value: { kind: "float", v } }),
    bigint: (fieldId, v) => out.at(-1)!.values.push({ fieldId, value: { kind: "big", v: BigInt.asIntN(64, v) } }),
    string: (fieldId, v) => out.at(-1)!.values.push({ fieldId, value: { kind: "str", v } }),
  };
  decodeWriteRecord(payload, visitor);
  return out;
}

const value: fc.Arbitrary<Value> = fc.oneof(
  fc.double({ noNaN: true }).map((v) => ({ kind: "float" as const, v })),
  fc
    .oneof(fc.integer(), fc.constantFrom(2 ** 52 - 1, 2 ** 52, -(2 ** 52), 2 ** 53 - 1, -(2 ** 53 - 1), 0))
    .map((v) => ({ kind: "int" as const, v })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ kind: "big" as const, v })),
  fc.string({ unit: "grapheme" }).map((v) => ({ kind: "str" as const, v })),
);
const point: fc.Arbitrary<Point> = fc.record({
  seriesId: fc.integer({ min: 1, max: 2 ** 32 }),
  sec: fc.integer({ min: -9_223_372_036, max: 9_223_372_035 }),
  nsec: fc.integer({ min: 0, max: 999_999_999 }),
  values: fc.array(fc.record({ fieldId: fc.integer({ min: 1, max: 1e6 }), value }), { maxLength: 5 }),
});

describe("WAL write records", () => {
  it("decode to the points encoded, integers exact up to ±(2^53 - 1)", () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 20 }), (points) => {
        const want = points.map((p) => ({
          ...p,
          values: p.values.map(({ fieldId, value: v }) => ({
            fieldId,
            value: v.kind === "int" ? { kind: "float" as const, v: v.v } : v,
          })),
        }));
        const got = decode(encode(points));
        assert.equal(got.length, want.length);
        for (let i = 0; i < got.length; i++) {
          assert.deepEqual({ ...got[i], values: [] }, { ...want[i], values: [] });
          assert.equal(got[i]!.values.length, want[i]!.values.length);
          for (let j = 0; j < got[i]!.values.length; j++) {
            const g = got[i]!.values[j]!;
            const w = want[i]!.values[j]!;
            assert.equal(g.fieldId, w.fieldId);
            assert.ok(
              Object.is(g.value.v, w.value.v) || g.value.v === w.value.v,
              `value ${String(g.value.v)} != ${String(w.value.v)}`,
            );
          }
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("rejects truncated payloads with a corrupt error", () => {
    const payload = encode([
      { seriesId: 7, sec: 1, nsec: 2, values: [{ fieldId: 3, value: { kind: "str", v: "hello" } }] },
    ]);
    for (let cut = 0; cut < payload.length; cut++) {
      assert.throws(() => decode(payload.subarray(0, cut)), { category: "corrupt" });
    }
  });
});

describe("WAL tombstone records", () => {
  it("round-trip ids and the exact int64 range", () => {
    const tombstone = {
      seriesIds: Uint32Array.of(1, 5, 900, 2 ** 32 - 1),
      startNs: -(2n ** 63n),
      endNs: 2n ** 63n - 1n,
      maxSegmentSeq: 12,
    };
    assert.deepEqual(decodeTombstone(encodeTombstone(tombstone, new ByteWriter(8)).slice()), tombstone);
  });
});
