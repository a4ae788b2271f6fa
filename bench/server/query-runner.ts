// Times the six benchmark queries against one system over HTTP, in each language it speaks: warm-up runs, then
// measured runs from request to the last byte of the response (JSON parsing is not timed).
import * as http from "node:http";
import type { Peer } from "../../test/peers/index.ts";
import { seededRandom } from "../tsbs-cpu.ts";
import { get } from "./http-sender.ts";
import type { ServerQuerySpec } from "./server-queries.ts";
import type { BenchSystem } from "./systems.ts";

/** One query's figures in one language on one system. */
export interface QueryFigures {
  name: string;
  language: "influxql" | "promql";
  runs: number;
  medianMs: number | null;
  p95Ms: number | null;
  /** The very first run's time (cold: caches and, for Strata, the JIT not yet warm), warm-ups included. */
  firstMs: number | null;
  /** Points (InfluxQL rows, PromQL samples) per measured run, on average: a check that the systems agree. */
  rows: number;
  /** The first error the system returned, when a run failed (then no timings are reported). */
  error?: string;
}

/** Runs every spec in InfluxQL and PromQL when `system` speaks them; each run `i` of query `q` uses seed 1000(q+1)+i. */
export async function runQueries(
  peer: Peer,
  system: BenchSystem,
  specs: ServerQuerySpec[],
  options: { runs: number; warmups: number },
  log: (message: string) => void,
): Promise<QueryFigures[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out: QueryFigures[] = [];
  try {
    for (const language of ["influxql", "promql"] as const) {
      for (const [q, spec] of specs.entries()) {
        const urlOf = (i: number): string | undefined => {
          const built = spec.build(seededRandom(1000 * (q + 1) + i));
          return language === "influxql"
            ? system.influxqlUrl(peer, built.influxql)
            : system.promqlUrl(peer, built.promql);
        };
        if (urlOf(0) === undefined) continue;
        const figures = await timeQuery(agent, spec.name, language, urlOf, options);
        out.push(figures);
        log(`${language} ${spec.name}: ${figures.error ?? `median ${figures.medianMs} ms, ${figures.rows} rows`}`);
      }
    }
  } finally {
    agent.destroy();
  }
  return out;
}

async function timeQuery(
  agent: http.Agent,
  name: string,
  language: "influxql" | "promql",
  urlOf: (i: number) => string | undefined,
  options: { runs: number; warmups: number },
): Promise<QueryFigures> {
  const times: number[] = [];
  let rows = 0;
  let firstMs = 0;
  for (let i = 0; i < options.warmups + options.runs; i++) {
    const url = urlOf(i)!;
    const start = performance.now();
    const { status, text } = await get(agent, url);
    const ms = performance.now() - start;
    const counted = language === "influxql" ? influxRows(status, text) : promRows(status, text);
    if (typeof counted === "string") {
      return {
        name,
        language,
        runs: 0,
        medianMs: null,
        p95Ms: null,
        firstMs: null,
        rows: 0,
        error: `${counted} (${url.slice(0, 160)})`,
      };
    }
    if (i === 0) firstMs = ms;
    if (i < options.warmups) continue;
    times.push(ms);
    rows += counted;
  }
  times.sort((a, b) => a - b);
  return {
    name,
    language,
    runs: options.runs,
    medianMs: round(quantile(times, 0.5)),
    p95Ms: round(quantile(times, 0.95)),
    firstMs: round(firstMs),
    rows: round(rows / options.runs),
  };
}

/** Rows in an InfluxQL response, or an error description. */
function influxRows(status: number, text: string): number | string {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  const body = JSON.parse(text) as { results?: Array<{ error?: string; series?: Array<{ values?: unknown[] }> }> };
  let rows = 0;
  for (const result of body.results ?? []) {
    if (result.error !== undefined) return `error: ${result.error}`;
    for (const s of result.series ?? []) rows += s.values?.length ?? 0;
  }
  return rows;
}

/** Samples in a Prometheus API response, or an error description. */
function promRows(status: number, text: string): number | string {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  const body = JSON.parse(text) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: Array<{ values?: unknown[] }> };
  };
  if (body.status !== "success" || body.data === undefined) return `error: ${body.error ?? text.slice(0, 300)}`;
  if (body.data.resultType === "matrix") {
    let rows = 0;
    for (const s of body.data.result) rows += s.values?.length ?? 0;
    return rows;
  }
  return body.data.resultType === "vector" ? body.data.result.length : 1;
}

// Nearest-rank quantile of ascending `sorted`.
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
