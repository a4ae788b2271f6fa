// Table tests for LineProtocolParser: values, escapes, timestamps, line handling, every error category.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldType, WriteBatch } from "../../storage/index.ts";
import type { Precision } from "../../base/index.ts";
import { LineProtocolParser } from "./line-protocol-parser.ts";
import type { ParseReport } from "./line-protocol-parser.ts";

const encoder = new TextEncoder();
const NS = { precision: "ns" as Precision, defaultSec: 1_700_000_000, defaultNsec: 123_456_789 };

function parse(text: string | Uint8Array, options = NS, parser = new LineProtocolParser()) {
  const batch = new WriteBatch();
  const report = parser.parse(typeof text === "string" ? encoder.encode(text) : text, batch, options);
  return { batch, report };
}

/** The single value of a one-line, one-field input. */
function onlyValue(line: string): { type: number; num: number; big: bigint | undefined; str: string } {
  const { batch, report } = parse(line);
  assert.deepEqual(report.errors, [], line);
  assert.equal(batch.valueCount, 1, line);
  return { type: batch.valueType[0], num: batch.valueNum[0], big: batch.valueBig.get(0), str: batch.valueStr[0] };
}

function firstError(text: string): ParseReport["errors"][number] {
  const { batch, report } = parse(text);
  assert.equal(report.errors.length, 1, `want one error for ${JSON.stringify(text)}`);
  assert.equal(batch.pointCount, 0);
  assert.equal(batch.valueCount, 0);
  return report.errors[0];
}

void describe("LineProtocolParser values", () => {
  const cases: { name: string; input: string; want: { type: number; num?: number; big?: bigint; str?: string } }[] = [
    { name: "plain float", input: "m v=1.5", want: { type: FieldType.Float, num: 1.5 } },
    { name: "integer-looking float", input: "m v=1", want: { type: FieldType.Float, num: 1 } },
    { name: "negative float", input: "m v=-1.5", want: { type: FieldType.Float, num: -1.5 } },
    { name: "leading dot", input: "m v=.5", want: { type: FieldType.Float, num: 0.5 } },
    { name: "trailing dot", input: "m v=5.", want: { type: FieldType.Float, num: 5 } },
    { name: "negative leading dot", input: "m v=-.5", want: { type: FieldType.Float, num: -0.5 } },
    { name: "exponent", input: "m v=1e10", want: { type: FieldType.Float, num: 1e10 } },
    { name: "upper exponent with sign", input: "m v=1.5E-3", want: { type: FieldType.Float, num: 1.5e-3 } },
    { name: "plus exponent", input: "m v=2e+2", want: { type: FieldType.Float, num: 200 } },
    { name: "negative zero", input: "m v=-0", want: { type: FieldType.Float, num: -0 } },
    {
      name: "many digits float",
      input: "m v=0.30000000000000004441",
      want: { type: FieldType.Float, num: 0.30000000000000004 },
    },
    {
      name: "huge float",
      input: "m v=1.7976931348623157e308",
      want: { type: FieldType.Float, num: 1.7976931348623157e308 },
    },
    { name: "tiny float", input: "m v=5e-324", want: { type: FieldType.Float, num: 5e-324 } },
    { name: "integer", input: "m v=123i", want: { type: FieldType.Int, num: 123 } },
    { name: "negative integer", input: "m v=-123i", want: { type: FieldType.Int, num: -123 } },
    { name: "negative zero integer is zero", input: "m v=-0i", want: { type: FieldType.Int, num: 0 } },
    { name: "int64 max", input: "m v=9223372036854775807i", want: { type: FieldType.Int, big: 9223372036854775807n } },
    {
      name: "int64 min",
      input: "m v=-9223372036854775808i",
      want: { type: FieldType.Int, big: -9223372036854775808n },
    },
    {
      name: "safe 16-digit integer",
      input: "m v=9007199254740991i",
      want: { type: FieldType.Int, num: 9007199254740991 },
    },
    { name: "unsigned", input: "m v=123u", want: { type: FieldType.Uint, num: 123 } },
    {
      name: "uint64 max",
      input: "m v=18446744073709551615u",
      want: { type: FieldType.Uint, big: 18446744073709551615n },
    },
    { name: "bool t", input: "m v=t", want: { type: FieldType.Bool, num: 1 } },
    { name: "bool T", input: "m v=T", want: { type: FieldType.Bool, num: 1 } },
    { name: "bool true", input: "m v=true", want: { type: FieldType.Bool, num: 1 } },
    { name: "bool True", input: "m v=True", want: { type: FieldType.Bool, num: 1 } },
    { name: "bool TRUE", input: "m v=TRUE", want: { type: FieldType.Bool, num: 1 } },
    { name: "bool f", input: "m v=f", want: { type: FieldType.Bool, num: 0 } },
    { name: "bool F", input: "m v=F", want: { type: FieldType.Bool, num: 0 } },
    { name: "bool false", input: "m v=false", want: { type: FieldType.Bool, num: 0 } },
    { name: "bool False", input: "m v=False", want: { type: FieldType.Bool, num: 0 } },
    { name: "bool FALSE", input: "m v=FALSE", want: { type: FieldType.Bool, num: 0 } },
    { name: "string", input: 'm v="hello world"', want: { type: FieldType.String, str: "hello world" } },
    { name: "empty string", input: 'm v=""', want: { type: FieldType.String, str: "" } },
    { name: "string escapes", input: 'm v="a\\"b\\\\c"', want: { type: FieldType.String, str: 'a"b\\c' } },
    { name: "string literal backslash", input: 'm v="a\\nb\\x"', want: { type: FieldType.String, str: "a\\nb\\x" } },
    { name: "string with separators", input: 'm v="a,b=c d"', want: { type: FieldType.String, str: "a,b=c d" } },
    { name: "string with newline", input: 'm v="a\nb"', want: { type: FieldType.String, str: "a\nb" } },
    { name: "unicode string", input: 'm v="héllo ✓ 😀"', want: { type: FieldType.String, str: "héllo ✓ 😀" } },
  ];
  for (const c of cases) {
    void it(`parses ${c.name}`, () => {
      const got = onlyValue(c.input);
      assert.equal(got.type, c.want.type);
      if (c.want.big !== undefined) assert.equal(got.big, c.want.big);
      if (c.want.num !== undefined) assert.ok(Object.is(got.num, c.want.num), `${got.num} vs ${c.want.num}`);
      if (c.want.str !== undefined) assert.equal(got.str, c.want.str);
    });
  }

  void it("parses floats bit-identically to Number.parseFloat", () => {
    const texts = ["0.1", "123456789012345678", "1.2345678901234567e-300", "9007199254740993", "4.35", "1e22", "1e23"];
    for (const text of texts) assert.ok(Object.is(onlyValue(`m v=${text}`).num, Number.parseFloat(text)), text);
  });

  void it("keeps several fields in order with their names", () => {
    const { batch } = parse('m a=1,b=2i,c="x",d=t');
    assert.deepEqual(batch.valueField.slice(0, batch.valueCount), ["a", "b", "c", "d"]);
    assert.deepEqual([...batch.valueType.subarray(0, 4)], [1, 2, 5, 4]);
  });
});

