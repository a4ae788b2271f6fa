import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resultToJson } from "../../src/cli/native-query-json.ts";
import { parseNativeQuery } from "../../src/query/index.ts";
import { ProgressBar } from "../../src/cli/progress-bar.ts";

describe("parseNativeQuery", () => {
  it("accepts every documented key", () => {
    const query = {
      measurement: "cpu",
      fields: ["a", { field: "b", fn: "percentile", percentile: 90, as: "p90" }],
      aggregate: "mean",
      where: [{ key: "host", op: "=~", value: "^web" }],
      anchored: false,
      fieldWhere: [{ field: "a", op: ">=", value: 1 }],
      start: "2024-01-01T00:00:00Z",
      end: "1704067200000000000",
      groupBy: { time: "1m", offset: "-30s", tags: "*" },
      fill: { value: 0 },
      order: "desc",
      limit: 10,
      offset: 2,
    };
    assert.deepEqual(parseNativeQuery(JSON.stringify(query), "CLI_BAD_QUERY"), query);
  });

  const bad = [
    { name: "text that is not JSON", input: "{measurement:" },
    { name: "a non-object", input: "[1]" },
    { name: "a missing measurement", input: "{}" },
    { name: "an unknown key", input: '{"measurement":"m","limt":1}' },
    { name: "fields that are not an array", input: '{"measurement":"m","fields":"a"}' },
    { name: "a tag matcher with a bad op", input: '{"measurement":"m","where":[{"key":"k","op":"==","value":"v"}]}' },
    { name: "a field condition without a value", input: '{"measurement":"m","fieldWhere":[{"field":"f","op":">"}]}' },
    { name: "a fractional time number", input: '{"measurement":"m","start":1.5}' },
    { name: "an unknown groupBy key", input: '{"measurement":"m","groupBy":{"tag":["a"]}}' },
    { name: "an unknown fill", input: '{"measurement":"m","fill":"zero"}' },
    { name: "a negative limit", input: '{"measurement":"m","limit":-1}' },
  ];
  for (const { name, input } of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseNativeQuery(input, "CLI_BAD_QUERY"), { code: "CLI_BAD_QUERY" });
    });
  }
});

describe("resultToJson", () => {
  it("prints rows with RFC3339 times, exact ns strings, and big integers as strings", () => {
    const json = resultToJson({
      series: [
        {
          name: "m",
          tags: { host: "a" },
          columns: ["time", "big", "f"],
          times: [1_700_000_000_123_456_789n, -1n],
          values: [
            [9_007_199_254_740_993n, 1],
            [0.5, null],
          ],
        },
      ],
      stats: { seriesScanned: 1, pointsDecoded: 2, blocksDecoded: 1, blocksFromStats: 0 },
    });
    assert.deepEqual(json.series[0], {
      name: "m",
      tags: { host: "a" },
      columns: ["time", "big", "f"],
      values: [
        ["2023-11-14T22:13:20.123456789Z", "9007199254740993", 0.5],
        ["1969-12-31T23:59:59.999999999Z", 1, null],
      ],
      timesNs: ["1700000000123456789", "-1"],
    });
  });
});

describe("ProgressBar", () => {
  it("redraws at most every 100 ms and clears its line", () => {
    const out: string[] = [];
    const bar = new ProgressBar({ write: (t: string) => out.push(t), columns: 80 }, 2 * 1024 * 1024, 0);
    bar.update(1024 * 1024, 500, 1000);
    bar.update(1024 * 1024, 600, 1050);
    bar.update(2 * 1024 * 1024, 1000, 2000);
    bar.clear();
    bar.clear();
    assert.equal(out.length, 3);
    assert.match(out[0]!, /^\r\[#+\.+\]  50% 1\.0\/2\.0 MiB 500 points\/s/);
    assert.match(out[1]!, /^\r\[#+\] 100% 2\.0\/2\.0 MiB 500 points\/s/);
    assert.equal(out[2], "\r\x1b[K");
  });
});
