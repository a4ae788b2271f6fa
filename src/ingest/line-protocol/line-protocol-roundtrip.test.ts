// fast-check properties: encode → parse round trips, random bytes never throw, partial writes keep exactly the
// valid lines. Seeds are fixed (STYLE.md §6).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldType, WriteBatch } from "../../storage/index.ts";
import { toNs, toTimeNs } from "../../base/index.ts";
import { LineProtocolParser } from "./line-protocol-parser.ts";
import { appendPoints } from "./append-points.ts";
import { encodeLineProtocol } from "./encode-line-protocol.ts";
import type { FieldValue, PointInput } from "./point-input.ts";

const encoder = new TextEncoder();
const DEFAULT_SEC = 1_600_000_000;
const DEFAULT_NSEC = 42;
const OPTIONS = { precision: "ns" as const, defaultSec: DEFAULT_SEC, defaultNsec: DEFAULT_NSEC };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const nameChar = fc.constantFrom("a", "b", "Z", "0", "_", ",", "=", " ", '"', "\\", "#", "é", "✓", "😀", "ключ");
const name = fc
  .array(nameChar, { minLength: 1, maxLength: 6 })
  .map((chars) => chars.join(""))
  .filter((text) => !text.endsWith("\\"));
const measurement = name.filter((text) => !text.startsWith("#"));
const stringChar = fc.constantFrom("a", " ", ",", "=", '"', "\\", "\n", "\r", "é", "😀", "\t");
const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 0, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1e21, 1e-7),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n, 2n ** 53n),
  fc.bigInt({ min: 0n, max: UINT64_MAX }).map((value) => ({ type: "unsigned" as const, value })),
  fc.constantFrom(0n, UINT64_MAX, 2n ** 63n).map((value) => ({ type: "unsigned" as const, value })),
  fc.integer().map((value) => ({ type: "integer" as const, value })),
  fc.boolean(),
  fc.array(stringChar, { maxLength: 8 }).map((chars) => chars.join("")),
);
const time = fc.option(
  fc.oneof(
    fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
    fc.constantFrom(INT64_MIN, INT64_MAX, INT64_MIN + 1n, INT64_MAX - 1n, -1n, 0n, 1n, -1_000_000_000n),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.date({ min: new Date(-9e12), max: new Date(9e12), noInvalidDate: true }),
  ),
  { nil: undefined },
);
const point: fc.Arbitrary<PointInput> = fc.record({
  measurement,
  tags: fc.dictionary(name, fc.oneof(name, fc.constant("")), { maxKeys: 4 }),
  fields: fc.dictionary(name, fieldValue, { minKeys: 1, maxKeys: 4 }),
  time,
});

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
function floatBits(value: number): string {
  bits[0] = value;
  return `${words[0]}:${words[1]}`;
}

/** Asserts two batches hold the same points and values (line numbers aside). */
function assertSameBatch(got: WriteBatch, want: WriteBatch): void {
  assert.equal(got.pointCount, want.pointCount);
  assert.equal(got.valueCount, want.valueCount);
  assert.deepEqual(got.seriesKeys.slice(0, got.pointCount), want.seriesKeys.slice(0, want.pointCount));
  assert.deepEqual(got.measurements.slice(0, got.pointCount), want.measurements.slice(0, want.pointCount));
  assert.deepEqual([...got.sec.subarray(0, got.pointCount)], [...want.sec.subarray(0, want.pointCount)]);
  assert.deepEqual([...got.nsec.subarray(0, got.pointCount)], [...want.nsec.subarray(0, want.pointCount)]);
  for (let j = 0; j < want.valueCount; j++) {
    assert.equal(got.valuePoint[j], want.valuePoint[j]);
    assert.equal(got.valueField[j], want.valueField[j]);
    assert.equal(got.valueType[j], want.valueType[j]);
    assert.equal(got.valueStr[j], want.valueStr[j]);
    assert.equal(floatBits(got.valueNum[j]), floatBits(want.valueNum[j]));
    if (want.valueType[j] === FieldType.Int || want.valueType[j] === FieldType.Uint) {
      assert.equal(got.bigValue(j), want.bigValue(j));
    }
  }
}

/** Checks a batch built by appendPoints against the inputs, independently of the batch code paths. */
function assertMatchesInputs(batch: WriteBatch, points: readonly PointInput[]): void {
  let j = 0;
  for (let p = 0; p < points.length; p++) {
    const input = points[p];
    const ns = input.time === undefined ? toNs(DEFAULT_SEC, DEFAULT_NSEC) : toTimeNs(input.time);
    assert.equal(toNs(batch.sec[p], batch.nsec[p]), ns);
    assert.equal(batch.measurements[p], input.measurement);
    for (const [key, value] of Object.entries(input.fields)) {
      assert.equal(batch.valueField[j], key);
      const type = batch.valueType[j];
      if (typeof value === "number") assert.equal(floatBits(batch.valueNum[j]), floatBits(value));
      else if (typeof value === "bigint") assert.deepEqual([type, batch.bigValue(j)], [FieldType.Int, value]);
      else if (typeof value === "boolean") assert.deepEqual([type, batch.valueNum[j]], [FieldType.Bool, value ? 1 : 0]);
      else if (typeof value === "string") assert.deepEqual([type, batch.valueStr[j]], [FieldType.String, value]);
      else if (value.type === "unsigned") assert.deepEqual([type, batch.bigValue(j)], [FieldType.Uint, value.value]);
      else assert.deepEqual([type, batch.bigValue(j)], [FieldType.Int, BigInt(value.value)]);
      j++;
    }
  }
  assert.equal(batch.valueCount, j);
}