void describe("LineProtocolParser escapes and series keys", () => {
  const cases: { name: string; input: string; want: { key: string; measurement: string; field?: string } }[] = [
    { name: "sorted canonical key", input: "cpu,b=2,a=1 v=1", want: { key: "cpu,a=1,b=2", measurement: "cpu" } },
    { name: "measurement escaped comma", input: "c\\,pu v=1", want: { key: "c\\,pu", measurement: "c,pu" } },
    { name: "measurement escaped space", input: "c\\ pu v=1", want: { key: "c\\ pu", measurement: "c pu" } },
    { name: "measurement equals is literal", input: "c=pu v=1", want: { key: "c=pu", measurement: "c=pu" } },
    {
      name: "measurement backslash-equals is literal",
      input: "c\\=pu v=1",
      want: { key: "c\\\\=pu", measurement: "c\\=pu" },
    },
    { name: "measurement other backslash literal", input: "c\\pu v=1", want: { key: "c\\\\pu", measurement: "c\\pu" } },
    {
      name: "double backslash then escaped space",
      input: "a\\\\ b v=1",
      want: { key: "a\\\\\\ b", measurement: "a\\ b" },
    },
    { name: "tag key escapes", input: "m,a\\,b\\=c\\ d=1 v=1", want: { key: "m,a\\,b\\=c\\ d=1", measurement: "m" } },
    { name: "tag value escapes", input: "m,k=a\\,b\\=c\\ d v=1", want: { key: "m,k=a\\,b\\=c\\ d", measurement: "m" } },
    { name: "tag value literal backslash", input: "m,k=C:\\dir v=1", want: { key: "m,k=C:\\\\dir", measurement: "m" } },
    { name: "tag value quote is literal", input: 'm,k="x" v=1', want: { key: 'm,k="x"', measurement: "m" } },
    { name: "unicode names", input: "Mé,ключ=値 v=1", want: { key: "Mé,ключ=値", measurement: "Mé" } },
    { name: "field key escapes", input: "m a\\,b\\=c\\ d=1", want: { key: "m", measurement: "m", field: "a,b=c d" } },
    { name: "field key literal backslash", input: "m a\\b=1", want: { key: "m", measurement: "m", field: "a\\b" } },
    { name: "field key with quote", input: 'm a"b=1', want: { key: "m", measurement: "m", field: 'a"b' } },
    { name: "leading whitespace", input: " \t m v=1", want: { key: "m", measurement: "m", field: "v" } },
    { name: "several spaces between sections", input: "m   v=1   5", want: { key: "m", measurement: "m", field: "v" } },
  ];
  for (const c of cases) {
    void it(`handles ${c.name}`, () => {
      const { batch, report } = parse(c.input);
      assert.deepEqual(report.errors, []);
      assert.equal(batch.seriesKeys[0], c.want.key);
      assert.equal(batch.measurements[0], c.want.measurement);
      if (c.want.field !== undefined) assert.equal(batch.valueField[0], c.want.field);
    });
  }
});

