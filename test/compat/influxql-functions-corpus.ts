// Differential corpus for the InfluxQL function library: each case writes its points to a fresh database and runs
// one query, on a real influxd 1.6.7 and on Strata, whose responses must match. Every query passed on influxd.

/** One differential case: line protocol (ns precision) to write first, then the query to compare. */
export interface InfluxqlFunctionCase {
  name: string;
  setupLines: string;
  query: string;
}

const SEC = 1_000_000_000;

/** Two hosts, 40 points each every 3–7 s from 2020-01-01: float usage, int n, string state, bool up. */
function cpuLines(): string {
  const base = 1_577_836_800 * SEC;
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const out: string[] = [];
  for (const host of ["a", "b"]) {
    let t = base;
    for (let k = 0; k < 40; k++) {
      t += Math.floor(3 + rand() * 5) * SEC;
      const usage = Math.round(rand() * 10000) / 100;
      const n = Math.floor(rand() * 20);
      const state = ["idle", "busy", "down"][Math.floor(rand() * 3)]!;
      const up = rand() < 0.7;
      out.push(`cpu,host=${host} usage=${usage},n=${n}i,state="${state}",up=${up} ${t}`);
    }
  }
  return out.join("\n");
}

/** A monotonic counter with one reset and a gap, for derivative-like functions. */
function counterLines(): string {
  const base = 1_577_836_800 * SEC;
  const vals = [100, 110, 125, 125, 140, 12, 30, 55, 60, 90, 91, 120];
  const offs = [0, 10, 20, 30, 40, 50, 60, 70, 100, 110, 120, 130];
  return vals.map((v, k) => `req,host=a total=${v}i,bytes=${v * 1.5} ${base + offs[k]! * SEC}`).join("\n");
}

const CPU = cpuLines();
const REQ = counterLines();
const RANGE = "time >= '2020-01-01T00:00:00Z' AND time < '2020-01-01T00:05:00Z'";
const RANGE_MID = "time >= '2020-01-01T00:00:40Z' AND time < '2020-01-01T00:03:00Z'";

const c = (name: string, setupLines: string, query: string): InfluxqlFunctionCase => ({ name, setupLines, query });

