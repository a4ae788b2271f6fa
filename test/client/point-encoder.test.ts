// The client's line-protocol encoder: escaping, typed values, times, and a round trip through the server's parser.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineProtocolParser } from "../../src/ingest/index.ts";
import { FieldType, WriteBatch, parseSeriesKey } from "../../src/storage/index.ts";
import { int, uint } from "../../src/client/index.ts";
import type { FieldValue, Point } from "../../src/client/index.ts";
import { PointEncoder } from "../../src/client/point-encoder.ts";
import { formatPointTime } from "../../src/client/point-time.ts";

const encode = (point: Point, precision: "ns" | "us" | "ms" | "s" = "ns") =>
  new PointEncoder().encode(point, precision);

describe("PointEncoder", () => {
  const table: Array<{ name: string; input: Point; want: string }> = [
    { name: "a float field", input: { measurement: "cpu", fields: { v: 1 } }, want: "cpu v=1" },
    { name: "negative zero", input: { measurement: "m", fields: { v: -0 } }, want: "m v=-0" },
    { name: "a large float", input: { measurement: "m", fields: { v: 1e21 } }, want: "m v=1e+21" },
    {
      name: "a bigint as int64",
      input: { measurement: "m", fields: { v: 2n ** 62n } },
      want: "m v=4611686018427387904i",
    },
    { name: "int()", input: { measurement: "m", fields: { v: int(-5) } }, want: "m v=-5i" },
    {
      name: "uint() of a bigint",
      input: { measurement: "m", fields: { v: uint(2n ** 64n - 1n) } },
      want: "m v=18446744073709551615u",
    },
    { name: "booleans", input: { measurement: "m", fields: { a: true, b: false } }, want: "m a=true,b=false" },
    {
      name: "string escapes",
      input: { measurement: "m", fields: { s: 'say "hi" \\ bye' } },
      want: 'm s="say \\"hi\\" \\\\ bye"',
    },
    { name: "a newline inside a string", input: { measurement: "m", fields: { s: "a\nb" } }, want: 'm s="a\nb"' },
    { name: "measurement escapes", input: { measurement: "a b,c=d", fields: { v: 1 } }, want: "a\\ b\\,c=d v=1" },
    {
      name: "key escapes",
      input: { measurement: "m", tags: { "k =,": "v =," }, fields: { "f =,": 1 } },
      want: "m,k\\ \\=\\,=v\\ \\=\\, f\\ \\=\\,=1",
    },
    {
      name: "a backslash before a special byte",
      input: { measurement: "a\\ b", fields: { v: 1 } },
      want: "a\\\\ b v=1",
    },
    {
      name: "sorted tags",
      input: { measurement: "m", tags: { b: "2", a: "1" }, fields: { v: 1 } },
      want: "m,a=1,b=2 v=1",
    },
    {
      name: "empty tag values dropped",
      input: { measurement: "m", tags: { a: "", b: "x", c: undefined }, fields: { v: 1 } },
      want: "m,b=x v=1",
    },
    {
      name: "a bigint time",
      input: { measurement: "m", fields: { v: 1 }, time: 1714564800123456789n },
      want: "m v=1 1714564800123456789",
    },
    {
      name: "a ms number time",
      input: { measurement: "m", fields: { v: 1 }, time: 1714564800123 },
      want: "m v=1 1714564800123000000",
    },
    { name: "a Date time", input: { measurement: "m", fields: { v: 1 }, time: new Date(5) }, want: "m v=1 5000000" },
    {
      name: "an RFC3339 time",
      input: { measurement: "m", fields: { v: 1 }, time: "1970-01-01T00:00:01.000000002Z" },
      want: "m v=1 1000000002",
    },
  ];
  for (const { name, input, want } of table) {
    it(`encodes ${name}`, () => assert.equal(encode(input), want));
  }

  const bad: Array<{ name: string; input: Point }> = [
    { name: "an empty measurement", input: { measurement: "", fields: { v: 1 } } },
    { name: "no fields", input: { measurement: "m", fields: {} } },
    { name: "NaN", input: { measurement: "m", fields: { v: NaN } } },
    { name: "Infinity", input: { measurement: "m", fields: { v: Infinity } } },
    { name: "a name ending in a backslash", input: { measurement: "m\\", fields: { v: 1 } } },
    { name: "a tag value with a newline", input: { measurement: "m", tags: { k: "a\nb" }, fields: { v: 1 } } },
    { name: "a measurement starting with #", input: { measurement: "#m", fields: { v: 1 } } },
    { name: "a first field key starting with a tab", input: { measurement: "m", fields: { "\tv": 1 } } },
    { name: "an int64 overflow", input: { measurement: "m", fields: { v: 2n ** 63n } } },
    { name: "a negative uint", input: { measurement: "m", fields: { v: uint(-1) } } },
    { name: "an unsafe int() number", input: { measurement: "m", fields: { v: int(2 ** 60) } } },
    { name: "a lone surrogate", input: { measurement: "m", fields: { s: "\ud800" } } },
    { name: "a time beyond int64", input: { measurement: "m", fields: { v: 1 }, time: 2n ** 63n } },
    { name: "a malformed time string", input: { measurement: "m", fields: { v: 1 }, time: "yesterday" } },
    { name: "February 30", input: { measurement: "m", fields: { v: 1 }, time: "2001-02-30T00:00:00Z" } },
    { name: "an invalid Date", input: { measurement: "m", fields: { v: 1 }, time: new Date(NaN) } },
  ];
  for (const { name, input } of bad) {
    it(`rejects ${name} with CLIENT_BAD_POINT`, () => {
      assert.throws(() => encode(input), { code: "CLIENT_BAD_POINT", category: "invalid" });
    });
  }
});

