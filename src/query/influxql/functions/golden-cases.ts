// The golden cases replayed by golden.test.ts: input points, the InfluxQL query sent to a real influxd 1.6.7, and
// how to replay it through this library. Test-only data; captured outputs live in testdata/*.json.
import type { FunctionCall } from "./value-type.ts";

/** How a golden query maps onto the library. */
export type GoldenReplay =
  /** SELECT fn(field) over [start, end), one bucket or GROUP BY time(interval) buckets. */
  | { kind: "bucket"; call: FunctionCall; field: string; intervalNs?: string }
  /** SELECT tf(field) over raw points in [start, end). */
  | { kind: "transform"; call: FunctionCall; field: string; descending?: boolean }
  /** SELECT tf(inner(field)) ... GROUP BY time(interval) fill(...). */
  | {
      kind: "transform-agg";
      call: FunctionCall;
      inner: FunctionCall;
      field: string;
      intervalNs: string;
      fill: "none" | number;
    }
  /** SELECT integral(field) ... GROUP BY time(interval[, offset]). */
  | { kind: "integral"; call: FunctionCall; field: string; intervalNs: string; offsetNs?: string }
  /** influxd answers with an error; the library must throw InvalidError with `code`. */
  | { kind: "error"; call: FunctionCall; field: string; code: string; transform?: boolean };

export interface GoldenCase {
  name: string;
  /** Line protocol, ns precision. */
  lines: string;
  /** Measurement queried. */
  measurement: string;
  startNs: string;
  endNs: string;
  replay: GoldenReplay;
  /** sample(): compare membership and count only (influxd's RNG is unseeded). */
  sampled?: boolean;
}

const SEC = 1_000_000_000;

/** A deterministic LCG so the datasets are stable without storing them twice. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** 24 jittered points of one series: float f with decimals, int i, string s, boolean b. */
function jittered(): string {
  const r = lcg(7);
  const out: string[] = [];
  let t = 0;
  for (let k = 0; k < 24; k++) {
    t += Math.floor((2 + r() * 6) * 1000) * 1_000_000;
    const f = Math.round((r() * 200 - 50) * 1000) / 1000;
    const i = Math.floor(r() * 41) - 10;
    const s = ["alpha", "beta", "gamma"][Math.floor(r() * 3)]!;
    const b = r() < 0.5;
    out.push(`cpu,host=a f=${f},i=${i}i,s="${s}",b=${b} ${t}`);
  }
  return out.join("\n");
}

/** A counter-like series with resets (for non_negative_* and derivative), one point every 5 s with gaps. */
function counter(): string {
  const vals = [10, 12, 15, 15, 3, 8, 20, 21, 21, 5, 9, 40];
  const secs = [0, 5, 10, 15, 20, 30, 35, 40, 55, 60, 65, 80];
  return vals.map((v, k) => `ctr v=${v + 0.5},n=${v}i ${secs[k]! * SEC}`).join("\n");
}

/** Repeated values, for ties in mode, min/max, top/bottom, percentile and distinct. */
function ties(): string {
  const vals = [5, 3, 5, 1, 3, 1, 7, 7, 2, 5, 1, 3, 9, 9, 9, 0];
  const strs = ["x", "y", "x", "z", "y", "z", "w", "w", "x", "y", "z", "z", "y", "x", "y", "x"];
  return vals.map((v, k) => `tie v=${v},n=${v}i,s="${strs[k]}",b=${k % 3 === 0} ${(k + 1) * SEC}`).join("\n");
}

/** Two series sharing some timestamps (points of a merged group at equal times). */
function merged(): string {
  return [
    `mer,h=a v=1,n=1i 1000000000`,
    `mer,h=b v=5,n=5i 1000000000`,
    `mer,h=a v=2,n=2i 2000000000`,
    `mer,h=b v=7,n=7i 3000000000`,
    `mer,h=a v=4,n=4i 3000000000`,
    `mer,h=b v=4,n=4i 4000000000`,
  ].join("\n");
}

