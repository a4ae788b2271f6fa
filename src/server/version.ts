// Version strings the server reports: Strata's own (from package.json) and the InfluxDB version it emulates.
import * as fs from "node:fs";

/**
 * The InfluxDB version announced in `X-Influxdb-Version`. Clients branch on it: the `influx` CLI and Telegraf only
 * print it, but Influx v2 client libraries and Grafana treat anything starting with "1." as the 1.x API, and 1.8 is
 * the 1.x release that also serves `/api/v2/write`, which Strata does too.
 */
export const INFLUXDB_COMPAT_VERSION = "1.8.10";

/** Strata's package version, read once from package.json (two levels up from src/server and dist/server alike). */
export const STRATA_VERSION: string = (
  JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
