import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isTsdbError } from "../../base/index.ts";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../../storage/index.ts";
import {
  parsePromDuration,
  parsePromTime,
  promInstantQuery,
  promLabelNames,
  promLabelValues,
  promMetadata,
  promRangeQuery,
  promSeries,
} from "./index.ts";
import { formatPromFloat } from "./format-float.ts";

const DB = "telegraf";

/** Line-protocol-shaped data: measurements with several fields of every type. */
async function seed(engine: StorageEngine): Promise<void> {
  const b = new WriteBatch();
  for (let i = 0; i < 10; i++) {
    for (const host of ["a", "b"]) {
      b.addPoint(formatSeriesKey("cpu", [["host", host]]), "cpu", 60 * i, 0);
      b.addNumber("usage_idle", FieldType.Float, 90 - i);
      b.addNumber("usage_user", FieldType.Int, i);
      b.addNumber("up", FieldType.Bool, i % 2);
      b.addString("state", "ok");
      b.addPoint(formatSeriesKey("mem", [["host", host]]), "mem", 60 * i, 0);
      b.addNumber("value", FieldType.Float, 1000 + i);
    }
  }
  // `a_b_c` is both measurement `a` field `b_c` and measurement `a_b` field `c`: both appear under one name.
  b.addPoint(formatSeriesKey("a", [["src", "1"]]), "a", 0, 0);
  b.addNumber("b_c", FieldType.Float, 1);
  b.addPoint(formatSeriesKey("a_b", [["src", "2"]]), "a_b", 0, 0);
  b.addNumber("c", FieldType.Float, 2);
  await engine.write(DB, b);
}

describe("PromQL API over line-protocol data", () => {
  let dir = "";
  let engine: StorageEngine;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    engine = await StorageEngine.open(dir, { sync: "never" });
    await seed(engine);
  });
  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names series <measurement>_<field> and <measurement> for field value", async () => {
    const data = await promInstantQuery(engine, DB, `cpu_usage_idle{host="a"} + on(host) mem`, 540_000);
    assert.deepEqual(data, { resultType: "vector", result: [{ metric: { host: "a" }, value: [540, "1090"] }] });
  });

  it("reads integers as numbers and booleans as 0/1, and hides strings", async () => {
    const up = await promInstantQuery(engine, DB, `cpu_up{host="b"}`, 60_000);
    assert.deepEqual(up, {
      resultType: "vector",
      result: [{ metric: { __name__: "cpu_up", host: "b" }, value: [60, "1"] }],
    });
    const user = await promInstantQuery(engine, DB, `cpu_usage_user{host="b"} * 2`, 120_000);
    assert.deepEqual(user, { resultType: "vector", result: [{ metric: { host: "b" }, value: [120, "4"] }] });
    const strings = await promInstantQuery(engine, DB, "cpu_state", 60_000);
    assert.deepEqual(strings, { resultType: "vector", result: [] });
  });

  it("includes every (measurement, field) pair a name can split into", async () => {
    const data = await promInstantQuery(engine, DB, "a_b_c", 0);
    assert.equal(data.resultType, "vector");
    if (data.resultType === "vector") assert.deepEqual(data.result.map((r) => r.metric["src"]).sort(), ["1", "2"]);
  });

  it("answers range queries as a matrix sorted by labels", async () => {
    const data = await promRangeQuery(engine, DB, `sum by (host) (cpu_usage_user)`, 0, 120_000, 60_000);
    assert.deepEqual(data, {
      resultType: "matrix",
      result: [
        {
          metric: { host: "a" },
          values: [
            [0, "0"],
            [60, "1"],
            [120, "2"],
          ],
        },
        {
          metric: { host: "b" },
          values: [
            [0, "0"],
            [60, "1"],
            [120, "2"],
          ],
        },
      ],
    });
  });

  it("returns scalars of range queries as one series without labels", async () => {
    const data = await promRangeQuery(engine, DB, "1 + 1", 0, 1000, 500);
    assert.deepEqual(data, {
      resultType: "matrix",
      result: [
        {
          metric: {},
          values: [
            [0, "2"],
            [0.5, "2"],
            [1, "2"],
          ],
        },
      ],
    });
  });

  it("treats an unknown database as empty", async () => {
    assert.deepEqual(await promInstantQuery(engine, "nope", "up", 0), { resultType: "vector", result: [] });
    assert.deepEqual(await promLabelNames(engine, "nope", []), []);
  });

  const badRanges: Array<{ name: string; input: [number, number, number]; want: string }> = [
    { name: "end before start", input: [10, 0, 1], want: "PROMQL_BAD_DATA" },
    { name: "zero step", input: [0, 10, 0], want: "PROMQL_BAD_DATA" },
    { name: "more than 11,000 points", input: [0, 11_001_000, 1000], want: "PROMQL_BAD_DATA" },
  ];
  for (const c of badRanges) {
    it(`rejects a range query with ${c.name}`, async () => {
      await assert.rejects(
        promRangeQuery(engine, DB, "mem", ...c.input),
        (e: unknown) => isTsdbError(e) && e.code === c.want,
      );
    });
  }

  it("rejects range-vector expressions in range queries", async () => {
    await assert.rejects(
      promRangeQuery(engine, DB, "mem[5m]", 0, 60_000, 1000),
      (e: unknown) => isTsdbError(e) && e.code === "PROMQL_BAD_DATA",
    );
  });

  it("enforces the sample limit", async () => {
    await assert.rejects(
      promRangeQuery(engine, DB, "mem", 0, 540_000, 1000, { maxSamples: 100 }),
      (e: unknown) => isTsdbError(e) && e.code === "PROMQL_TOO_MANY_SAMPLES" && e.category === "limit",
    );
  });

  it("enforces the timeout", async () => {
    await assert.rejects(
      promRangeQuery(engine, DB, "count_over_time(mem[1h:1s])", 0, 3_600_000, 1000, { timeoutMs: 0 }),
      (e: unknown) => isTsdbError(e) && e.code === "PROMQL_TIMEOUT" && e.category === "limit",
    );
  });

  it("honours a configured lookback delta", async () => {
    const at = 540_000 + 90_000;
    assert.equal((await promInstantQuery(engine, DB, "mem", at)).result.length, 2);
    assert.deepEqual(await promInstantQuery(engine, DB, "mem", at, { lookbackDeltaMs: 60_000 }), {
      resultType: "vector",
      result: [],
    });
  });

  it("lists series matching selectors", async () => {
    assert.deepEqual(await promSeries(engine, DB, [`{__name__=~"cpu_usage.*", host="a"}`, "mem"]), [
      { __name__: "cpu_usage_idle", host: "a" },
      { __name__: "cpu_usage_user", host: "a" },
      { __name__: "mem", host: "a" },
      { __name__: "mem", host: "b" },
    ]);
    assert.deepEqual(await promSeries(engine, DB, ["mem"], 3_600_000, 7_200_000), []);
    assert.equal((await promSeries(engine, DB, [`{host=~".+"}`], undefined, undefined, 3)).length, 3);
    await assert.rejects(promSeries(engine, DB, []), (e: unknown) => isTsdbError(e) && e.code === "PROMQL_BAD_DATA");
    await assert.rejects(
      promSeries(engine, DB, ["sum(x)"]),
      (e: unknown) => isTsdbError(e) && e.code === "PROMQL_BAD_DATA",
    );
  });

  it("lists label names and values", async () => {
    assert.deepEqual(await promLabelNames(engine, DB, []), ["__name__", "host", "src"]);
    assert.deepEqual(await promLabelNames(engine, DB, ["mem"]), ["__name__", "host"]);
    assert.deepEqual(await promLabelValues(engine, DB, "host", []), ["a", "b"]);
    assert.deepEqual(await promLabelValues(engine, DB, "__name__", []), [
      "a_b_c",
      "cpu_up",
      "cpu_usage_idle",
      "cpu_usage_user",
      "mem",
    ]);
    assert.deepEqual(await promLabelValues(engine, DB, "src", ["a_b_c"]), ["1", "2"]);
  });

  it("reports metadata honestly as unknown types", async () => {
    const all = await promMetadata(engine, DB);
    assert.deepEqual(all["mem"], [{ type: "unknown", help: "", unit: "" }]);
    assert.deepEqual(Object.keys(await promMetadata(engine, DB, "mem")), ["mem"]);
    assert.equal(Object.keys(await promMetadata(engine, DB, undefined, 2)).length, 2);
  });
});