/** Integers beyond ±2^53 and near the int64 limits. */
function bigInts(): string {
  return [
    `big n=9223372036854775807i 1000000000`,
    `big n=9223372036854775806i 2000000000`,
    `big n=-9007199254740993i 3000000000`,
    `big n=3i 4000000000`,
    `big n=9007199254740993i 5000000000`,
  ].join("\n");
}

/** Long series of small integers with many ties, in random, rising and falling runs (Go's pdqsort paths). */
function manyTies(): string {
  const r = lcg(99);
  const out: string[] = [];
  for (let k = 0; k < 400; k++) {
    const rnd = Math.floor(r() * 10);
    const up = Math.floor(k / 40) % 10;
    const down = 9 - (Math.floor(k / 7) % 10);
    out.push(`many rnd=${rnd}i,up=${up}i,down=${down}i,f=${rnd / 4} ${(k + 1) * SEC}`);
  }
  return out.join("\n");
}

const JIT = jittered();
const MANY = manyTies();
const CTR = counter();
const TIE = ties();
const MER = merged();
const BIG = bigInts();

const fn = (name: string, ...args: Array<number | string>): FunctionCall => ({ name, args });
const typed = (call: FunctionCall, valueType: FunctionCall["valueType"]): FunctionCall => ({ ...call, valueType });

function bucketCase(
  name: string,
  lines: string,
  m: string,
  field: string,
  call: FunctionCall,
  end: number,
  intervalS?: number,
): GoldenCase {
  const replay: GoldenReplay = { kind: "bucket", call, field };
  if (intervalS !== undefined) replay.intervalNs = String(intervalS * SEC);
  return { name, lines, measurement: m, startNs: "0", endNs: String(end * SEC), replay };
}

const AGGS = ["count", "sum", "mean", "median", "mode", "spread", "stddev", "distinct", "first", "last", "min", "max"];

function aggregateCases(): GoldenCase[] {
  const out: GoldenCase[] = [];
  for (const a of AGGS) {
    out.push(bucketCase(`${a} float`, JIT, "cpu", "f", fn(a), 200));
    out.push(bucketCase(`${a} int`, JIT, "cpu", "i", typed(fn(a), "integer"), 200));
    out.push(bucketCase(`${a} float by 20s`, JIT, "cpu", "f", fn(a), 200, 20));
    out.push(bucketCase(`${a} int by 15s`, JIT, "cpu", "i", typed(fn(a), "integer"), 200, 15));
    out.push(bucketCase(`${a} ties`, TIE, "tie", "v", fn(a), 100));
    out.push(bucketCase(`${a} int ties by 4s`, TIE, "tie", "n", typed(fn(a), "integer"), 100, 4));
    out.push(bucketCase(`${a} merged series`, MER, "mer", "v", fn(a), 10));
  }
  for (const a of ["count", "mode", "distinct", "first", "last"]) {
    out.push(bucketCase(`${a} string`, TIE, "tie", "s", typed(fn(a), "string"), 100));
    out.push(bucketCase(`${a} string by 5s`, TIE, "tie", "s", typed(fn(a), "string"), 100, 5));
  }
  for (const a of ["count", "mode", "distinct", "first", "last", "min", "max"]) {
    out.push(bucketCase(`${a} boolean`, TIE, "tie", "b", typed(fn(a), "boolean"), 100));
    out.push(bucketCase(`${a} boolean by 5s`, TIE, "tie", "b", typed(fn(a), "boolean"), 100, 5));
  }
  for (const a of ["sum", "spread", "max", "min", "mean", "median", "first", "last"]) {
    out.push(bucketCase(`${a} big int`, BIG, "big", "n", typed(fn(a), "integer"), 10));
  }
  return out;
}

