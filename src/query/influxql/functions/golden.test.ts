// Replays outputs captured from a real influxd 1.6.7 (testdata/*.json) through the function library.
// UPDATE_GOLDEN=1 recaptures them: it starts influxd on loopback in a temp dir, writes the points, runs the queries
// (then run prettier --write on testdata/).
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isTsdbError } from "../../../base/index.ts";
import type { FunctionCall, InfluxValue } from "./index.ts";
import { integrateSeries, keepsPointTime, reduceBucket, transformSeries, windowStart } from "./index.ts";
import type { GoldenCase } from "./golden-cases.ts";
import { GOLDEN_GROUPS, goldenQuery } from "./golden-cases.ts";

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** A captured value: JSON scalars, or an integer too large for a double, kept as its decimal text. */
type GoldenValue = number | string | boolean | null | { int64: string };

/** One testdata file: each dataset's line protocol once, keyed by measurement, and the captured cases. */
interface GoldenFile {
  datasets: Record<string, string>;
  cases: Array<Omit<GoldenRecord, "lines">>;
}

interface GoldenRecord extends GoldenCase {
  query: string;
  /** influxd's rows as [time ns (decimal), value], or its error message. */
  influx: { rows: Array<[string, GoldenValue]> } | { error: string };
}

// ---------------------------------------------------------------------------------------------- input points

interface Point {
  measurement: string;
  time: bigint;
  fields: Map<string, InfluxValue>;
}

