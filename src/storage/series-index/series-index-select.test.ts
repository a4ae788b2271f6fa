import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { InvalidError, SafeRegex } from "../../base/index.ts";
import { formatSeriesKey, parseSeriesKey } from "../model/index.ts";
import type { Tag } from "../model/index.ts";
import { SeriesIndex } from "./index.ts";
import type { TagMatcher } from "./index.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const SERIES = [
  "cpu,host=a,region=eu-west", // 1
  "cpu,host=b,region=eu-east", // 2
  "cpu,host=c,region=us-east", // 3
  "cpu,host=d", // 4
  "cpu,env=prod,host=e,region=us-west", // 5
  "mem,host=a,region=eu-west", // 6
  "mem", // 7
];

const m = (key: string, op: TagMatcher["op"], value: string): TagMatcher => ({ key, op, value });

describe("SeriesIndex.select", () => {
  let index: SeriesIndex;
  before(async () => {
    index = await SeriesIndex.open(path.join(root, "table"));
    for (const key of SERIES) index.getOrCreateSeries(key);
  });
  after(() => index.close());

  const cases: Array<{ name: string; input: [string | undefined, TagMatcher[], boolean]; want: number[] }> = [
    { name: "no matchers selects the measurement", input: ["cpu", [], true], want: [1, 2, 3, 4, 5] },
    { name: "equality", input: ["cpu", [m("host", "=", "a")], true], want: [1] },
    { name: "equality on an unknown value", input: ["cpu", [m("host", "=", "zz")], true], want: [] },
    { name: 'k="" selects series without k', input: ["cpu", [m("region", "=", "")], true], want: [4] },
    { name: 'k!="" selects series with k', input: ["cpu", [m("region", "!=", "")], true], want: [1, 2, 3, 5] },
    {
      name: "inequality also selects series without the tag",
      input: ["cpu", [m("region", "!=", "eu-west")], true],
      want: [2, 3, 4, 5],
    },
    { name: 'unknown key ="" selects all', input: ["cpu", [m("nokey", "=", "")], true], want: [1, 2, 3, 4, 5] },
    { name: "unknown key != selects all", input: ["cpu", [m("nokey", "!=", "x")], true], want: [1, 2, 3, 4, 5] },
    { name: "unknown key = selects none", input: ["cpu", [m("nokey", "=", "x")], true], want: [] },
    { name: "unknown key =~.* selects all", input: ["cpu", [m("nokey", "=~", ".*")], true], want: [1, 2, 3, 4, 5] },
    { name: "unknown key =~.+ selects none", input: ["cpu", [m("nokey", "=~", ".+")], true], want: [] },
    { name: "regex prefix", input: ["cpu", [m("region", "=~", "eu-.*")], true], want: [1, 2] },
    { name: "anchored regex needs a whole match", input: ["cpu", [m("region", "=~", "eu")], true], want: [] },
    { name: "unanchored regex matches substrings", input: ["cpu", [m("region", "=~", "east")], false], want: [2, 3] },
    {
      name: "unanchored negated regex keeps series without the tag",
      input: ["cpu", [m("region", "!~", "east")], false],
      want: [1, 4, 5],
    },
    { name: "negated regex", input: ["cpu", [m("region", "!~", "eu-.*")], true], want: [3, 4, 5] },
    { name: "=~.* selects all", input: ["cpu", [m("region", "=~", ".*")], true], want: [1, 2, 3, 4, 5] },
    { name: "=~.+ needs the tag", input: ["cpu", [m("region", "=~", ".+")], true], want: [1, 2, 3, 5] },
    { name: "!~.* selects none", input: ["cpu", [m("region", "!~", ".*")], true], want: [] },
    { name: '!~"" needs the tag', input: ["cpu", [m("region", "!~", "")], true], want: [1, 2, 3, 5] },
    {
      name: "literal alternation",
      input: ["cpu", [m("region", "=~", "eu-west|us-east")], true],
      want: [1, 3],
    },
    {
      name: "negated literal alternation",
      input: ["cpu", [m("region", "!~", "eu-west|us-east")], true],
      want: [2, 4, 5],
    },
    { name: "alternation with the empty string", input: ["cpu", [m("region", "=~", "|eu-west")], true], want: [1, 4] },
    {
      name: "regex and inequality",
      input: ["cpu", [m("region", "=~", "eu-.*"), m("host", "!=", "a")], true],
      want: [2],
    },
    {
      name: "inequality on a sparse tag and a regex",
      input: ["cpu", [m("env", "!=", "prod"), m("region", "=~", "us-.*")], true],
      want: [3],
    },
    {
      name: "alternation and negated regex",
      input: ["cpu", [m("host", "=~", "a|b|c"), m("region", "!~", "eu-west")], true],
      want: [2, 3],
    },
    { name: "contradiction", input: ["cpu", [m("host", "=", "a"), m("host", "=", "b")], true], want: [] },
    { name: "all measurements", input: [undefined, [m("host", "=", "a")], true], want: [1, 6] },
    { name: "all series", input: [undefined, [], true], want: [1, 2, 3, 4, 5, 6, 7] },
    { name: "all measurements without a tag", input: [undefined, [m("region", "=", "")], true], want: [4, 7] },
    { name: "unknown measurement", input: ["nope", [], true], want: [] },
  ];
  for (const c of cases) {
    it(`handles ${c.name}`, () => {
      assert.deepEqual(Array.from(index.select(...c.input)), c.want);
    });
  }

  it("rejects unknown operators and bad patterns as invalid", () => {
    const bad = { key: "host", op: "<>", value: "x" } as unknown as TagMatcher;
    assert.throws(() => index.select("cpu", [bad], true), { code: "STORAGE_BAD_MATCHER" });
    assert.throws(() => index.select("cpu", [m("host", "=~", "(")], true), InvalidError);
  });

  it("returns arrays the caller owns", () => {
    const a = index.select("cpu", [], true);
    a[0] = 42;
    assert.deepEqual(Array.from(index.select("cpu", [], true)), [1, 2, 3, 4, 5]);
  });
});