function selectorCases(): GoldenCase[] {
  const out: GoldenCase[] = [];
  for (const p of [0, 1, 5, 10, 25, 33.3, 50, 75, 90, 99, 99.9, 100, 120]) {
    out.push(bucketCase(`percentile ${p} float`, JIT, "cpu", "f", fn("percentile", p), 200));
  }
  out.push(bucketCase("percentile 50 ties", TIE, "tie", "v", fn("percentile", 50), 100));
  for (const field of ["rnd", "up", "down", "f"]) {
    const typ = field === "f" ? "float" : "integer";
    for (const p of [1, 10, 50, 73, 90, 99]) {
      out.push(
        bucketCase(`percentile ${p} many ties ${field}`, MANY, "many", field, typed(fn("percentile", p), typ), 500),
      );
    }
    out.push(
      bucketCase(
        `percentile 50 many ties ${field} by 60s`,
        MANY,
        "many",
        field,
        typed(fn("percentile", 50), typ),
        500,
        60,
      ),
    );
    out.push(bucketCase(`mode many ties ${field}`, MANY, "many", field, typed(fn("mode"), typ), 500));
    out.push(bucketCase(`mode many ties ${field} by 45s`, MANY, "many", field, typed(fn("mode"), typ), 500, 45));
    out.push(bucketCase(`median many ties ${field} by 100s`, MANY, "many", field, typed(fn("median"), typ), 500, 100));
  }
  out.push(bucketCase("percentile 90 int ties by 5s", TIE, "tie", "n", typed(fn("percentile", 90), "integer"), 100, 5));
  out.push(bucketCase("percentile 40 float by 20s", JIT, "cpu", "f", fn("percentile", 40), 200, 20));
  for (const sel of ["top", "bottom"]) {
    for (const n of [1, 3, 5, 30]) out.push(bucketCase(`${sel} ${n} float`, JIT, "cpu", "f", fn(sel, n), 200));
    out.push(bucketCase(`${sel} 4 ties`, TIE, "tie", "v", fn(sel, 4), 100));
    out.push(bucketCase(`${sel} 2 int ties by 5s`, TIE, "tie", "n", typed(fn(sel, 2), "integer"), 100, 5));
    out.push(bucketCase(`${sel} 3 merged`, MER, "mer", "v", fn(sel, 3), 10));
    out.push(bucketCase(`${sel} 2 big int`, BIG, "big", "n", typed(fn(sel, 2), "integer"), 10));
  }
  const sample = (name: string, c: GoldenCase): GoldenCase => ({ ...c, name, sampled: true });
  out.push(sample("sample 5 float", bucketCase("", JIT, "cpu", "f", fn("sample", 5), 200)));
  out.push(sample("sample 100 string", bucketCase("", TIE, "tie", "s", typed(fn("sample", 100), "string"), 100)));
  out.push(sample("sample 2 by 20s", bucketCase("", JIT, "cpu", "f", fn("sample", 2), 200, 20)));
  out.push(bucketCase("integral float", JIT, "cpu", "f", fn("integral"), 200));
  out.push(bucketCase("integral int per minute", JIT, "cpu", "i", typed(fn("integral", 60 * SEC), "integer"), 200));
  out.push(bucketCase("integral counter 500ms", CTR, "ctr", "v", fn("integral", SEC / 2), 100));
  return out;
}

function integralCases(): GoldenCase[] {
  const mk = (
    name: string,
    lines: string,
    m: string,
    field: string,
    call: FunctionCall,
    intervalS: number,
    offsetS?: number,
  ): GoldenCase => {
    const replay: GoldenReplay = { kind: "integral", call, field, intervalNs: String(intervalS * SEC) };
    if (offsetS !== undefined) replay.offsetNs = String(offsetS * SEC);
    return { name, lines, measurement: m, startNs: "0", endNs: String(200 * SEC), replay };
  };
  return [
    mk("integral float by 10s", JIT, "cpu", "f", fn("integral"), 10),
    mk("integral float by 7s", JIT, "cpu", "f", fn("integral"), 7),
    mk("integral int by 10s", JIT, "cpu", "i", typed(fn("integral"), "integer"), 10),
    mk("integral int by 7s", JIT, "cpu", "i", typed(fn("integral"), "integer"), 7),
    mk("integral counter by 10s with gaps", CTR, "ctr", "v", fn("integral"), 10),
    mk("integral counter int by 10s unit 1m", CTR, "ctr", "n", typed(fn("integral", 60 * SEC), "integer"), 10),
    mk("integral float by 20s offset 5s", JIT, "cpu", "f", fn("integral"), 20, 5),
  ];
}

const TRANSFORMS = [
  "derivative",
  "non_negative_derivative",
  "difference",
  "non_negative_difference",
  "cumulative_sum",
  "elapsed",
];

