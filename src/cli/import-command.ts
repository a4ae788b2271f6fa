// `strata import`: streams line-protocol files into a database of a data directory, with progress and a summary.
import * as fs from "node:fs";
import { InvalidError, NotFoundError, parsePrecision } from "../base/index.ts";
import { Strata } from "../embedded/index.ts";
import { choiceFlag, positiveIntFlag, requiredFlag } from "./cli-flags.ts";
import { importFiles } from "./import-files.ts";
import type { BadLine, ImportSummary } from "./import-files.ts";
import { ProgressBar } from "./progress-bar.ts";
import type { CliCommand } from "./cli-command.ts";

const HELP = `usage: strata import FILE... --data-dir DIR --db NAME [flags]

Imports InfluxDB line-protocol files into database NAME (created when absent). Files are streamed
in batches of 5,000 lines with several writes in flight. Bad lines are printed on stderr as
FILE:LINE:COLUMN: reason and skipped; everything else is imported.

flags:
  --data-dir DIR        data directory (created when absent)
  --db NAME             database to write to
  --precision P         timestamp unit in the files: ns (default), us, ms or s
  --sync MODE           WAL durability: always (default), interval or never
  --batch-lines N       lines per write (default 5000)
  --concurrency N       writes in flight (default 4)
  -h, --help            show this help

prints one summary line on stdout; exit code 0 when every line was imported, 2 when some lines were
rejected, 1 on an error.
`;

/** The `import` command. */
export const importCommand: CliCommand = {
  summary: "import line-protocol files into a database",
  help: HELP,
  positionals: true,
  options: {
    "data-dir": { type: "string" },
    db: { type: "string" },
    precision: { type: "string" },
    sync: { type: "string" },
    "batch-lines": { type: "string" },
    concurrency: { type: "string" },
  },
  async run(values, files, io) {
    const dataDir = requiredFlag(values, "data-dir", "import");
    const db = requiredFlag(values, "db", "import");
    const precision = parsePrecision(values.precision as string | undefined);
    const sync = choiceFlag(values, "sync", ["always", "interval", "never"] as const, "always");
    const batchLines = positiveIntFlag(values, "batch-lines", 5_000);
    const concurrency = positiveIntFlag(values, "concurrency", 4);
    if (files.length === 0)
      throw new InvalidError("CLI_BAD_ARGS", "strata import needs at least one FILE (see strata import --help)");
    let totalBytes = 0;
    for (const file of files) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat === undefined || !stat.isFile())
        throw new NotFoundError("CLI_FILE_NOT_FOUND", `file not found: ${file}`);
      totalBytes += stat.size;
    }
    const started = performance.now();
    const bar = io.stderr.isTTY === true ? new ProgressBar(io.stderr, totalBytes, started) : null;
    const strata = await Strata.open(dataDir, { sync });
    let summary: ImportSummary;
    let series = 0;
    try {
      summary = await importFiles(strata, files, {
        db,
        precision,
        batchLines,
        concurrency,
        onBadLine: (bad: BadLine) => {
          bar?.clear();
          io.stderr.write(`${bad.file}:${bad.line}:${bad.column}: ${bad.message} [${bad.code}]\n`);
        },
        onProgress: (bytes, points) => bar?.update(bytes, points, performance.now()),
      });
      series = (await strata.stats()).find((s) => s.name === db)?.series ?? 0;
    } finally {
      bar?.clear();
      await strata.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(summary.points / Math.max(seconds, 1e-6));
    io.stdout.write(
      `imported ${summary.points} points (${series} series) from ${summary.files} files in ${seconds.toFixed(2)} s: ` +
        `${rate} points/s, ${summary.badLines} bad lines\n`,
    );
    return summary.badLines > 0 ? 2 : 0;
  },
};