/** Parses the simple line protocol the golden datasets use (no escapes, no commas or spaces in strings). */
function parseLines(lines: string): Point[] {
  const out: Point[] = [];
  for (const line of lines.split("\n")) {
    if (line.trim() === "") continue;
    const [series, fieldText, time] = line.split(" ") as [string, string, string];
    const fields = new Map<string, InfluxValue>();
    for (const kv of fieldText.split(",")) {
      const eq = kv.indexOf("=");
      const raw = kv.slice(eq + 1);
      let v: InfluxValue;
      if (raw.startsWith('"')) v = raw.slice(1, -1);
      else if (raw === "true" || raw === "false") v = raw === "true";
      else if (raw.endsWith("i")) {
        const b = BigInt(raw.slice(0, -1));
        v = b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
      } else v = Number(raw);
      fields.set(kv.slice(0, eq), v);
    }
    out.push({ measurement: series.split(",")[0]!, time: BigInt(time), fields });
  }
  // Stable: points at equal times keep line order.
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/** The (time, value) columns of `field` in [start, end). */
function column(c: GoldenCase, field: string, startNs: bigint): { times: bigint[]; values: InfluxValue[] } {
  const times: bigint[] = [];
  const values: InfluxValue[] = [];
  for (const p of parseLines(c.lines)) {
    const v = p.fields.get(field);
    if (p.measurement !== c.measurement || v === undefined || p.time < startNs || p.time >= BigInt(c.endNs)) continue;
    times.push(p.time);
    values.push(v);
  }
  return { times, values };
}

/** Splits a column into GROUP BY time buckets: [bucket start, times, values] for every bucket from `startNs`. */
function buckets(
  col: { times: bigint[]; values: InfluxValue[] },
  startNs: bigint,
  endNs: bigint,
  intervalNs: bigint,
): Array<[bigint, bigint[], InfluxValue[]]> {
  const out: Array<[bigint, bigint[], InfluxValue[]]> = [];
  for (let b = windowStart(startNs, intervalNs, 0n); b < endNs; b += intervalNs) {
    const ts: bigint[] = [];
    const vs: InfluxValue[] = [];
    for (let i = 0; i < col.times.length; i++) {
      if (col.times[i]! >= b && col.times[i]! < b + intervalNs) {
        ts.push(col.times[i]!);
        vs.push(col.values[i]!);
      }
    }
    out.push([b, ts, vs]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- replay

type Row = [bigint, InfluxValue];

function replay(c: GoldenCase): Row[] {
  const r = c.replay;
  const start = BigInt(c.startNs);
  const end = BigInt(c.endNs);
  switch (r.kind) {
    case "bucket": {
      const col = column(c, r.field, start);
      if (r.intervalNs === undefined) {
        return reduceBucket(r.call, col.times, col.values, start).map((x): Row => [x.time, x.value]);
      }
      const rows: Row[] = [];
      for (const [b, ts, vs] of buckets(col, start, end, BigInt(r.intervalNs))) {
        for (const x of reduceBucket(r.call, ts, vs, b)) rows.push([keepsPointTime(r.call.name) ? x.time : b, x.value]);
      }
      return rows;
    }
    case "transform": {
      const col = column(c, r.field, start);
      if (r.descending === true) {
        col.times.reverse();
        col.values.reverse();
      }
      const out = transformSeries(r.call, col.times, col.values, { descending: r.descending === true });
      return out.times.map((t, i): Row => [t, out.values[i]!]);
    }
    case "transform-agg": {
      const interval = BigInt(r.intervalNs);
      // InfluxDB reads one extra interval before the start for these transformations (see transformSeries).
      const extended = r.call.name === "cumulative_sum" ? start : start - interval;
      const col = column(c, r.field, extended);
      const bt: bigint[] = [];
      const bv: InfluxValue[] = [];
      for (const [b, ts, vs] of buckets(col, extended, end, interval)) {
        const rows = reduceBucket(r.inner, ts, vs, b);
        bt.push(b);
        bv.push(rows.length > 0 ? rows[0]!.value : r.fill === "none" ? null : r.fill);
      }
      const out = transformSeries(r.call, bt, bv, { intervalNs: interval });
      return out.times.map((t, i): Row => [t, out.values[i]!]);
    }
    case "integral": {
      const col = column(c, r.field, start);
      const opts = { intervalNs: BigInt(r.intervalNs), offsetNs: BigInt(r.offsetNs ?? "0") };
      const out = integrateSeries(r.call, col.times, col.values, opts);
      return out.times.map((t, i): Row => [t, out.values[i]!]);
    }
    case "error":
      return [];
  }
}

function sameValue(got: InfluxValue, want: GoldenValue): boolean {
  if (want !== null && typeof want === "object") {
    // Go prints large floats without an exponent too, so a float result may legitimately match as a number.
    if (typeof got === "bigint") return got === BigInt(want.int64);
    return typeof got === "number" && got === Number(want.int64);
  }
  return got === want;
}

function checkRecord(rec: GoldenRecord): void {
  const r = rec.replay;
  if (r.kind === "error") {
    assert.ok("error" in rec.influx, `influxd accepted ${rec.query}`);
    const col = column(rec, r.field, BigInt(rec.startNs));
    const call: FunctionCall = r.call;
    assert.throws(
      () =>
        r.transform === true
          ? transformSeries(call, col.times, col.values, {})
          : reduceBucket(call, col.times, col.values, 0n),
      (e: unknown) => isTsdbError(e) && e.category === "invalid" && e.code === r.code,
    );
    return;
  }
  assert.ok("rows" in rec.influx, `influxd failed: ${JSON.stringify(rec.influx)}`);
  const want = rec.influx.rows;
  const got = replay(rec);
  if (rec.sampled === true) {
    const all = new Set(column(rec, r.field, BigInt(rec.startNs)).times.map(String));
    assert.equal(got.length, want.length, "sample size");
    for (let i = 0; i < got.length; i++) {
      assert.ok(all.has(String(got[i]![0])), "sampled a point of the input");
      if (i > 0) assert.ok(got[i - 1]![0] <= got[i]![0], "sample rows in time order");
    }
    return;
  }
  const fmt = (rows: Array<[unknown, unknown]>): string =>
    JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  assert.equal(got.length, want.length, `row count: got ${fmt(got)} want ${fmt(want)}`);
  for (let i = 0; i < got.length; i++) {
    const [gt, gv] = got[i]!;
    const [wt, wv] = want[i]!;
    assert.equal(String(gt), wt, `row ${i} time: got ${fmt(got)} want ${fmt(want)}`);
    assert.ok(sameValue(gv, wv), `row ${i} value: got ${fmt(got)} want ${fmt(want)}`);
  }
}

// ---------------------------------------------------------------------------------------------- capture

/** Parses influxd's JSON, keeping integers beyond 2^53 exact as `{ int64 }`. */
function parseInfluxJson(text: string): unknown {
  const marked = text.replace(/([[,:])(-?\d{16,})(?=[,\]}])/g, '$1{"int64":"$2"}');
  return JSON.parse(marked);
}

/** A captured time as decimal ns text (times beyond 2^53 arrive as `{ int64 }`). */
function timeText(t: GoldenValue): string {
  return t !== null && typeof t === "object" ? t.int64 : String(t);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Influxd {
  proc: ChildProcess;
  url: string;
  dir: string;
}

async function startInfluxd(): Promise<Influxd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  const http = await freePort();
  const rpc = await freePort();
  const conf = [
    "reporting-disabled = true",
    `bind-address = "127.0.0.1:${rpc}"`,
    `[meta]\n  dir = "${dir}/meta"`,
    `[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"\n  query-log-enabled = false`,
    `[http]\n  bind-address = "127.0.0.1:${http}"\n  log-enabled = false`,
    "[monitor]\n  store-enabled = false",
    "[continuous_queries]\n  enabled = false",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "influxd.conf"), conf);
  const proc = spawn("influxd", ["-config", path.join(dir, "influxd.conf")], { stdio: "ignore" });
  const url = `http://127.0.0.1:${http}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/ping`)).status === 204) return { proc, url, dir };
    } catch {
      // Not listening yet: retry below (bounded by the loop).
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error("influxd did not start");
}