function transformCases(): GoldenCase[] {
  const out: GoldenCase[] = [];
  const raw = (
    name: string,
    lines: string,
    m: string,
    field: string,
    call: FunctionCall,
    descending = false,
  ): GoldenCase => {
    const replay: GoldenReplay = { kind: "transform", call, field };
    if (descending) replay.descending = true;
    return { name, lines, measurement: m, startNs: "0", endNs: String(200 * SEC), replay };
  };
  const agg = (
    name: string,
    lines: string,
    m: string,
    field: string,
    call: FunctionCall,
    inner: FunctionCall,
    intervalS: number,
    fill: "none" | number,
    startS = 0,
  ): GoldenCase => ({
    name,
    lines,
    measurement: m,
    startNs: String(startS * SEC),
    endNs: String(100 * SEC),
    replay: { kind: "transform-agg", call, inner, field, intervalNs: String(intervalS * SEC), fill },
  });
  for (const tf of TRANSFORMS) {
    out.push(raw(`${tf} float`, JIT, "cpu", "f", fn(tf)));
    out.push(raw(`${tf} int`, CTR, "ctr", "n", typed(fn(tf), "integer")));
    out.push(raw(`${tf} counter desc`, CTR, "ctr", "v", fn(tf), true));
    out.push(agg(`${tf} of mean by 10s`, CTR, "ctr", "v", fn(tf), fn("mean"), 10, "none"));
    out.push(agg(`${tf} of max by 10s fill 0 from 20s`, CTR, "ctr", "v", fn(tf), fn("max"), 10, 0, 20));
  }
  out.push(raw("derivative 10s unit", JIT, "cpu", "f", fn("derivative", 10 * SEC)));
  out.push(raw("non_negative_derivative 1m unit", CTR, "ctr", "v", fn("non_negative_derivative", 60 * SEC)));
  out.push(raw("elapsed 1s unit", JIT, "cpu", "f", fn("elapsed", SEC)));
  out.push(raw("elapsed 7s unit of strings", JIT, "cpu", "s", typed(fn("elapsed", 7 * SEC), "string")));
  out.push(raw("difference big int", BIG, "big", "n", typed(fn("difference"), "integer")));
  out.push(raw("cumulative_sum big int", BIG, "big", "n", typed(fn("cumulative_sum"), "integer")));
  out.push(raw("derivative big int", BIG, "big", "n", typed(fn("derivative"), "integer")));
  for (const n of [2, 3, 5]) {
    out.push(raw(`moving_average ${n} float`, JIT, "cpu", "f", fn("moving_average", n)));
    out.push(raw(`moving_average ${n} int`, JIT, "cpu", "i", typed(fn("moving_average", n), "integer")));
  }
  out.push(raw("moving_average 2 big int", BIG, "big", "n", typed(fn("moving_average", 2), "integer")));
  out.push(raw("moving_average 3 desc", CTR, "ctr", "v", fn("moving_average", 3), true));
  out.push(agg("moving_average 3 of mean by 10s", CTR, "ctr", "v", fn("moving_average", 3), fn("mean"), 10, "none"));
  out.push(
    agg(
      "moving_average 3 of mean by 10s fill 0 from 30s",
      CTR,
      "ctr",
      "v",
      fn("moving_average", 3),
      fn("mean"),
      10,
      0,
      30,
    ),
  );
  out.push(
    agg(
      "derivative 1s of sum by 10s",
      CTR,
      "ctr",
      "n",
      typed(fn("derivative", SEC), "integer"),
      typed(fn("sum"), "integer"),
      10,
      "none",
    ),
  );
  out.push(agg("elapsed 1s of last by 5s", CTR, "ctr", "v", fn("elapsed", SEC), fn("last"), 5, "none"));
  return out;
}

