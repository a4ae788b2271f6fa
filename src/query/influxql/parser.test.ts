// Parser tests: influxd 1.6.7's parse error messages (testdata/parse-errors.json), the syntax tree of the
// statements Strata supports, and fast-check fuzzing (only InvalidError may escape, and parsing terminates).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { isTsdbError } from "../../base/index.ts";
import { parseInfluxQL } from "./parser.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const parseErrors = JSON.parse(fs.readFileSync(path.join(here, "testdata", "parse-errors.json"), "utf8")) as Array<{
  query: string;
  want: string;
}>;
const golden = JSON.parse(fs.readFileSync(path.join(here, "testdata", "influxql-golden.json"), "utf8")) as Array<{
  query: string;
}>;

const VALID = [
  "SELECT * FROM cpu",
  "select mean(usage) from cpu where time > now() - 1h group by time(1m, 30s), host fill(linear) order by time desc limit 10 offset 2 slimit 3 soffset 1",
  'SELECT "usage" AS "u", idle::integer, host::tag, *::field FROM "db"."rp"."m", db..m2, /re.*/',
  "SELECT derivative(mean(x), 1s) FROM m WHERE time >= '2017-01-01T00:00:00Z' AND time < 1500000000s GROUP BY time(1h)",
  "SELECT (a + b) * 2 / c % 3 - -1 FROM m WHERE a =~ /x\\/y/ AND (b != 'q' OR c <> 2.5)",
  "SELECT mean(v) FROM (SELECT max(v) AS v FROM m GROUP BY time(1m)) GROUP BY *",
  "SELECT DISTINCT host FROM m; SELECT count(distinct(host)) FROM m",
  "SELECT top(v, host, 3), bottom(v, 2), percentile(v, 99.9), sample(v, 5) FROM m",
  "SHOW DATABASES; SHOW MEASUREMENTS WITH MEASUREMENT =~ /c.*/ WHERE host = 'a' LIMIT 1 OFFSET 2",
  "SHOW TAG KEYS ON db FROM m WHERE host = 'a'; SHOW TAG VALUES FROM m WITH KEY IN (a, b) WHERE x = 'y'",
  "SHOW TAG VALUES WITH KEY =~ /h/; SHOW FIELD KEYS FROM m; SHOW SERIES FROM m WHERE a = 'b' LIMIT 5",
  "SHOW RETENTION POLICIES ON db; CREATE DATABASE x; DROP DATABASE x; DROP MEASUREMENT m",
  "DROP SERIES FROM m WHERE host = 'a'; DELETE FROM m WHERE time < 100; DELETE WHERE host = 'x'",
  "SELECT * FROM cpu tz('UTC')",
];

describe("parseInfluxQL errors", () => {
  for (const { query, want } of parseErrors) {
    it(`reports ${JSON.stringify(query)} as influxd does`, () => {
      assert.throws(
        () => parseInfluxQL(query),
        (e: unknown) => isTsdbError(e) && e.code === "QUERY_PARSE" && e.message === want,
      );
    });
  }

  it("reports a missing bound parameter", () => {
    assert.throws(() => parseInfluxQL("SELECT * FROM m WHERE a = $x"), { code: "QUERY_PARSE" });
  });

  it("rejects expressions nested too deeply instead of overflowing the stack", () => {
    assert.throws(() => parseInfluxQL(`SELECT ${"(".repeat(5000)}a${")".repeat(5000)} FROM m`), {
      code: "QUERY_PARSE",
    });
    assert.throws(() => parseInfluxQL(`SELECT ${"-".repeat(5000)}a FROM m`), { code: "QUERY_PARSE" });
  });
});

