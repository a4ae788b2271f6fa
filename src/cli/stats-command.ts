// `strata stats`: size figures of every database in a data directory, as a table or JSON.
import { Strata } from "../embedded/index.ts";
import type { DatabaseStats } from "../storage/index.ts";
import { existingDataDir } from "./cli-flags.ts";
import type { CliCommand } from "./cli-command.ts";

const HELP = `usage: strata stats --data-dir DIR [--json]

Prints per database: series, stored values (points), bytes on disk, time partitions and segment files,
bytes held in memory heads, the retention policy, and partitions waiting for a merge (compaction backlog).
Opening the directory replays its WAL; closing it flushes heads to segments.

flags:
  --data-dir DIR   data directory (must exist)
  --json           print {"dataDir", "databases": [{name, series, points, diskBytes, segments, segmentBytes,
                   partitions, headBytes, walBytes, compaction: {...}, retention: {name, durationNs, ...}}]}
  -h, --help       show this help
`;

/** The `stats` command. */
export const statsCommand: CliCommand = {
  summary: "print series, points and disk bytes per database",
  help: HELP,
  positionals: false,
  options: { "data-dir": { type: "string" }, json: { type: "boolean" } },
  async run(values, _positionals, io) {
    const dataDir = existingDataDir(values, "stats");
    const strata = await Strata.open(dataDir);
    let stats: DatabaseStats[];
    try {
      stats = await strata.stats();
    } finally {
      await strata.close();
    }
    if (values.json === true) io.stdout.write(`${JSON.stringify({ dataDir, databases: stats }, null, 2)}\n`);
    else io.stdout.write(formatStatsTable(stats));
    return 0;
  },
};

/** A plain-text table of database stats, one row per database (or a note when there are none). */
function formatStatsTable(stats: readonly DatabaseStats[]): string {
  if (stats.length === 0) return "no databases\n";
  const header = ["database", "series", "points", "disk", "partitions", "segments", "head", "retention", "backlog"];
  const rows = stats.map((s) => [
    s.name,
    group(s.series),
    group(s.points),
    bytes(s.diskBytes),
    group(s.partitions),
    group(s.segments),
    bytes(s.headBytes),
    `${s.retention.name} ${s.retention.durationNs === 0 ? "inf" : duration(s.retention.durationNs)}`,
    group(s.compaction.backlog),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ") + "\n";
  return line(header) + rows.map(line).join("");
}

/** `30d`, `36h`, `90m`: the largest unit that divides the duration. */
function duration(ns: number): string {
  for (const [unit, size] of [
    ["d", 86_400e9],
    ["h", 3_600e9],
    ["m", 60e9],
    ["s", 1e9],
  ] as const) {
    if (ns % size === 0) return `${ns / size}${unit}`;
  }
  return `${ns}ns`;
}

function group(n: number): string {
  return n.toLocaleString("en-US");
}

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