function errorCases(): GoldenCase[] {
  const err = (name: string, field: string, call: FunctionCall, code: string, transform = false): GoldenCase => {
    const replay: GoldenReplay = { kind: "error", call, field, code };
    if (transform) replay.transform = true;
    return { name, lines: TIE, measurement: "tie", startNs: "0", endNs: String(100 * SEC), replay };
  };
  const out: GoldenCase[] = [];
  for (const a of ["sum", "mean", "median", "spread", "stddev", "integral"]) {
    out.push(err(`${a} of string`, "s", typed(fn(a), "string"), "QUERY_BAD_AGGREGATE"));
    out.push(err(`${a} of boolean`, "b", typed(fn(a), "boolean"), "QUERY_BAD_AGGREGATE"));
  }
  out.push(err("min of string", "s", typed(fn("min"), "string"), "QUERY_BAD_AGGREGATE"));
  out.push(err("max of string", "s", typed(fn("max"), "string"), "QUERY_BAD_AGGREGATE"));
  out.push(err("percentile of string", "s", typed(fn("percentile", 50), "string"), "QUERY_BAD_AGGREGATE"));
  out.push(err("top of boolean", "b", typed(fn("top", 2), "boolean"), "QUERY_BAD_AGGREGATE"));
  out.push(err("bottom of string", "s", typed(fn("bottom", 2), "string"), "QUERY_BAD_AGGREGATE"));
  out.push(err("top 0", "v", fn("top", 0), "QUERY_BAD_ARGUMENT"));
  out.push(err("sample 0", "v", fn("sample", 0), "QUERY_BAD_ARGUMENT"));
  for (const tf of ["derivative", "difference", "cumulative_sum"]) {
    out.push(err(`${tf} of string`, "s", typed(fn(tf), "string"), "QUERY_BAD_AGGREGATE", true));
  }
  out.push(
    err("moving_average of boolean", "b", typed(fn("moving_average", 2), "boolean"), "QUERY_BAD_AGGREGATE", true),
  );
  out.push(err("moving_average window 1", "v", fn("moving_average", 1), "QUERY_BAD_ARGUMENT", true));
  out.push(err("derivative unit 0", "v", fn("derivative", 0), "QUERY_BAD_ARGUMENT", true));
  return out;
}

/** Every golden case, grouped by the testdata file that holds its captured output. */
export const GOLDEN_GROUPS: Record<string, GoldenCase[]> = {
  aggregates: aggregateCases(),
  selectors: selectorCases(),
  integral: integralCases(),
  transforms: transformCases(),
  errors: errorCases(),
};

/** An InfluxQL literal for a call argument: durations for unit arguments, numbers otherwise. */
function argLiteral(name: string, a: number | string): string {
  const unit = name === "derivative" || name === "non_negative_derivative" || name === "elapsed" || name === "integral";
  return unit ? `${a}ns` : String(a);
}

function callText(call: FunctionCall, inner: string): string {
  const args = call.args.map((a) => argLiteral(call.name, a));
  return `${call.name}(${[inner, ...args].join(", ")})`;
}

/** The InfluxQL query a golden case sends to influxd. */
export function goldenQuery(c: GoldenCase): string {
  const r = c.replay;
  const where = `WHERE time >= ${c.startNs} AND time < ${c.endNs}`;
  const from = `FROM "${c.measurement}"`;
  switch (r.kind) {
    case "bucket": {
      const group = r.intervalNs === undefined ? "" : ` GROUP BY time(${r.intervalNs}ns) fill(none)`;
      return `SELECT ${callText(r.call, `"${r.field}"`)} ${from} ${where}${group}`;
    }
    case "transform":
      return `SELECT ${callText(r.call, `"${r.field}"`)} ${from} ${where}${r.descending === true ? " ORDER BY time DESC" : ""}`;
    case "transform-agg": {
      const inner = callText(r.inner, `"${r.field}"`);
      return `SELECT ${callText(r.call, inner)} ${from} ${where} GROUP BY time(${r.intervalNs}ns) fill(${r.fill})`;
    }
    case "integral": {
      const offset = r.offsetNs === undefined ? "" : `, ${r.offsetNs}ns`;
      return `SELECT ${callText(r.call, `"${r.field}"`)} ${from} ${where} GROUP BY time(${r.intervalNs}ns${offset}) fill(none)`;
    }
    case "error":
      return `SELECT ${callText(r.call, `"${r.field}"`)} ${from} ${where}`;
  }
}