void describe("LineProtocolParser timestamps", () => {
  const cases: { name: string; input: string; precision: Precision; want: [number, number] }[] = [
    { name: "ns", input: "m v=1 1451606400000000001", precision: "ns", want: [1451606400, 1] },
    { name: "us", input: "m v=1 1451606400000001", precision: "us", want: [1451606400, 1000] },
    { name: "ms", input: "m v=1 1451606400001", precision: "ms", want: [1451606400, 1_000_000] },
    { name: "s", input: "m v=1 1451606400", precision: "s", want: [1451606400, 0] },
    { name: "zero", input: "m v=1 0", precision: "ns", want: [0, 0] },
    { name: "negative zero", input: "m v=1 -0", precision: "ns", want: [0, 0] },
    { name: "small ns", input: "m v=1 5", precision: "ns", want: [0, 5] },
    { name: "small ms", input: "m v=1 5", precision: "ms", want: [0, 5_000_000] },
    { name: "negative ns", input: "m v=1 -1", precision: "ns", want: [-1, 999_999_999] },
    { name: "negative whole second", input: "m v=1 -2000000000", precision: "ns", want: [-2, 0] },
    { name: "negative ms", input: "m v=1 -1500", precision: "ms", want: [-2, 500_000_000] },
    { name: "leading zeros", input: "m v=1 000000000000000000000000001", precision: "ns", want: [0, 1] },
    { name: "int64 max", input: "m v=1 9223372036854775807", precision: "ns", want: [9223372036, 854775807] },
    { name: "int64 min", input: "m v=1 -9223372036854775808", precision: "ns", want: [-9223372037, 145224192] },
    { name: "max seconds", input: "m v=1 9223372036", precision: "s", want: [9223372036, 0] },
    { name: "trailing spaces", input: "m v=1 7   ", precision: "ns", want: [0, 7] },
  ];
  for (const c of cases) {
    void it(`reads ${c.name}`, () => {
      const { batch, report } = parse(c.input, { ...NS, precision: c.precision });
      assert.deepEqual(report.errors, []);
      assert.deepEqual([batch.sec[0], batch.nsec[0]], c.want);
    });
  }

  void it("uses the default time, truncated to the precision, when a line has none", () => {
    const want: Record<Precision, number> = { ns: 123_456_789, us: 123_456_000, ms: 123_000_000, s: 0 };
    for (const precision of ["ns", "us", "ms", "s"] as const) {
      const { batch } = parse("m v=1\nm v=2 ", { ...NS, precision });
      for (let p = 0; p < 2; p++) assert.deepEqual([batch.sec[p], batch.nsec[p]], [1_700_000_000, want[precision]]);
    }
  });
});

