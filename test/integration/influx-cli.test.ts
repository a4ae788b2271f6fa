// The real `influx` CLI (Debian influxdb-client) runs SHOW and SELECT statements against Strata's /query and
// against a real InfluxDB 1.x holding the same data; the CLI's output must be byte-for-byte the same.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { skipUnlessInstalled, startInfluxd, startStrata, strataServerAvailable } from "../peers/index.ts";
import type { Peer } from "../peers/index.ts";

const skip =
  skipUnlessInstalled(["influx", "influxd"]) || (strataServerAvailable() ? false : "strata serve is not available yet");

const DB = "clidb";
const T0 = 1_451_606_400; // 2016-01-01T00:00:00Z

/** Line protocol both servers get: floats, integers, strings, booleans, escaped tags, two measurements. */
function testData(): string {
  const lines: string[] = [];
  const hosts = ["a", "b", "c d"];
  for (let i = 0; i < 12; i++) {
    for (const [h, host] of hosts.entries()) {
      const tag = host.replace(/ /g, "\\ ");
      const usage = ((i * 7 + h * 3) % 10) + 0.25 * h;
      lines.push(
        `cpu,host=${tag},region=${h === 1 ? "us" : "eu"} usage=${usage},n=${i * (h + 1)}i,` +
          `state="${i % 2 === 0 ? "ok" : "busy now"}",up=${i % 3 !== 0} ${(T0 + i * 10) * 1e9}`,
      );
    }
    lines.push(`mem,host=a free=${1024 - i * 3}i,used_pct=${(i * 1.5).toFixed(1)} ${(T0 + i * 10) * 1e9}`);
  }
  return lines.join("\n") + "\n";
}

interface CliCase {
  name: string;
  args: string[];
}

const range = `time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T00:02:00Z'`;
const CASES: CliCase[] = [
  { name: "SHOW DATABASES", args: ["-execute", "SHOW DATABASES"] },
  { name: "SHOW MEASUREMENTS", args: ["-database", DB, "-execute", "SHOW MEASUREMENTS"] },
  { name: "SHOW TAG KEYS", args: ["-database", DB, "-execute", "SHOW TAG KEYS"] },
  { name: "SHOW TAG VALUES", args: ["-database", DB, "-execute", 'SHOW TAG VALUES WITH KEY = "host"'] },
  { name: "SHOW FIELD KEYS", args: ["-database", DB, "-execute", "SHOW FIELD KEYS"] },
  { name: "SHOW SERIES", args: ["-database", DB, "-execute", "SHOW SERIES"] },
  { name: "SHOW RETENTION POLICIES", args: ["-database", DB, "-execute", "SHOW RETENTION POLICIES"] },
  { name: "SELECT * (column)", args: ["-database", DB, "-execute", "SELECT * FROM cpu"] },
  { name: "SELECT * rfc3339", args: ["-database", DB, "-precision", "rfc3339", "-execute", "SELECT * FROM mem"] },
  {
    name: "SELECT fields and a tag WHERE tag",
    args: ["-database", DB, "-execute", "SELECT usage, host, state FROM cpu WHERE host = 'c d'"],
  },
  {
    name: "aggregates GROUP BY tag (csv)",
    args: [
      "-database",
      DB,
      "-format",
      "csv",
      "-execute",
      "SELECT mean(usage), max(n), count(state) FROM cpu GROUP BY host",
    ],
  },
  {
    name: "GROUP BY time fill (rfc3339)",
    args: [
      "-database",
      DB,
      "-precision",
      "rfc3339",
      "-execute",
      `SELECT count(usage), sum(n) FROM cpu WHERE ${range} GROUP BY time(30s) fill(0)`,
    ],
  },
  {
    name: "two statements (json)",
    args: ["-database", DB, "-format", "json", "-execute", "SELECT last(usage) FROM cpu; SELECT first(free) FROM mem"],
  },
  {
    name: "selectors with tags (json, pretty)",
    args: ["-database", DB, "-format", "json", "-pretty", "-execute", "SELECT top(usage, host, 2) FROM cpu"],
  },
  {
    name: "ms precision, ORDER BY time DESC LIMIT",
    args: ["-database", DB, "-precision", "ms", "-execute", "SELECT free FROM mem ORDER BY time DESC LIMIT 3"],
  },
  {
    name: "derivative of a GROUP BY time mean per host",
    args: [
      "-database",
      DB,
      "-execute",
      `SELECT derivative(mean(usage), 10s) FROM cpu WHERE ${range} GROUP BY time(20s), host`,
    ],
  },
  {
    name: "regex measurement and tag, csv, s precision",
    args: [
      "-database",
      DB,
      "-format",
      "csv",
      "-precision",
      "s",
      "-execute",
      "SELECT * FROM /^c.*/ WHERE host =~ /^[ab]$/",
    ],
  },
  {
    name: "subquery",
    args: ["-database", DB, "-execute", "SELECT max(usage) FROM (SELECT usage FROM cpu WHERE host = 'a')"],
  },
  {
    name: "GROUP BY * fill(linear)",
    args: [
      "-database",
      DB,
      "-precision",
      "rfc3339",
      "-execute",
      `SELECT mean(usage) FROM cpu WHERE ${range} GROUP BY time(15s), * fill(linear)`,
    ],
  },
  {
    name: "spread, stddev, median, percentile",
    args: [
      "-database",
      DB,
      "-execute",
      "SELECT spread(n), stddev(usage), median(usage), percentile(usage, 90) FROM cpu",
    ],
  },
  {
    name: "arithmetic, LIMIT and OFFSET",
    args: ["-database", DB, "-execute", "SELECT usage * 2 + n FROM cpu WHERE host = 'a' LIMIT 3 OFFSET 2"],
  },
  {
    name: "SHOW SERIES FROM WHERE (csv)",
    args: ["-database", DB, "-format", "csv", "-execute", "SHOW SERIES FROM cpu WHERE host = 'a'"],
  },
  { name: "unknown database", args: ["-database", "nope", "-execute", "SELECT * FROM cpu"] },
];