describe("API parameters", () => {
  const times: Array<{ name: string; input: string; want: number }> = [
    { name: "integer seconds", input: "1435781451", want: 1435781451000 },
    { name: "fractional seconds", input: "1435781451.781", want: 1435781451781 },
    { name: "RFC3339", input: "2015-07-01T20:10:51.781Z", want: 1435781451781 },
    { name: "RFC3339 with offset", input: "2015-07-01T22:10:51+02:00", want: 1435781451000 },
    { name: "RFC3339 nanoseconds", input: "2015-07-01T20:10:51.781999999Z", want: 1435781451781 },
  ];
  for (const c of times) it(`parses time as ${c.name}`, () => assert.equal(parsePromTime("time", c.input), c.want));
  it("rejects a bad time naming the parameter", () => {
    assert.throws(
      () => parsePromTime("start", "yesterday"),
      (e: unknown) => isTsdbError(e) && e.code === "PROMQL_BAD_DATA" && e.message.includes('"start"'),
    );
  });
  const durations: Array<{ name: string; input: string; want: number }> = [
    { name: "seconds", input: "15", want: 15000 },
    { name: "fractional seconds", input: "1.5", want: 1500 },
    { name: "a duration", input: "1m", want: 60000 },
    { name: "a compound duration", input: "1h30m", want: 5_400_000 },
  ];
  for (const c of durations)
    it(`parses step as ${c.name}`, () => assert.equal(parsePromDuration("step", c.input), c.want));
  it("rejects a bad duration", () => {
    assert.throws(
      () => parsePromDuration("step", "fast"),
      (e: unknown) => isTsdbError(e) && e.code === "PROMQL_BAD_DATA",
    );
  });
});

describe("formatPromFloat", () => {
  const cases: Array<{ input: number; want: string }> = [
    { input: 1, want: "1" },
    { input: -1.5, want: "-1.5" },
    { input: NaN, want: "NaN" },
    { input: Infinity, want: "+Inf" },
    { input: -Infinity, want: "-Inf" },
    { input: -0, want: "-0" },
    { input: 1e21, want: "1000000000000000000000" },
    { input: 1.5e-7, want: "0.00000015" },
    { input: -1.2345e25, want: "-12345000000000000000000000" },
    { input: 0.1 + 0.2, want: "0.30000000000000004" },
    { input: 5e-324, want: "0." + "0".repeat(323) + "5" },
  ];
  for (const c of cases) it(`formats ${c.input} like Go`, () => assert.equal(formatPromFloat(c.input), c.want));
});