void describe("LineProtocolParser lines", () => {
  void it("skips blank lines, whitespace-only lines and comments, and numbers lines from firstLine", () => {
    const batch = new WriteBatch();
    const text = "# comment\n\n   \n  # indented comment\nm v=1\r\nm v=2\r\n\r\nm v=\n";
    const report = new LineProtocolParser().parse(encoder.encode(text), batch, NS, 10);
    assert.equal(report.points, 2);
    assert.deepEqual([...batch.lines.subarray(0, 2)], [14, 15]);
    assert.equal(report.errors[0].line, 17);
  });

  void it("keeps a newline inside a quoted string in the value and counts it for later line numbers", () => {
    const { batch, report } = parse('m s="a\nb",v=1 5\nm s="c\\"\nd"\nm v=\n');
    assert.deepEqual(batch.valueStr.slice(0, 3), ["a\nb", "", 'c"\nd']);
    assert.equal(report.errors[0].line, 5);
  });

  void it("ends a comment line at its newline even when it holds a quote after an equals sign", () => {
    const { batch, report } = parse('# x="y\nm v=1\n');
    assert.deepEqual(report.errors, []);
    assert.equal(batch.pointCount, 1);
  });

  void it("accepts a final line without a newline and a carriage return before newlines", () => {
    const { batch, report } = parse("m v=1 1\r\nm v=2 2");
    assert.deepEqual(report.errors, []);
    assert.deepEqual([batch.nsec[0], batch.nsec[1]], [1, 2]);
  });

  void it("appends to a non-empty batch and reports only what it added", () => {
    const parser = new LineProtocolParser();
    const batch = new WriteBatch();
    parser.parse(encoder.encode("a v=1,w=2"), batch, NS);
    const report = parser.parse(encoder.encode("b v=1\nbad\nc v=1"), batch, NS);
    assert.deepEqual([report.points, report.values, report.errors.length], [2, 2, 1]);
    assert.deepEqual(batch.seriesKeys.slice(0, batch.pointCount), ["a", "b", "c"]);
    assert.deepEqual([...batch.valuePoint.subarray(0, 4)], [0, 0, 1, 2]);
  });

  void it("keeps the valid lines around a bad one and drops every value of the bad one", () => {
    const { batch, report } = parse("m v=1 1\nm a=1,b=2,c=x 2\nm v=3 3\n");
    assert.equal(report.points, 2);
    assert.deepEqual(batch.valueField.slice(0, batch.valueCount), ["v", "v"]);
    assert.deepEqual([...batch.valueNum.subarray(0, 2)], [1, 3]);
    assert.deepEqual([...batch.valuePoint.subarray(0, 2)], [0, 1]);
  });

  void it("lets the last of repeated field keys win and rejects a repeat with another type", () => {
    const { batch, report } = parse('m v=1,w=2,v=3\nm s="a",s="b"\nm v=1,v=2i\nm b=999999999999999999i,b=1i');
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0].line, 3);
    assert.deepEqual(batch.valueField.slice(0, batch.valueCount), ["v", "w", "s", "b"]);
    assert.deepEqual([batch.valueNum[0], batch.valueNum[1], batch.valueStr[2], batch.valueNum[3]], [3, 2, "b", 1]);
    assert.equal(batch.valueBig.size, 0);
  });

  void it("reads correctly with tiny caches that are cleared over and over", () => {
    const parser = new LineProtocolParser({ maxCacheEntries: 2 });
    let text = "";
    for (let i = 0; i < 50; i++) text += `m,h=${i % 7} f${i % 5}=${i},g${i % 3}=1i ${i}\n`;
    const { batch, report } = parse(text, NS, parser);
    assert.deepEqual(report.errors, []);
    for (let i = 0; i < 50; i++) {
      assert.equal(batch.seriesKeys[i], `m,h=${i % 7}`);
      assert.equal(batch.valueField[2 * i], `f${i % 5}`);
      assert.equal(batch.valueField[2 * i + 1], `g${i % 3}`);
      assert.equal(batch.valueNum[2 * i], i);
    }
  });

  void it("reads a Uint8Array view at a non-zero offset", () => {
    const bytes = encoder.encode("xxxxm v=1 7\nyyyy");
    const { batch, report } = parse(bytes.subarray(4, 12));
    assert.deepEqual(report.errors, []);
    assert.deepEqual([batch.seriesKeys[0], batch.nsec[0]], ["m", 7]);
  });
});