describe("parseInfluxQL statements", () => {
  for (const q of [...VALID, ...golden.map((g) => g.query)]) {
    it(`parses ${q.length > 80 ? q.slice(0, 80) + "…" : q}`, () => {
      try {
        parseInfluxQL(q, { x: 1 });
      } catch (e) {
        // Golden queries include influxd parse errors; those must fail as QUERY_PARSE, nothing else.
        assert.ok(isTsdbError(e) && e.code === "QUERY_PARSE", String(e));
      }
    });
  }

  it("builds the syntax tree of a grouped aggregate", () => {
    const [s] = parseInfluxQL(
      "SELECT mean(usage) AS m FROM db.autogen.cpu WHERE host = 'a' GROUP BY time(10s, 5s), host fill(0) LIMIT 3",
    );
    assert.ok(s !== undefined && s.kind === "select");
    assert.deepEqual(s.fields, [
      { expr: { kind: "call", name: "mean", args: [{ kind: "varref", name: "usage" }] }, alias: "m" },
    ]);
    assert.deepEqual(s.sources, [{ kind: "measurement", db: "db", rp: "autogen", name: "cpu" }]);
    assert.deepEqual(s.dimensions, [
      { kind: "time", intervalNs: 10_000_000_000n, offsetNs: 5_000_000_000n },
      { kind: "tag", name: "host" },
    ]);
    assert.deepEqual(s.fill, { value: 0 });
    assert.equal(s.limit, 3);
  });

  it("respects operator precedence and left associativity", () => {
    const [s] = parseInfluxQL("SELECT a - b - c * d FROM m");
    assert.ok(s !== undefined && s.kind === "select");
    const text = JSON.stringify(s.fields[0]!.expr);
    assert.equal(
      text,
      JSON.stringify({
        kind: "binary",
        op: "-",
        lhs: { kind: "binary", op: "-", lhs: { kind: "varref", name: "a" }, rhs: { kind: "varref", name: "b" } },
        rhs: { kind: "binary", op: "*", lhs: { kind: "varref", name: "c" }, rhs: { kind: "varref", name: "d" } },
      }),
    );
  });

  it("binds parameters of each JSON type", () => {
    const [s] = parseInfluxQL("SELECT v FROM m WHERE a = $s AND b = $n AND c = $f AND d = $b", {
      s: "x",
      n: 3,
      f: 1.5,
      b: true,
    });
    assert.ok(s !== undefined && s.kind === "select");
    const text = JSON.stringify(s.condition, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    for (const part of ['"value":"x"', '"value":"3n"', '"value":1.5', '"value":true']) assert.ok(text.includes(part));
  });
});

describe("parseInfluxQL fuzzing", () => {
  const onlyInvalid = (q: string): void => {
    try {
      parseInfluxQL(q);
    } catch (e) {
      if (!isTsdbError(e) || e.category !== "invalid") throw e;
    }
  };

  it("throws only InvalidError on random text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyInvalid), { seed: 42, numRuns: 3000 });
  });

  it("throws only InvalidError on random InfluxQL-ish token soup", () => {
    const token = fc.constantFrom(
      "SELECT",
      "FROM",
      "WHERE",
      "GROUP",
      "BY",
      "time(",
      ")",
      "(",
      ",",
      ";",
      "*",
      "/",
      "/re/",
      "'s'",
      '"q"',
      "1",
      "1.5",
      "10s",
      "-",
      "+",
      "=~",
      "!=",
      "AND",
      "OR",
      "fill(",
      "LIMIT",
      "SHOW",
      "TAG",
      "VALUES",
      "WITH",
      "KEY",
      "=",
      "m",
      "mean(",
      "::",
      "field",
      "$p",
      "DROP",
      "SERIES",
      "DELETE",
      ".",
      "IN",
      "tz(",
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => onlyInvalid(tokens.join(" "))),
      { seed: 42, numRuns: 3000 },
    );
  });

  it("throws only InvalidError on mutations of valid queries", () => {
    const base = fc.constantFrom(...VALID, ...golden.map((g) => g.query));
    const mutated = fc
      .tuple(base, fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4 }))
      .map(([q, at, cut, insert]) => {
        const i = at % (q.length + 1);
        return q.slice(0, i) + insert + q.slice(i + cut);
      });
    fc.assert(fc.property(mutated, onlyInvalid), { seed: 42, numRuns: 5000 });
  });
});
