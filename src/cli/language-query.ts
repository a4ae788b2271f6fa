// `strata query --influxql | --promql`: runs a query language against a data directory without a server and
// renders the body the HTTP API would answer (InfluxDB 1.x `/query` JSON, Prometheus `{status, data}`).
import { InvalidError, toNs } from "../base/index.ts";
import {
  encodeInfluxQLResponse,
  executeInfluxQL,
  parsePromDuration,
  parsePromTime,
  promInstantQuery,
  promRangeQuery,
} from "../query/index.ts";
import type { TimeSeriesStore } from "../storage/index.ts";

/** Flags of a language query; strings as given on the command line. */
export interface LanguageQueryFlags {
  db: string | undefined;
  influxql?: string;
  promql?: string;
  /** PromQL: evaluation time (instant) — RFC3339 or Unix seconds; default now. */
  time?: string;
  /** PromQL: range start/end/step; all three make a range query. */
  start?: string;
  end?: string;
  step?: string;
  epoch?: string;
  pretty: boolean;
}

/**
 * Runs the InfluxQL or PromQL query of `flags` and returns the response body as text. Statement errors stay
 * inside the InfluxQL body (as the server answers them); a parse error or a PromQL error is thrown.
 */
export async function runLanguageQuery(
  store: TimeSeriesStore,
  flags: LanguageQueryFlags,
  nowMs: number,
): Promise<string> {
  if (flags.influxql !== undefined) {
    const results = await executeInfluxQL(flags.influxql, {
      store,
      db: flags.db,
      nowNs: toNs(Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000),
    });
    return encodeInfluxQLResponse(results, { epoch: flags.epoch, pretty: flags.pretty });
  }
  const expr = flags.promql ?? "";
  if (flags.db === undefined) throw new InvalidError("CLI_MISSING_FLAG", "query: --db is required");
  const ranged = [flags.start, flags.end, flags.step].filter((v) => v !== undefined).length;
  if (ranged !== 0 && ranged !== 3)
    throw new InvalidError("CLI_BAD_ARGS", "query: a PromQL range query needs --start, --end and --step together");
  const data =
    ranged === 3
      ? await promRangeQuery(
          store,
          flags.db,
          expr,
          parsePromTime("start", flags.start!),
          parsePromTime("end", flags.end!),
          parsePromDuration("step", flags.step!),
        )
      : await promInstantQuery(
          store,
          flags.db,
          expr,
          flags.time === undefined ? nowMs : parsePromTime("time", flags.time),
        );
  return JSON.stringify({ status: "success", data }, null, flags.pretty ? 2 : undefined);
}