void describe("LineProtocolParser errors", () => {
  // LineError.message is data (InfluxDB's reasons, documented in docs/format/line-protocol.md), not an
  // exception message, so these tests pin its category phrase and the exact column.
  const cases: { name: string; input: string; want: { message: string; column: number } }[] = [
    { name: "missing measurement", input: ",t=1 v=1", want: { message: "missing measurement", column: 1 } },
    { name: "measurement only", input: "cpu", want: { message: "missing fields", column: 4 } },
    { name: "measurement and space only", input: "cpu   ", want: { message: "missing fields", column: 7 } },
    { name: "tags only", input: "cpu,a=1", want: { message: "missing fields", column: 8 } },
    { name: "missing tag key", input: "cpu,=1 v=1", want: { message: "missing tag key", column: 5 } },
    { name: "trailing comma in tags", input: "cpu, v=1", want: { message: "missing tag key", column: 5 } },
    { name: "missing tag value", input: "cpu,a= v=1", want: { message: "missing tag value", column: 7 } },
    { name: "tag without equals", input: "cpu,a v=1", want: { message: "missing tag value", column: 6 } },
    { name: "invalid tag format", input: "cpu,a=b=c v=1", want: { message: "invalid tag format", column: 8 } },
    { name: "duplicate tags", input: "cpu,a=1,b=2,a=3 v=1", want: { message: "duplicate tags", column: 13 } },
    { name: "missing field key", input: "cpu =1", want: { message: "missing field key", column: 5 } },
    { name: "missing second field key", input: "cpu a=1,=2", want: { message: "missing field key", column: 9 } },
    { name: "field without value", input: "cpu a", want: { message: "invalid field format", column: 6 } },
    { name: "trailing comma in fields", input: "cpu a=1,", want: { message: "invalid field format", column: 9 } },
    { name: "double comma in fields", input: "cpu a=1,,b=2", want: { message: "invalid field format", column: 9 } },
    { name: "text after string", input: 'cpu a="x"y', want: { message: "invalid field format", column: 10 } },
    { name: "missing field value at end", input: "cpu a=", want: { message: "missing field value", column: 7 } },
    {
      name: "missing field value before comma",
      input: "cpu a=,b=1",
      want: { message: "missing field value", column: 7 },
    },
    {
      name: "missing field value before space",
      input: "cpu a= 1",
      want: { message: "missing field value", column: 7 },
    },
    { name: "NaN", input: "cpu a=NaN", want: { message: "invalid number", column: 7 } },
    { name: "nan", input: "cpu a=nan", want: { message: "invalid number", column: 7 } },
    { name: "inf", input: "cpu a=inf", want: { message: "invalid field value", column: 7 } },
    { name: "negative Inf", input: "cpu a=-Inf", want: { message: "invalid number", column: 7 } },
    { name: "lone minus", input: "cpu a=-", want: { message: "invalid number", column: 7 } },
    { name: "lone dot", input: "cpu a=.", want: { message: "invalid number", column: 7 } },
    { name: "two dots", input: "cpu a=1.2.3", want: { message: "invalid number", column: 7 } },
    { name: "empty exponent", input: "cpu a=1e", want: { message: "invalid number", column: 7 } },
    { name: "plus sign", input: "cpu a=+1", want: { message: "invalid field value", column: 7 } },
    { name: "hex", input: "cpu a=0x10", want: { message: "invalid number", column: 7 } },
    { name: "digits after suffix", input: "cpu a=1i0", want: { message: "invalid number", column: 7 } },
    { name: "float with integer suffix", input: "cpu a=1.5i", want: { message: "invalid number", column: 7 } },
    { name: "exponent with integer suffix", input: "cpu a=1e3i", want: { message: "invalid number", column: 7 } },
    { name: "bare suffix", input: "cpu a=-i", want: { message: "invalid number", column: 7 } },
    { name: "negative unsigned", input: "cpu a=-1u", want: { message: "invalid number", column: 7 } },
    { name: "bad suffix", input: "cpu a=1x", want: { message: "invalid number", column: 7 } },
    { name: "float overflow", input: "cpu a=1e309", want: { message: "invalid float", column: 7 } },
    { name: "int64 overflow", input: "cpu a=9223372036854775808i", want: { message: "value out of range", column: 7 } },
    {
      name: "int64 underflow",
      input: "cpu a=-9223372036854775809i",
      want: { message: "value out of range", column: 7 },
    },
    {
      name: "uint64 overflow",
      input: "cpu a=18446744073709551616u",
      want: { message: "value out of range", column: 7 },
    },
    { name: "bad boolean", input: "cpu a=tru", want: { message: "invalid boolean", column: 7 } },
    { name: "bad boolean case", input: "cpu a=tRUE", want: { message: "invalid boolean", column: 7 } },
    { name: "unquoted string", input: "cpu a=hello", want: { message: "invalid field value", column: 7 } },
    { name: "unbalanced quotes", input: 'cpu a="x', want: { message: "unbalanced quotes", column: 7 } },
    { name: "escaped closing quote", input: 'cpu a="x\\"', want: { message: "unbalanced quotes", column: 7 } },
    { name: "bad timestamp", input: "cpu a=1 12x3", want: { message: "bad timestamp", column: 11 } },
    { name: "float timestamp", input: "cpu a=1 1.5", want: { message: "bad timestamp", column: 10 } },
    { name: "lone minus timestamp", input: "cpu a=1 -", want: { message: "bad timestamp", column: 9 } },
    { name: "tab after timestamp", input: "cpu a=1 1\t", want: { message: "bad timestamp", column: 10 } },
    { name: "text after timestamp", input: "cpu a=1 1 2", want: { message: "point is invalid", column: 11 } },
    {
      name: "time above int64",
      input: "cpu a=1 9223372036854775808",
      want: { message: "time outside range", column: 9 },
    },
    {
      name: "time below int64",
      input: "cpu a=1 -9223372036854775809",
      want: { message: "time outside range", column: 9 },
    },
    {
      name: "many-digit time",
      input: "cpu a=1 99999999999999999999999",
      want: { message: "time outside range", column: 9 },
    },
  ];
  for (const c of cases) {
    void it(`reports ${c.name}`, () => {
      const error = firstError(c.input);
      assert.ok(error.message.includes(c.want.message), `${error.message} should say ${c.want.message}`);
      assert.equal(error.column, c.want.column);
      assert.equal(error.line, 1);
      assert.equal(error.text, c.input);
    });
  }

  void it("reports out-of-range times per precision", () => {
    const options = (precision: Precision) => ({ ...NS, precision });
    assert.equal(parse("m v=1 9223372036854776", options("us")).report.errors.length, 1);
    assert.equal(parse("m v=1 9223372036854775", options("us")).report.errors.length, 0);
    assert.equal(parse("m v=1 -9223372036854", options("ms")).report.errors.length, 0);
    assert.equal(parse("m v=1 -9223372036855", options("ms")).report.errors.length, 1);
    assert.equal(parse("m v=1 9223372036", options("s")).report.errors.length, 0);
    assert.equal(parse("m v=1 9223372037", options("s")).report.errors.length, 1);
  });

  void it("rejects invalid UTF-8 in names and string values", () => {
    for (const bytes of [
      [0x6d, 0xff, 0x20, 0x76, 0x3d, 0x31], // measurement
      [0x6d, 0x2c, 0x6b, 0x3d, 0xc3, 0x20, 0x76, 0x3d, 0x31], // tag value
      [0x6d, 0x20, 0xe2, 0x82, 0x3d, 0x31], // field key
      [0x6d, 0x20, 0x76, 0x3d, 0x22, 0xed, 0xa0, 0x80, 0x22], // string value (a UTF-16 surrogate)
    ]) {
      const { report } = parse(new Uint8Array(bytes));
      assert.equal(report.errors.length, 1);
      assert.ok(report.errors[0].message.includes("invalid utf-8"));
    }
  });

  void it("rejects a series key longer than 65535 bytes", () => {
    const error = firstError(`m,k=${"x".repeat(65535)} v=1`);
    assert.ok(error.message.includes("max key length exceeded"));
    assert.equal(error.text.length, 100);
  });

  void it("quotes at most 100 bytes of the bad line and excludes the carriage return", () => {
    const { report } = parse(`${"m".repeat(150)}\r\nbad\r\n`);
    assert.equal(report.errors[0].text, "m".repeat(100));
    assert.equal(report.errors[1].text, "bad");
    assert.equal(report.errors[1].line, 2);
  });

  void it("reports a bad line after a cached series without disturbing the cache", () => {
    const parser = new LineProtocolParser();
    const { batch, report } = parse("m,h=a v=1\nm,h=a v=x\nm,h=a v=2\n", NS, parser);
    assert.equal(report.errors.length, 1);
    assert.deepEqual(batch.seriesKeys.slice(0, batch.pointCount), ["m,h=a", "m,h=a"]);
  });
});