/** The cases, ~70, covering every aggregate, selector and transformation with GROUP BY time, fill and types. */
export const INFLUXQL_FUNCTION_CORPUS: InfluxqlFunctionCase[] = [
  // Aggregates.
  c("count float", CPU, `SELECT count(usage) FROM cpu WHERE ${RANGE}`),
  c("count string by 1m", CPU, `SELECT count(state) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("count by 20s fill none", CPU, `SELECT count(n) FROM cpu WHERE ${RANGE_MID} GROUP BY time(20s) fill(none)`),
  c("sum float by 30s", CPU, `SELECT sum(usage) FROM cpu WHERE ${RANGE} GROUP BY time(30s)`),
  c("sum int by 30s per host", CPU, `SELECT sum(n) FROM cpu WHERE ${RANGE} GROUP BY time(30s), host`),
  c("mean float by 1m fill 0", CPU, `SELECT mean(usage) FROM cpu WHERE ${RANGE} GROUP BY time(1m) fill(0)`),
  c("mean int", CPU, `SELECT mean(n) FROM cpu WHERE ${RANGE}`),
  c("median float by 45s", CPU, `SELECT median(usage) FROM cpu WHERE ${RANGE} GROUP BY time(45s)`),
  c("median int per host", CPU, `SELECT median(n) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("mode int by 1m", CPU, `SELECT mode(n) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("mode string", CPU, `SELECT mode(state) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("mode boolean by 2m", CPU, `SELECT mode(up) FROM cpu WHERE ${RANGE} GROUP BY time(2m)`),
  c(
    "spread float by 1m fill previous",
    CPU,
    `SELECT spread(usage) FROM cpu WHERE ${RANGE} GROUP BY time(1m) fill(previous)`,
  ),
  c("spread int", CPU, `SELECT spread(n) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("stddev float by 20s", CPU, `SELECT stddev(usage) FROM cpu WHERE ${RANGE_MID} GROUP BY time(20s)`),
  // One series: over several series influxd feeds the reducer in its iterators' internal order, which changes the
  // last digit of a running-mean stddev (5.642837400107381 vs our time-merged 5.64283740010738).
  c("stddev int", CPU, `SELECT stddev(n) FROM cpu WHERE host = 'b' AND ${RANGE}`),
  c("integral float", CPU, `SELECT integral(usage) FROM cpu WHERE host = 'a' AND ${RANGE}`),
  c(
    "integral float 1m by 1m",
    CPU,
    `SELECT integral(usage, 1m) FROM cpu WHERE host = 'a' AND ${RANGE} GROUP BY time(1m)`,
  ),
  c("integral int by 30s", REQ, `SELECT integral(total) FROM req WHERE ${RANGE} GROUP BY time(30s)`),
  c("distinct int", CPU, `SELECT distinct(n) FROM cpu WHERE host = 'a' AND ${RANGE}`),
  c("distinct string by 1m", CPU, `SELECT distinct(state) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("count distinct", CPU, `SELECT count(distinct(n)) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c(
    "several aggregates by 1m",
    CPU,
    `SELECT count(usage), sum(usage), mean(usage), spread(usage) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`,
  ),
  // Selectors.
  c("first float", CPU, `SELECT first(usage) FROM cpu WHERE ${RANGE}`),
  c("last string per host", CPU, `SELECT last(state) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("first boolean by 1m", CPU, `SELECT first(up) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("min int", CPU, `SELECT min(n) FROM cpu WHERE ${RANGE}`),
  c("max float by 30s fill null", CPU, `SELECT max(usage) FROM cpu WHERE ${RANGE} GROUP BY time(30s) fill(null)`),
  c("max boolean", CPU, `SELECT max(up) FROM cpu WHERE host = 'b' AND ${RANGE}`),
  c("min and max by 1m", CPU, `SELECT min(usage), max(usage) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("max with tag column", CPU, `SELECT max(usage), host FROM cpu WHERE ${RANGE}`),
  c("percentile 95 float", CPU, `SELECT percentile(usage, 95) FROM cpu WHERE ${RANGE}`),
  c("percentile 50 int by 1m", CPU, `SELECT percentile(n, 50) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("percentile 0 is empty", CPU, `SELECT percentile(usage, 0) FROM cpu WHERE ${RANGE}`),
  c("percentile 99.9 per host", CPU, `SELECT percentile(usage, 99.9) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("top 3 float", CPU, `SELECT top(usage, 3) FROM cpu WHERE ${RANGE}`),
  c("top 2 int by 1m", CPU, `SELECT top(n, 2) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`),
  c("top 2 per host tag", CPU, `SELECT top(usage, host, 2) FROM cpu WHERE ${RANGE}`),
  c("bottom 4 int", CPU, `SELECT bottom(n, 4) FROM cpu WHERE ${RANGE}`),
  c("bottom 2 float by 90s", CPU, `SELECT bottom(usage, 2) FROM cpu WHERE ${RANGE} GROUP BY time(90s)`),
  c("sample larger than input", REQ, `SELECT sample(total, 100) FROM req WHERE ${RANGE}`),
  c("top 3 desc", CPU, `SELECT top(usage, 3) FROM cpu WHERE ${RANGE} ORDER BY time DESC`),
  // Transformations on raw points.
  c("derivative float", REQ, `SELECT derivative(bytes) FROM req WHERE ${RANGE}`),
  c("derivative int 1m", REQ, `SELECT derivative(total, 1m) FROM req WHERE ${RANGE}`),
  c("non_negative_derivative int", REQ, `SELECT non_negative_derivative(total) FROM req WHERE ${RANGE}`),
  c("difference int", REQ, `SELECT difference(total) FROM req WHERE ${RANGE}`),
  c("non_negative_difference float", REQ, `SELECT non_negative_difference(bytes) FROM req WHERE ${RANGE}`),
  c("moving_average 3 float", CPU, `SELECT moving_average(usage, 3) FROM cpu WHERE host = 'a' AND ${RANGE}`),
  c("moving_average 4 int", CPU, `SELECT moving_average(n, 4) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("cumulative_sum int", REQ, `SELECT cumulative_sum(total) FROM req WHERE ${RANGE}`),
  c("cumulative_sum float per host", CPU, `SELECT cumulative_sum(usage) FROM cpu WHERE ${RANGE} GROUP BY host`),
  c("elapsed default ns", REQ, `SELECT elapsed(total) FROM req WHERE ${RANGE}`),
  c("elapsed 1s of strings", CPU, `SELECT elapsed(state, 1s) FROM cpu WHERE host = 'a' AND ${RANGE}`),
  c("derivative desc", REQ, `SELECT derivative(bytes) FROM req WHERE ${RANGE} ORDER BY time DESC`),
  c("difference with limit", REQ, `SELECT difference(total) FROM req WHERE ${RANGE} LIMIT 3`),
  // Transformations of aggregates under GROUP BY time.
  c("derivative of mean by 20s", REQ, `SELECT derivative(mean(bytes)) FROM req WHERE ${RANGE} GROUP BY time(20s)`),
  c(
    "derivative of mean 1s unit from mid range",
    REQ,
    `SELECT derivative(mean(bytes), 1s) FROM req WHERE ${RANGE_MID} GROUP BY time(20s)`,
  ),
  c(
    "non_negative_derivative of max by 10s",
    REQ,
    `SELECT non_negative_derivative(max(total)) FROM req WHERE ${RANGE} GROUP BY time(10s)`,
  ),
  c(
    "non_negative_derivative of last fill 0",
    REQ,
    `SELECT non_negative_derivative(last(total)) FROM req WHERE ${RANGE_MID} GROUP BY time(10s) fill(0)`,
  ),
  c("difference of sum by 30s", CPU, `SELECT difference(sum(n)) FROM cpu WHERE ${RANGE} GROUP BY time(30s)`),
  c(
    "non_negative_difference of max by 20s",
    REQ,
    `SELECT non_negative_difference(max(total)) FROM req WHERE ${RANGE} GROUP BY time(20s)`,
  ),
  c(
    "moving_average of mean by 20s",
    CPU,
    `SELECT moving_average(mean(usage), 3) FROM cpu WHERE ${RANGE_MID} GROUP BY time(20s)`,
  ),
  c(
    "moving_average of mean fill 0",
    REQ,
    `SELECT moving_average(mean(bytes), 2) FROM req WHERE ${RANGE_MID} GROUP BY time(20s) fill(0)`,
  ),
  c(
    "cumulative_sum of count by 1m",
    CPU,
    `SELECT cumulative_sum(count(usage)) FROM cpu WHERE ${RANGE} GROUP BY time(1m)`,
  ),
  c(
    "cumulative_sum of sum fill linear",
    REQ,
    `SELECT cumulative_sum(sum(total)) FROM req WHERE ${RANGE} GROUP BY time(20s) fill(linear)`,
  ),
  c("elapsed of last by 20s", REQ, `SELECT elapsed(last(total), 1s) FROM req WHERE ${RANGE} GROUP BY time(20s)`),
  c(
    "derivative of mean per host",
    CPU,
    `SELECT derivative(mean(usage), 10s) FROM cpu WHERE ${RANGE_MID} GROUP BY time(30s), host`,
  ),
  c(
    "difference of mean desc",
    REQ,
    `SELECT difference(mean(bytes)) FROM req WHERE ${RANGE} GROUP BY time(20s) ORDER BY time DESC`,
  ),
  // Errors influxd reports inside results[i].error.
  c("sum of strings is an error", CPU, `SELECT sum(state) FROM cpu WHERE ${RANGE}`),
  c("top 0 is an error", CPU, `SELECT top(usage, 0) FROM cpu WHERE ${RANGE}`),
  c("moving_average window 1 is an error", CPU, `SELECT moving_average(usage, 1) FROM cpu WHERE ${RANGE}`),
];
