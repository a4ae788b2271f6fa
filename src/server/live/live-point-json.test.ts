// Live point JSON: exact nanosecond times without BigInt, value encodings, field selection.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldType, WriteBatch } from "../../storage/index.ts";
import { LiveSeriesCache, formatPointJson, formatTimeNs, formatValueJson } from "./live-point-json.ts";

describe("formatTimeNs", () => {
  const cases = [
    { name: "zero", input: [0, 0], want: "0" },
    { name: "within the first second", input: [0, 5], want: "5" },
    { name: "positive with padding", input: [1, 5], want: "1000000005" },
    { name: "minus one ns", input: [-1, 999_999_999], want: "-1" },
    { name: "minus half a second", input: [-1, 500_000_000], want: "-500000000" },
    { name: "whole negative seconds", input: [-3, 0], want: "-3000000000" },
    { name: "negative with fraction", input: [-3, 1], want: "-2999999999" },
    { name: "int64 max", input: [9_223_372_036, 854_775_807], want: "9223372036854775807" },
    { name: "int64 min", input: [-9_223_372_037, 145_224_192], want: "-9223372036854775808" },
  ];
  for (const c of cases) {
    it(`formats ${c.name}`, () => assert.equal(formatTimeNs(c.input[0]!, c.input[1]!), c.want));
  }

  it("equals the BigInt computation for any (sec, nsec)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -9_223_372_036, max: 9_223_372_035 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (sec, nsec) => {
          assert.equal(formatTimeNs(sec, nsec), (BigInt(sec) * 1_000_000_000n + BigInt(nsec)).toString());
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("formatValueJson and formatPointJson", () => {
  it("encodes each field type", () => {
    const batch = new WriteBatch();
    batch.addPoint("m,t=1", "m", 0, 0);
    batch.addNumber("f", FieldType.Float, 0.1);
    batch.addNumber("inf", FieldType.Float, Infinity);
    batch.addBigInt("i", FieldType.Int, -9007199254740993n);
    batch.addBigInt("small", FieldType.Int, -5n);
    batch.addNumber("b", FieldType.Bool, 0);
    batch.addString("s", 'a "quote"\n');
    const want = ["0.1", '"+Inf"', '"-9007199254740993"', "-5", "false", JSON.stringify('a "quote"\n')];
    assert.deepEqual(
      want.map((_, j) => formatValueJson(batch, j)),
      want,
    );
    const info = new LiveSeriesCache().get("m,t=1");
    const all = formatPointJson(batch, 0, 0, batch.valueCount, info, null, new Map());
    assert.deepEqual(JSON.parse(all!), {
      measurement: "m",
      tags: { t: "1" },
      time: "0",
      fields: { f: 0.1, inf: "+Inf", i: "-9007199254740993", small: -5, b: false, s: 'a "quote"\n' },
    });
    assert.equal(formatPointJson(batch, 0, 0, batch.valueCount, info, new Set(["zzz"]), new Map()), null);
  });
});
