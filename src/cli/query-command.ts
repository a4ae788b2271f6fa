// `strata query`: runs a native query (JSON) against a database and prints the result as JSON.
import { InvalidError } from "../base/index.ts";
import { Strata } from "../embedded/index.ts";
import type { QueryResult } from "../storage/index.ts";
import { existingDataDir, requiredFlag } from "./cli-flags.ts";
import { parseNativeQuery, resultToJson } from "./native-query-json.ts";
import type { CliCommand } from "./cli-command.ts";

const HELP = `usage: strata query --data-dir DIR --db NAME --json '<native query>' [--pretty]

Runs a native query and prints {"series": [{name, tags, columns, values, timesNs}], "stats"} as JSON.
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
  --influxql, --promql   not available yet: they arrive with the HTTP server
  -h, --help       show this help
`;

/** The `query` command. */
export const queryCommand: CliCommand = {
  summary: "run a native JSON query and print the result as JSON",
  help: HELP,
  positionals: false,
  options: {
    "data-dir": { type: "string" },
    db: { type: "string" },
    json: { type: "string" },
    pretty: { type: "boolean" },
    influxql: { type: "string" },
    promql: { type: "string" },
  },
  async run(values, _positionals, io) {
    for (const language of ["influxql", "promql"]) {
      if (values[language] !== undefined) {
        throw new InvalidError(
          "CLI_UNSUPPORTED_QUERY_LANGUAGE",
          `--${language} is not available yet: InfluxQL and PromQL queries come with the HTTP server; use --json with a native query`,
        );
      }
    }
    const dataDir = existingDataDir(values, "query");
    const db = requiredFlag(values, "db", "query");
    const query = parseNativeQuery(requiredFlag(values, "json", "query"));
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