describe("formatPointTime", () => {
  const table = [
    { name: "ms number in ms", input: [1714564800123, "ms"] as const, want: "1714564800123" },
    { name: "ms number in s", input: [1714564800999, "s"] as const, want: "1714564800" },
    { name: "fractional ms in ns", input: [1.5, "ns"] as const, want: "1500000" },
    { name: "fractional ms in us", input: [1714564800123.456, "us"] as const, want: "1714564800123456" },
    { name: "negative ms rounds down in s", input: [-1, "s"] as const, want: "-1" },
    { name: "negative ms in ns", input: [-1500, "ns"] as const, want: "-1500000000" },
    { name: "bigint ns in ms rounds down", input: [-1n, "ms"] as const, want: "-1" },
    { name: "max int64 ns", input: [2n ** 63n - 1n, "ns"] as const, want: "9223372036854775807" },
    { name: "RFC3339 with offset", input: ["2024-01-01T01:00:00+01:00", "s"] as const, want: "1704067200" },
    { name: "a leap day", input: ["2000-02-29T00:00:00Z", "s"] as const, want: "951782400" },
    {
      name: "the smallest int64 time",
      input: ["1677-09-21T00:12:43.145224192Z", "ns"] as const,
      want: "-9223372036854775808",
    },
    { name: "decimal ns string", input: ["-5", "ns"] as const, want: "-5" },
  ];
  for (const { name, input, want } of table) {
    it(`formats ${name}`, () => assert.equal(formatPointTime(input[0], input[1]), want));
  }
});

// Reads back the single point of `line` with the server's parser.
function parseBack(line: string) {
  const batch = new WriteBatch();
  const report = new LineProtocolParser().parse(Buffer.from(line + "\n"), batch, {
    precision: "ns",
    defaultSec: 0,
    defaultNsec: 0,
  });
  return { batch, report };
}

const UNENCODABLE = new Set(["CLIENT_BAD_POINT"]);

describe("PointEncoder round trip through LineProtocolParser", () => {
  const name = fc.string({ unit: "binary", minLength: 1, maxLength: 8 });
  const special = fc.constantFrom(" ", ",", "=", "\\", '"', "\t", "#", "a", "\u00e9", "\u{1f600}", "\r");
  const tricky = fc.array(special, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(""));
  const anyName = fc.oneof(name, tricky);
  const value: fc.Arbitrary<FieldValue> = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => uint(v)),
    fc.boolean(),
    fc.oneof(fc.string({ unit: "binary", maxLength: 10 }), tricky),
  );
  const point = fc.record({
    measurement: anyName,
    tags: fc.dictionary(anyName, fc.oneof(anyName, fc.constant("")), { maxKeys: 4 }),
    fields: fc.dictionary(anyName, value, { minKeys: 1, maxKeys: 4 }),
    time: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  });

  it("parses back to the same point, or is refused with CLIENT_BAD_POINT", () => {
    fc.assert(
      fc.property(point, (p) => {
        let line: string;
        try {
          line = encode(p);
        } catch (error) {
          assert.ok(UNENCODABLE.has((error as { code: string }).code));
          return;
        }
        const { batch, report } = parseBack(line);
        assert.deepEqual(report.errors, [], line);
        assert.equal(batch.pointCount, 1);
        assert.equal(batch.measurements[0], p.measurement);
        const tags = parseSeriesKey(batch.seriesKeys[0]!).tags;
        const wantTags = Object.entries(p.tags)
          .filter(([, v]) => v !== "")
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        assert.deepEqual(tags, wantTags);
        assert.equal(BigInt(batch.sec[0]!) * 1_000_000_000n + BigInt(batch.nsec[0]!), p.time);
        const names = Object.keys(p.fields);
        assert.equal(batch.valueCount, names.length);
        for (let j = 0; j < names.length; j++) {
          assert.equal(batch.valueField[j], names[j]);
          assertValue(batch, j, p.fields[names[j]!]!);
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

function assertValue(batch: WriteBatch, j: number, want: FieldValue): void {
  const type = batch.valueType[j];
  if (typeof want === "number") {
    assert.equal(type, FieldType.Float);
    assert.ok(Object.is(batch.valueNum[j], want), `${batch.valueNum[j]} vs ${want}`);
  } else if (typeof want === "bigint") {
    assert.equal(type, FieldType.Int);
    assert.equal(batch.bigValue(j), want);
  } else if (typeof want === "boolean") {
    assert.equal(type, FieldType.Bool);
    assert.equal(batch.valueNum[j], want ? 1 : 0);
  } else if (typeof want === "string") {
    assert.equal(type, FieldType.String);
    assert.equal(batch.valueStr[j], want);
  } else {
    assert.equal(type, FieldType.Uint);
    assert.equal(batch.bigValue(j), BigInt((want as { uint: bigint }).uint));
  }
}