describe("SeriesIndex tag keys and values", () => {
  let index: SeriesIndex;
  before(async () => {
    index = await SeriesIndex.open(path.join(root, "tags"));
    for (const key of SERIES) index.getOrCreateSeries(key);
  });
  after(() => index.close());

  const cases: Array<{ name: string; input: [string, string | undefined, number[] | undefined]; want: string[] }> = [
    { name: "all keys", input: ["cpu", undefined, undefined], want: ["env", "host", "region"] },
    { name: "keys of one series", input: ["cpu", undefined, [4]], want: ["host"] },
    { name: "keys of every series", input: ["cpu", undefined, [1, 2, 3, 4, 5]], want: ["env", "host", "region"] },
    { name: "keys of another measurement's ids", input: ["cpu", undefined, [6, 7]], want: [] },
    { name: "keys of an unknown measurement", input: ["nope", undefined, undefined], want: [] },
    { name: "all values", input: ["cpu", "region", undefined], want: ["eu-east", "eu-west", "us-east", "us-west"] },
    { name: "values of a few series", input: ["cpu", "region", [1, 4]], want: ["eu-west"] },
    {
      name: "values of many series",
      input: ["cpu", "region", [1, 2, 3, 4, 5]],
      want: ["eu-east", "eu-west", "us-east", "us-west"],
    },
    { name: "values of an unknown key", input: ["cpu", "nokey", undefined], want: [] },
  ];
  for (const c of cases) {
    it(`lists ${c.name}`, () => {
      const [measurement, key, ids] = c.input;
      const restrict = ids === undefined ? undefined : Uint32Array.from(ids);
      const got =
        key === undefined ? index.tagKeys(measurement, restrict) : index.tagValues(measurement, key, restrict);
      assert.deepEqual(got, c.want);
    });
  }
});

/** Model: the value a series has for `key`, "" when absent. */
function valueOf(tags: readonly Tag[], key: string): string {
  for (const t of tags) if (t[0] === key) return t[1];
  return "";
}

function modelMatches(tags: readonly Tag[], mt: TagMatcher, anchored: boolean): boolean {
  const v = valueOf(tags, mt.key);
  switch (mt.op) {
    case "=":
      return v === mt.value;
    case "!=":
      return v !== mt.value;
    case "=~":
      return SafeRegex.compile(mt.value, { anchored }).test(v);
    case "!~":
      return !SafeRegex.compile(mt.value, { anchored }).test(v);
  }
}

describe("SeriesIndex against a brute-force model", () => {
  const tagKey = fc.constantFrom("a", "b", "c");
  const tagValue = fc.constantFrom("x", "y", "z", "xy", "yz", "host_1", "host_10");
  const series = fc.tuple(fc.constantFrom("m1", "m2"), fc.array(fc.tuple(tagKey, tagValue), { maxLength: 3 }));
  const pattern = fc.constantFrom("", "x", "x|y", ".*", ".+", "x.*", "y|", "host_1.*", "[xy]z?", "z");
  const literal = fc.constantFrom("", "x", "y", "xy", "host_1", "nope");
  const matcher = fc.oneof(
    fc.record({ key: tagKey, op: fc.constantFrom("=" as const, "!=" as const), value: literal }),
    fc.record({ key: tagKey, op: fc.constantFrom("=~" as const, "!~" as const), value: pattern }),
  );
  let runs = 0;

  it("select, tagKeys and tagValues agree with filtering every series", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(series, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat({ max: 45 }), { maxLength: 10 }),
        fc.array(matcher, { maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 45 }), { maxLength: 30 }),
        async (raw, deletes, matchers, anchored, subset) => {
          const index = await SeriesIndex.open(path.join(root, `prop${runs++}`));
          try {
            const created = raw.map(([meas, tags]) => index.getOrCreateSeries(formatSeriesKey(meas, tags)));
            index.deleteSeries(Uint32Array.from(deletes));
            const live = new Map<number, { measurement: string; tags: Tag[] }>();
            for (let id = 1; id <= Math.max(...created); id++) {
              if (deletes.includes(id)) continue;
              live.set(id, parseSeriesKey(index.seriesKey(id)));
            }
            for (const meas of [undefined, "m1", "m2"]) {
              const want = [...live]
                .filter(([, s]) => meas === undefined || s.measurement === meas)
                .filter(([, s]) => matchers.every((mt) => modelMatches(s.tags, mt, anchored)))
                .map(([id]) => id);
              assert.deepEqual(Array.from(index.select(meas, matchers, anchored)), want);
            }
            const ids = Uint32Array.from(new Set(subset)).sort();
            const inM1 = [...live].filter(([id, s]) => s.measurement === "m1" && ids.includes(id)).map(([, s]) => s);
            const keys = [...new Set(inM1.flatMap((s) => s.tags.map((t) => t[0])))].sort();
            assert.deepEqual(index.tagKeys("m1", ids), keys);
            for (const k of ["a", "b", "c"]) {
              const values = [...new Set(inM1.map((s) => valueOf(s.tags, k)).filter((v) => v !== ""))].sort();
              assert.deepEqual(index.tagValues("m1", k, ids), values);
            }
          } finally {
            await index.close();
          }
        },
      ),
      { seed: 42, numRuns: 120 },
    );
  });
});
