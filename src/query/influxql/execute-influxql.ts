// Entry of the InfluxQL engine: parses a query string and runs its statements in order against a
// TimeSeriesStore, turning statement failures into per-statement errors as InfluxDB 1.x does.
import { InvalidError, LimitError, isTsdbError } from "../../base/index.ts";
import { executeMeta } from "./meta-statements.ts";
import { parseInfluxQL } from "./parser.ts";
import type { ParsedStatement } from "./parser.ts";
import { executeSelect } from "./select-exec.ts";
import type { InfluxQLContext, OutputSeries, StatementOutput } from "./statement-output.ts";

/** Default cap on the series one statement may return. */
const DEFAULT_MAX_SERIES = 1_000_000;

/**
 * Runs the statements of `q` in order. A parse error of the whole string throws InvalidError `QUERY_PARSE`
 * (InfluxDB answers it as a request-level error). A failing statement ends the run, as in influxd 1.6.7: the last
 * statement reports its error; an earlier one reports `error: "not executed"` (influxd's message there, checked
 * against it) and the statements after it get no result at all. Errors that are not TsdbErrors (bugs) are
 * rethrown. Authorization failures from `ctx.authorize` become statement errors too.
 */
export async function executeInfluxQL(q: string, ctx: InfluxQLContext): Promise<StatementOutput[]> {
  const statements = parseInfluxQL(q, ctx.params ?? {});
  const out: StatementOutput[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      const series = await runStatement(statements[i]!, ctx);
      const maxSeries = ctx.maxSeries ?? DEFAULT_MAX_SERIES;
      if (series.length > maxSeries) {
        throw new LimitError("QUERY_MAX_SERIES", `max-select-series limit exceeded: (${series.length}/${maxSeries})`);
      }
      out.push({ statementId: i, series });
    } catch (error) {
      if (!isTsdbError(error)) throw error;
      const last = i === statements.length - 1;
      out.push({ statementId: i, series: [], error: last ? error.message : "not executed" });
      break;
    }
  }
  return out;
}

async function runStatement(stmt: ParsedStatement, ctx: InfluxQLContext): Promise<OutputSeries[]> {
  const env = {
    store: ctx.store,
    defaultDb: ctx.db === "" ? undefined : ctx.db,
    nowNs: ctx.nowNs,
    maxSeries: ctx.maxSeries ?? DEFAULT_MAX_SERIES,
    ...(ctx.authorize === undefined ? {} : { authorize: ctx.authorize }),
  };
  switch (stmt.kind) {
    case "select":
      return executeSelect(stmt, env);
    case "unsupported":
      return unsupported(stmt.text, env.store.databases());
    default:
      return executeMeta(stmt, env);
  }
}

/** The few administrative statements answered with influxd's empty shapes; others fail clearly. */
function unsupported(text: string, databases: string[]): OutputSeries[] {
  const norm = text.replace(/\s+/g, " ").trim().toUpperCase();
  if (norm === "SHOW USERS") return [{ columns: ["user", "admin"], values: [] }];
  if (norm === "SHOW CONTINUOUS QUERIES")
    return databases.map((d) => ({ name: d, columns: ["name", "query"], values: [] }));
  if (norm === "SHOW SUBSCRIPTIONS") return [];
  throw new InvalidError("QUERY_UNSUPPORTED", `statement is not supported by strata: ${text}`);
}
