// The server benchmark's six queries (the TSBS devops mix of bench/cpu-queries.ts) written twice: InfluxQL for
// InfluxDB and Strata, PromQL for VictoriaMetrics and Strata, drawing the same hosts and windows from one PRNG.
import { CPU_FIELDS, TSBS_START_SEC } from "../tsbs-cpu.ts";

/** A Prometheus HTTP API request: `query` (instant) or `query_range`, with its URL parameters. */
export interface PromRequest {
  endpoint: "query" | "query_range";
  params: Record<string, string>;
}

/** One query in both languages, over the same data, hosts and window. */
export interface ServerQuery {
  influxql: string;
  promql: PromRequest;
}

/** A benchmark query: a name, what it asks, and a builder drawing hosts and windows from `random`. */
export interface ServerQuerySpec {
  name: string;
  description: string;
  build(random: () => number): ServerQuery;
}

const HOUR_SEC = 3600;

/**
 * The six queries over `hosts` hosts and `hours` hours of TSBS cpu data. PromQL notes: `<f>_over_time` drops the
 * metric name, so a query over several fields is one `label_replace(..., "field", ...)` per field joined by `or`
 * (else the per-field results of one host would collide); range queries are evaluated at the end of each
 * InfluxQL `GROUP BY time` bucket, so both languages return the same number of points per series.
 */
export function serverQueries(hosts: number, hours: number): ServerQuerySpec[] {
  const host = (random: () => number): string => `host_${Math.floor(random() * hosts)}`;
  const window = (random: () => number, span: number): { start: number; end: number } => {
    const width = Math.min(span, hours);
    const first = Math.floor(random() * (hours - width + 1));
    return { start: TSBS_START_SEC + first * HOUR_SEC, end: TSBS_START_SEC + (first + width) * HOUR_SEC };
  };
  const timeWhere = (w: { start: number; end: number }): string =>
    `time >= '${rfc3339(w.start)}' AND time < '${rfc3339(w.end)}'`;
  const range = (query: string, w: { start: number; end: number }, stepSec: number): PromRequest => ({
    endpoint: "query_range",
    params: { query, start: String(w.start + stepSec), end: String(w.end), step: String(stepSec) },
  });
  const perField = (fields: readonly string[], expr: (metric: string) => string): string =>
    fields.map((f) => `label_replace(${expr(`cpu_${f}`)}, "field", "${f}", "", "")`).join(" or ");
  const five = CPU_FIELDS.slice(0, 5);
  return [
    {
      name: "1-host-1-hour",
      description: "max(usage_user) per minute, 1 host, 1 h",
      build: (r) => {
        const h = host(r);
        const w = window(r, 1);
        return {
          influxql: `SELECT max(usage_user) FROM cpu WHERE hostname = '${h}' AND ${timeWhere(w)} GROUP BY time(1m)`,
          promql: range(`max_over_time(cpu_usage_user{hostname="${h}"}[1m])`, w, 60),
        };
      },
    },
    {
      name: "1-host-12-hours-5-fields",
      description: "max of 5 fields per minute, 1 host, 12 h",
      build: (r) => {
        const h = host(r);
        const w = window(r, 12);
        return {
          influxql:
            `SELECT ${five.map((f) => `max(${f})`).join(", ")} FROM cpu WHERE hostname = '${h}' AND ${timeWhere(w)}` +
            " GROUP BY time(1m)",
          promql: range(
            perField(five, (m) => `max_over_time(${m}{hostname="${h}"}[1m])`),
            w,
            60,
          ),
        };
      },
    },
    {
      name: "8-hosts-8-hours-all-fields",
      description: "max of 10 fields per hour over 8 hosts (regex), 8 h",
      build: (r) => {
        const re = `^(${pickHosts(r, hosts, 8).join("|")})$`;
        const w = window(r, 8);
        return {
          influxql:
            `SELECT ${CPU_FIELDS.map((f) => `max(${f})`).join(", ")} FROM cpu WHERE hostname =~ /${re}/ AND ` +
            `${timeWhere(w)} GROUP BY time(1h)`,
          promql: range(
            perField(CPU_FIELDS, (m) => `max(max_over_time(${m}{hostname=~"${re}"}[1h]))`),
            w,
            HOUR_SEC,
          ),
        };
      },
    },
    {
      name: "all-hosts-12-hours-by-host",
      description: "mean(usage_user) per hour per host, all hosts, 12 h",
      build: (r) => {
        const w = window(r, 12);
        return {
          influxql: `SELECT mean(usage_user) FROM cpu WHERE ${timeWhere(w)} GROUP BY time(1h), hostname`,
          promql: range("avg by (hostname) (avg_over_time(cpu_usage_user[1h]))", w, HOUR_SEC),
        };
      },
    },
    {
      name: "lastpoint",
      description: "last of every field per host, whole range",
      build: () => ({
        influxql: "SELECT last(*) FROM cpu GROUP BY hostname",
        promql: {
          endpoint: "query",
          params: {
            query: perField(CPU_FIELDS, (m) => `last_over_time(${m}[${hours}h])`),
            time: String(TSBS_START_SEC + hours * HOUR_SEC),
          },
        },
      }),
    },
    {
      name: "high-cpu-1-host",
      description: "rows with usage_user > 90, 1 host, 12 h",
      build: (r) => {
        const h = host(r);
        const w = window(r, 12);
        const sel = `hostname="${h}"`;
        return {
          influxql: `SELECT * FROM cpu WHERE hostname = '${h}' AND usage_user > 90 AND ${timeWhere(w)}`,
          // Evaluated at every sample time (10 s), so each step sees exactly the sample written at that time.
          promql: {
            endpoint: "query_range",
            params: {
              query: `{__name__=~"cpu_usage_.*",${sel}} and on (hostname) (cpu_usage_user{${sel}} > 90)`,
              start: String(w.start),
              end: String(w.end - 10),
              step: "10",
            },
          },
        };
      },
    },
  ];
}

// `count` distinct host names (all hosts when there are fewer), by a partial Fisher-Yates shuffle.
function pickHosts(random: () => number, hosts: number, count: number): string[] {
  const ids = Array.from({ length: hosts }, (_, i) => i);
  const n = Math.min(count, hosts);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (hosts - i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, n).map((i) => `host_${i}`);
}

function rfc3339(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(".000Z", "Z");
}
