// parseExactJson: JSON.parse semantics, with integers beyond ±2^53 kept exact as bigint.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseExactJson } from "../../src/client/exact-json.ts";

describe("parseExactJson", () => {
  const table = [
    { name: "an int64 time", input: '{"t":[[1714564800123456789,1]]}', want: { t: [[1714564800123456789n, 1]] } },
    {
      name: "the int64 extremes",
      input: "[-9223372036854775808,9223372036854775807]",
      want: [-(2n ** 63n), 2n ** 63n - 1n],
    },
    {
      name: "the largest safe integer as a number",
      input: "[9007199254740991,-9007199254740991]",
      want: [9007199254740991, -9007199254740991],
    },
    { name: "2^53 as a bigint", input: "9007199254740992", want: 9007199254740992n },
    { name: "a long float as a number", input: "[1234567890123456789.5, 1e300]", want: [1234567890123456789.5, 1e300] },
    {
      name: "escaped strings",
      input: '{"s":"a\\"b\\u00e9\\n","k\\u0041":"1234567890123456789"}',
      want: { s: 'a"bé\n', kA: "1234567890123456789" },
    },
    {
      name: "literals and nesting",
      input: ' {"a" : [true, false, null, {}, []], "n": 12345678901234567890 } ',
      want: { a: [true, false, null, {}, []], n: 12345678901234567890n },
    },
  ];
  for (const { name, input, want } of table) {
    it(`parses ${name}`, () => assert.deepEqual(parseExactJson(input), want));
  }

  const bad = ['{"a":1', "[1,]", "12345678901234567 x", '{"a" 1}', "tru", '"unterminated 12345678901234567'];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)} with a SyntaxError`, () =>
      assert.throws(() => parseExactJson(input), SyntaxError));
  }

  it("agrees with JSON.parse on any JSON once bigints are rounded to numbers", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        // Pad with a long-digit string so the exact parser (not the JSON.parse fast path) runs.
        const wrapped = `[${text},"12345678901234567"]`;
        assert.deepEqual(toNumbers(parseExactJson(wrapped)), JSON.parse(wrapped));
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it("keeps any int64 exact", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const got = parseExactJson(`{"v":${v}}`) as { v: number | bigint };
        assert.equal(BigInt(got.v), v);
        assert.equal(typeof got.v, Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? "number" : "bigint");
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

function toNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(toNumbers);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNumbers(v)]));
  }
  return value;
}