/** Structural invariants every parsed batch keeps, whatever the input. */
function assertConsistent(batch: WriteBatch): void {
  // Entries past the counts are stale by design (WriteBatch.reset keeps capacity).
  assert.ok(batch.seriesKeys.length >= batch.pointCount);
  assert.ok(batch.valueField.length >= batch.valueCount);
  let last = 0;
  for (let j = 0; j < batch.valueCount; j++) {
    assert.ok(batch.valuePoint[j] >= last && batch.valuePoint[j] < batch.pointCount);
    last = batch.valuePoint[j]!;
  }
  for (let p = 0; p < batch.pointCount; p++) assert.ok(batch.nsec[p] >= 0 && batch.nsec[p] < 1e9);
}

void describe("line protocol properties", () => {
  void it("parses encoder output back to the points appendPoints builds", () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 5 }), (points) => {
        const want = new WriteBatch();
        appendPoints(points, want, DEFAULT_SEC, DEFAULT_NSEC);
        assertMatchesInputs(want, points);
        const got = new WriteBatch();
        const report = new LineProtocolParser().parse(encoder.encode(encodeLineProtocol(points)), got, OPTIONS);
        assert.deepEqual(report.errors, []);
        assertSameBatch(got, want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  void it("never throws on random bytes and reports only line errors", () => {
    const special = fc.constantFrom(...'\n\r\t ,=\\"#-.0123456789eEiutTfF'.split("").map((c) => c.charCodeAt(0)));
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(fc.oneof(special, fc.integer({ min: 0, max: 255 })), { maxLength: 200 }).map((a) => new Uint8Array(a)),
    );
    const parser = new LineProtocolParser({ maxCacheEntries: 8 });
    fc.assert(
      fc.property(bytes, (input) => {
        const batch = new WriteBatch();
        const report = parser.parse(input, batch, OPTIONS);
        assert.equal(report.points, batch.pointCount);
        assert.equal(report.values, batch.valueCount);
        for (const error of report.errors) assert.ok(error.line >= 1 && error.column >= 1 && error.message !== "");
        assertConsistent(batch);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  void it("never throws on mutated valid lines", () => {
    const corpus = encodeLineProtocol([
      { measurement: "cpu", tags: { host: "a b", dc: "x,y" }, fields: { v: 1.5, i: 2n, s: 'q"\\', b: true }, time: 5n },
      { measurement: "m", fields: { u: { type: "unsigned", value: 7n } }, time: -1n },
    ]);
    const mutation = fc.record({
      at: fc.nat(),
      byte: fc.constantFrom(10, 13, 32, 44, 61, 92, 34, 35, 45, 46, 105, 117),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const bytes = [...encoder.encode(corpus)];
        for (const m of mutations) bytes.splice(m.at % (bytes.length + 1), 0, m.byte);
        const batch = new WriteBatch();
        const report = new LineProtocolParser().parse(new Uint8Array(bytes), batch, OPTIONS);
        assert.equal(report.points, batch.pointCount);
        assertConsistent(batch);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  void it("keeps exactly the valid lines of a batch mixing valid and invalid lines", () => {
    const badLines = [
      ",t=1 v=1",
      "cpu",
      "cpu,=1 v=1",
      "cpu,a= v=1",
      "cpu a=",
      "cpu a=1i0",
      "cpu a=1 12x3",
      'cpu a="x"y',
    ];
    const entry = fc.oneof(
      point.map((p) => ({ valid: true as const, p })),
      fc.constantFrom(...badLines).map((text) => ({ valid: false as const, text })),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        let text = "";
        let line = 1;
        const wantPoints: PointInput[] = [];
        const wantErrorLines: number[] = [];
        for (const e of entries) {
          const chunk = e.valid ? encodeLineProtocol([e.p]) : e.text + "\n";
          if (e.valid) wantPoints.push(e.p);
          else wantErrorLines.push(line);
          text += chunk;
          line += chunk.split("\n").length - 1;
        }
        const want = new WriteBatch();
        appendPoints(wantPoints, want, DEFAULT_SEC, DEFAULT_NSEC);
        const got = new WriteBatch();
        const report = new LineProtocolParser().parse(encoder.encode(text), got, OPTIONS);
        assert.deepEqual(
          report.errors.map((e) => e.line),
          wantErrorLines,
        );
        assertSameBatch(got, want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