async function capture(): Promise<void> {
  const influx = await startInfluxd();
  try {
    await fetch(`${influx.url}/query`, { method: "POST", body: new URLSearchParams({ q: "CREATE DATABASE golden" }) });
    const written = new Set<string>();
    for (const cases of Object.values(GOLDEN_GROUPS)) {
      for (const c of cases) {
        if (written.has(c.lines)) continue;
        written.add(c.lines);
        const res = await fetch(`${influx.url}/write?db=golden&precision=ns`, { method: "POST", body: c.lines });
        assert.equal(res.status, 204, await res.text());
      }
    }
    fs.mkdirSync(TESTDATA, { recursive: true });
    for (const [group, cases] of Object.entries(GOLDEN_GROUPS)) {
      const file: GoldenFile = { datasets: {}, cases: [] };
      for (const c of cases) {
        const query = goldenQuery(c);
        const params = new URLSearchParams({ db: "golden", q: query, epoch: "ns" });
        const body = parseInfluxJson(await (await fetch(`${influx.url}/query?${params.toString()}`)).text()) as {
          results: Array<{ error?: string; series?: Array<{ values: Array<[GoldenValue, GoldenValue]> }> }>;
        };
        const result = body.results[0]!;
        const influxOut: GoldenRecord["influx"] =
          result.error !== undefined
            ? { error: result.error }
            : { rows: (result.series?.[0]?.values ?? []).map(([t, v]): [string, GoldenValue] => [timeText(t), v]) };
        const { lines, ...rest } = c;
        file.datasets[c.measurement] = lines;
        file.cases.push({ ...rest, query, influx: influxOut });
      }
      fs.writeFileSync(path.join(TESTDATA, `${group}.json`), JSON.stringify(file, null, 1) + "\n");
    }
  } finally {
    influx.proc.kill();
    fs.rmSync(influx.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------- tests

describe("golden outputs of influxd 1.6.7", () => {
  before(async () => {
    if (UPDATE) await capture();
  });
  for (const group of Object.keys(GOLDEN_GROUPS)) {
    it(`replays testdata/${group}.json`, () => {
      const file = JSON.parse(fs.readFileSync(path.join(TESTDATA, `${group}.json`), "utf8")) as GoldenFile;
      const records = file.cases.map((c): GoldenRecord => ({ ...c, lines: file.datasets[c.measurement]! }));
      assert.equal(records.length, GOLDEN_GROUPS[group]!.length, "testdata is stale: rerun with UPDATE_GOLDEN=1");
      const failures: string[] = [];
      for (const rec of records) {
        try {
          checkRecord(rec);
        } catch (e) {
          // Collected so one run reports every diverging case, then rethrown below as one failure.
          failures.push(`${rec.name}: ${rec.query}\n  ${(e as Error).message.split("\n")[0]}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});
