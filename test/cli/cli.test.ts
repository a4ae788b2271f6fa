import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MAIN = path.join(ROOT, "src/cli/main.ts");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs the CLI from source in a child process (as `node --import tsx src/cli/main.ts ...args`).
function cli(args: string[], script = MAIN): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("strata CLI", () => {
  let tmp = "";
  let dataDir = "";
  let file = "";
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    dataDir = path.join(tmp, "data");
    file = path.join(tmp, "in.lp");
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`cpu,host=h${i % 2} usage=${i}i,load=${i / 2} ${1_700_000_000 + i * 60}`);
    lines.splice(3, 0, "cpu,host=h0 usage= 1700000000"); // line 4: missing value
    lines.splice(9, 0, "cpu,host=h1 usage=1i,usage=2.5 1700000000"); // line 10: type conflict within the line
    fs.writeFileSync(file, lines.join("\n") + "\n");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("imports a file with bad lines: exit 2, a summary line, FILE:LINE on stderr", async () => {
    const run = await cli([
      "import",
      file,
      "--data-dir",
      dataDir,
      "--db",
      "test",
      "--precision",
      "s",
      "--batch-lines",
      "5",
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stdout,
      /^imported 12 points \(2 series\) from 1 files in \d+\.\d+ s: \d+ points\/s, 2 bad lines\n$/,
    );
    const reported = run.stderr.trim().split("\n");
    assert.equal(reported.length, 2);
    assert.ok(reported[0]!.startsWith(`${file}:4:`), reported[0]);
    assert.ok(reported[1]!.startsWith(`${file}:10:`), reported[1]);
  });

  it("prints stats as JSON", async () => {
    const run = await cli(["stats", "--data-dir", dataDir, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const stats = JSON.parse(run.stdout) as { dataDir: string; databases: Array<Record<string, unknown>> };
    assert.equal(stats.dataDir, dataDir);
    assert.equal(stats.databases.length, 1);
    const db = stats.databases[0]!;
    assert.equal(db.name, "test");
    assert.equal(db.series, 2);
    assert.equal(db.points, 24);
    assert.ok(typeof db.diskBytes === "number" && db.diskBytes > 0);
    assert.deepEqual(db.retention, { name: "autogen", durationNs: 0, shardDurationNs: 604_800_000_000_000 });
    assert.equal((db.compaction as { backlog: number }).backlog, 0);
    assert.ok(typeof db.partitions === "number" && typeof db.segmentBytes === "number");
  });

  it("prints stats as a table", async () => {
    const run = await cli(["stats", "--data-dir", dataDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^database\s+series\s+points\s+disk\s+partitions\s+segments\s+head\s+retention\s+backlog/);
    assert.match(run.stdout, /\ntest\s+2\s+24\s.*autogen inf\s+0\n/);
  });

  it("runs a native query and prints JSON with exact times", async () => {
    const query = {
      measurement: "cpu",
      fields: ["usage"],
      aggregate: "max",
      where: [{ key: "host", op: "=", value: "h1" }],
      start: "2023-11-14T22:13:20Z",
      end: "1700000720000000000",
      groupBy: { time: "5m" },
      fill: "none",
    };
    const run = await cli(["query", "--data-dir", dataDir, "--db", "test", "--json", JSON.stringify(query)]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.series.length, 1);
    const s = result.series[0];
    assert.deepEqual(s.columns, ["time", "max_usage"]);
    assert.deepEqual(s.values, [
      ["2023-11-14T22:10:00Z", 1],
      ["2023-11-14T22:15:00Z", 5],
      ["2023-11-14T22:20:00Z", 11],
    ]);
    assert.deepEqual(s.timesNs, ["1699999800000000000", "1700000100000000000", "1700000400000000000"]);
    assert.equal(typeof result.stats.seriesScanned, "number");
  });

  it("runs InfluxQL and prints the InfluxDB 1.x /query body", async () => {
    const q =
      "SELECT max(usage) FROM cpu WHERE host = 'h1' AND time >= '2023-11-14T22:10:00Z' AND time < '2023-11-14T22:25:00Z' GROUP BY time(5m)";
    const run = await cli(["query", "--data-dir", dataDir, "--db", "test", "--influxql", q]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      results: [
        {
          statement_id: 0,
          series: [
            {
              name: "cpu",
              columns: ["time", "max"],
              values: [
                ["2023-11-14T22:10:00Z", 1],
                ["2023-11-14T22:15:00Z", 5],
                ["2023-11-14T22:20:00Z", 11],
              ],
            },
          ],
        },
      ],
    });
  });

  it("runs PromQL at a given time and prints the Prometheus API body", async () => {
    const run = await cli([
      "query",
      "--data-dir",
      dataDir,
      "--db",
      "test",
      "--promql",
      'max(cpu_usage{host="h1"})',
      "--time",
      "1700000700",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(body.status, "success");
    assert.equal(body.data.resultType, "vector");
    assert.deepEqual(body.data.result[0].value, [1700000700, "11"]);
  });
});

// These runs share no state, so they run side by side.
describe("strata CLI usage errors and help", { concurrency: true }, () => {
  const errors = [
    { name: "an unknown command", input: ["frobnicate"], want: "CLI_UNKNOWN_COMMAND" },
    { name: "an unknown flag", input: ["stats", "--data-dir", "x", "--frob"], want: "CLI_BAD_ARGS" },
    {
      name: "a missing data directory",
      input: ["stats", "--data-dir", "/nonexistent/strata"],
      want: "CLI_DATA_DIR_NOT_FOUND",
    },
    { name: "bad query JSON", input: ["query", "--data-dir", ".", "--db", "x", "--json", "{"], want: "CLI_BAD_QUERY" },
    {
      name: "--influxql with --promql",
      input: ["query", "--data-dir", ".", "--influxql", "SELECT 1", "--promql", "up"],
      want: "CLI_BAD_ARGS",
    },
  ];
  for (const { name, input, want } of errors) {
    it(`exits 1 with error: … [CODE] and no stack trace for ${name}`, async () => {
      const run = await cli(input);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`^error: .*\\[${want}\\]\\n$`));
    });
  }

  it("prints help for the CLI and for each command", async () => {
    const main = await cli(["--help"]);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /^usage: strata <command>/);
    for (const command of ["import", "stats", "query"]) {
      const run = await cli([command, "--help"]);
      assert.equal(run.code, 0);
      assert.match(run.stdout, new RegExp(`^usage: strata ${command} `));
    }
  });

  it("prints the package version through bin/strata.js", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const run = await new Promise<Run>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, "bin/strata.js"), "--version"], (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : 1, stdout, stderr }),
      );
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `strata ${pkg.version}\n`);
  });
});