describe("the influx CLI against Strata", { skip }, () => {
  let strata: Peer;
  let influxd: Peer;

  before(async () => {
    [strata, influxd] = await Promise.all([startStrata(), startInfluxd()]);
    const body = testData();
    for (const peer of [strata, influxd]) {
      const created = await fetch(`${peer.url}/query?q=${encodeURIComponent(`CREATE DATABASE ${DB}`)}`, {
        method: "POST",
      });
      assert.equal(created.status, 200, `${peer.name} CREATE DATABASE: ${await created.text()}`);
      const res = await fetch(`${peer.url}/write?db=${DB}`, { method: "POST", body });
      assert.equal(res.status, 204, `${peer.name} write: ${await res.text()}`);
    }
  });

  after(async () => {
    await Promise.all([strata?.stop(), influxd?.stop()]);
  });

  for (const c of CASES) {
    it(`prints the same as InfluxDB for ${c.name}`, async () => {
      const [got, want] = await Promise.all([influx(strata.port, c.args), influx(influxd.port, c.args)]);
      assert.ok(want.stdout.length > 0, "influxd printed something");
      assert.deepEqual(got, want);
    });
  }

  it("reports a parse error as InfluxDB does (exit code, ERR: prefix)", async () => {
    const args = ["-database", DB, "-execute", "SELEKT usage FROM cpu"];
    const [got, want] = await Promise.all([influx(strata.port, args), influx(influxd.port, args)]);
    assert.equal(got.code, want.code);
    assert.match(got.stdout, /^ERR: error parsing query: /);
  });
});

/** Runs `influx -host 127.0.0.1 -port <port> ...args`; resolves with exit code, stdout and stderr. */
function influx(port: number, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("influx", ["-host", "127.0.0.1", "-port", String(port), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 20_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
