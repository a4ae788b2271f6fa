// `strata query`: runs a native query (JSON), InfluxQL or PromQL against a data directory and prints the result.
import { InvalidError } from "../base/index.ts";
import { Strata } from "../embedded/index.ts";
import type { QueryResult } from "../storage/index.ts";
import { existingDataDir, requiredFlag } from "./cli-flags.ts";
import { parseNativeQuery } from "../query/index.ts";
import { resultToJson } from "./native-query-json.ts";
import { runLanguageQuery } from "./language-query.ts";
import type { CliCommand } from "./cli-command.ts";

const HELP = `usage: strata query --data-dir DIR --db NAME --json '<native query>' [--pretty]
       strata query --data-dir DIR [--db NAME] --influxql 'SELECT ...' [--epoch ns|u|ms|s] [--pretty]
       strata query --data-dir DIR --db NAME --promql 'EXPR' [--time T | --start T --end T --step 15s] [--pretty]

Opens the directory itself, so it cannot run while a server holds it (query the server over HTTP then).
--influxql prints the InfluxDB 1.x /query JSON; --promql prints the Prometheus API's {"status","data"} JSON.

--json runs a native query and prints {"series": [{name, tags, columns, values, timesNs}], "stats"} as JSON.
Rows in "values" start with the time as RFC3339; "timesNs" has the exact times in ns as strings;
integers beyond 2^53 are printed as strings.

The query is the NativeQuery object with times as RFC3339 or decimal-ns strings, e.g.
  {"measurement": "cpu", "fields": ["usage_user"], "aggregate": "mean",
   "where": [{"key": "hostname", "op": "=", "value": "host_0"}],
   "start": "2016-01-01T00:00:00Z", "end": "2016-01-01T01:00:00Z",
   "groupBy": {"time": "1m", "tags": ["region"]}}

flags:
  --data-dir DIR   data directory (must exist)
  --db NAME        database to query
  --json QUERY     the native query as JSON
  --pretty         indent the output
  --influxql Q     InfluxQL statements (several separated by ";")
  --epoch UNIT     InfluxQL: times as integers in this unit instead of RFC3339
  --promql EXPR    a PromQL expression (instant at --time, default now; or a range with --start --end --step)
  --time, --start, --end   RFC3339 or Unix seconds;  --step  a duration (15s, 1m) or seconds
  -h, --help       show this help
`;

/** The `query` command. */
export const queryCommand: CliCommand = {
  summary: "run a native JSON, InfluxQL or PromQL query on a data directory and print the result as JSON",
  help: HELP,
  positionals: false,
  options: {
    "data-dir": { type: "string" },
    db: { type: "string" },
    json: { type: "string" },
    pretty: { type: "boolean" },
    influxql: { type: "string" },
    promql: { type: "string" },
    epoch: { type: "string" },
    time: { type: "string" },
    start: { type: "string" },
    end: { type: "string" },
    step: { type: "string" },
  },
  async run(values, _positionals, io) {
    if (values.influxql !== undefined || values.promql !== undefined) {
      if (values.influxql !== undefined && values.promql !== undefined)
        throw new InvalidError("CLI_BAD_ARGS", "query: give one of --json, --influxql, --promql");
      const dataDir = existingDataDir(values, "query");
      const strata = await Strata.open(dataDir);
      try {
        const flags = values as Record<string, string | undefined>;
        const body = await runLanguageQuery(
          strata.engine,
          { ...flags, db: flags.db, pretty: values.pretty === true },
          Date.now(),
        );
        io.stdout.write(`${body}\n`);
      } finally {
        await strata.close();
      }
      return 0;
    }
    const dataDir = existingDataDir(values, "query");
    const db = requiredFlag(values, "db", "query");
    const query = parseNativeQuery(requiredFlag(values, "json", "query"), "CLI_BAD_QUERY");
    const strata = await Strata.open(dataDir);
    let result: QueryResult;
    try {
      result = await strata.query(db, query);
    } finally {
      await strata.close();
    }
    io.stdout.write(`${JSON.stringify(resultToJson(result), null, values.pretty === true ? 2 : undefined)}\n`);
    return 0;
  },
};
