// Encodes statement results as InfluxDB 1.x `/query` bodies: JSON (compact or 4-space pretty, as Go's
// encoding/json), chunked JSON documents and CSV. Byte-compatible with influxd 1.6 for the same results.
import { epochDivisor, fastRfc3339, formatTimeValue, goFixedFloat, goJsonFloat, goJsonString } from "./go-format.ts";
import type { InfluxValue, OutputSeries, StatementOutput } from "./statement-output.ts";

/** A JSON value whose scalars are already encoded; objects keep key order. */
type Json = { raw: string } | Json[] | { obj: Array<[string, Json]> };

function cell(v: InfluxValue, isTime: boolean, epoch: string | undefined): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "bigint":
      return isTime ? formatTimeValue(v, epoch) : v.toString();
    case "number":
      return goJsonFloat(v);
    case "boolean":
      return v ? "true" : "false";
    default:
      return goJsonString(v);
  }
}

function isTimeColumn(series: OutputSeries, c: number): boolean {
  return c === 0 && series.columns[0] === "time";
}

function seriesJson(s: OutputSeries, epoch: string | undefined, partial: boolean, pretty: boolean): Json {
  const obj: Array<[string, Json]> = [];
  if (s.name !== undefined && s.name !== "") obj.push(["name", { raw: goJsonString(s.name) }]);
  const tagKeys = s.tags === undefined ? [] : Object.keys(s.tags).sort();
  if (tagKeys.length > 0) {
    obj.push(["tags", { obj: tagKeys.map((k) => [k, { raw: goJsonString(s.tags![k]!) }] as [string, Json]) }]);
  }
  if (s.columns.length > 0) obj.push(["columns", s.columns.map((c) => ({ raw: goJsonString(c) }))]);
  if (s.values.length > 0) {
    // Compact output skips the per-cell tree: large results are encoded row by row into one string.
    const timeFirst = isTimeColumn(s, 0);
    obj.push([
      "values",
      pretty
        ? s.values.map((row) => row.map((v, c) => ({ raw: cell(v, c === 0 && timeFirst, epoch) })))
        : { raw: compactRows(s.values, timeFirst, epoch) },
    ]);
  }
  if (partial) obj.push(["partial", { raw: "true" }]);
  return { obj };
}

function compactRows(rows: InfluxValue[][], timeFirst: boolean, epoch: string | undefined): string {
  // One flat piece list joined once: per-row concatenation left cons-strings that dominated GC time.
  const parts: string[] = ["["];
  const divisor = epoch === undefined || epoch === "" ? 0n : epochDivisor(epoch);
  // Per column, the last string cell and its JSON: tag columns repeat one value, encoded once.
  const lastIn: Array<string | undefined> = [];
  const lastOut: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    parts.push(r === 0 ? "[" : ",[");
    for (let c = 0; c < row.length; c++) {
      if (c > 0) parts.push(",");
      const v = row[c]!;
      if (typeof v === "string") {
        if (lastIn[c] !== v) {
          lastIn[c] = v;
          lastOut[c] = goJsonString(v);
        }
        parts.push(lastOut[c]!);
      } else if (c === 0 && timeFirst && typeof v === "bigint") {
        parts.push(divisor === 0n ? `"${fastRfc3339(v)}"` : String(v / divisor));
      } else {
        parts.push(cell(v, c === 0 && timeFirst, epoch));
      }
    }
    parts.push("]");
  }
  parts.push("]");
  return parts.join("");
}

function resultJson(
  r: StatementOutput,
  series: Array<{ s: OutputSeries; partial: boolean }>,
  epoch: string | undefined,
  partial: boolean,
  pretty = false,
): Json {
  const obj: Array<[string, Json]> = [["statement_id", { raw: String(r.statementId) }]];
  if (series.length > 0) obj.push(["series", series.map((x) => seriesJson(x.s, epoch, x.partial, pretty))]);
  if (r.messages !== undefined && r.messages.length > 0) {
    obj.push([
      "messages",
      r.messages.map((m) => ({
        obj: [
          ["level", { raw: goJsonString(m.level) }],
          ["text", { raw: goJsonString(m.text) }],
        ] as Array<[string, Json]>,
      })),
    ]);
  }
  if (partial) obj.push(["partial", { raw: "true" }]);
  if (r.error !== undefined && r.error !== "") obj.push(["error", { raw: goJsonString(r.error) }]);
  return { obj };
}

function write(j: Json, pretty: boolean, indent: string, out: string[]): void {
  if ("raw" in j) {
    out.push(j.raw);
    return;
  }
  const inner = indent + "    ";
  if (Array.isArray(j)) {
    if (j.length === 0) {
      out.push("[]");
      return;
    }
    out.push("[");
    for (let i = 0; i < j.length; i++) {
      if (i > 0) out.push(",");
      if (pretty) out.push("\n", inner);
      write(j[i]!, pretty, inner, out);
    }
    if (pretty) out.push("\n", indent);
    out.push("]");
    return;
  }
  if (j.obj.length === 0) {
    out.push("{}");
    return;
  }
  out.push("{");
  for (let i = 0; i < j.obj.length; i++) {
    if (i > 0) out.push(",");
    if (pretty) out.push("\n", inner);
    out.push(goJsonString(j.obj[i]![0]), pretty ? ": " : ":");
    write(j.obj[i]![1], pretty, inner, out);
  }
  if (pretty) out.push("\n", indent);
  out.push("}");
}

function render(j: Json, pretty: boolean): string {
  const out: string[] = [];
  write(j, pretty, "", out);
  return out.join("");
}

/**
 * The InfluxDB 1.x JSON body for `results` (type InfluxQueryResponse of src/wire). `epoch` undefined writes times
 * as RFC3339Nano strings, else as integers in that unit (ns, u, µ, ms, s, m, h). `pretty` indents by 4 spaces.
 * Integers beyond ±2^53 (bigint) are written exactly. Returns the body without a trailing newline.
 */
export function encodeInfluxQLResponse(results: StatementOutput[], opts: { epoch?: string; pretty?: boolean }): string {
  const json: Json = {
    obj: [
      [
        "results",
        results.map((r) =>
          resultJson(
            r,
            r.series.map((s) => ({ s, partial: false })),
            opts.epoch,
            false,
            opts.pretty === true,
          ),
        ),
      ],
    ],
  };
  return render(json, opts.pretty === true);
}

/**
 * Chunked mode: one JSON document per chunk (each followed by "\n"), each holding one series' next `chunkSize`
 * rows at most; `partial: true` marks a series continued in the next chunk and a statement with chunks still to
 * come, as influxd does. A statement without series is one document.
 */
export function encodeInfluxQLChunks(
  results: StatementOutput[],
  opts: { epoch?: string; chunkSize: number },
): string[] {
  const size = Math.max(1, Math.floor(opts.chunkSize));
  const out: string[] = [];
  for (const r of results) {
    const pieces: Array<{ s: OutputSeries; partial: boolean }> = [];
    for (const s of r.series) {
      if (s.values.length <= size) {
        pieces.push({ s, partial: false });
        continue;
      }
      for (let i = 0; i < s.values.length; i += size) {
        const part: OutputSeries = { ...s, values: s.values.slice(i, i + size) };
        pieces.push({ s: part, partial: i + size < s.values.length });
      }
    }
    if (pieces.length === 0) {
      out.push(render({ obj: [["results", [resultJson(r, [], opts.epoch, false)]]] }, false) + "\n");
      continue;
    }
    for (let i = 0; i < pieces.length; i++) {
      const last = i === pieces.length - 1;
      const rr = last ? r : { ...r, error: undefined, messages: undefined };
      const doc = resultJson(rr, [pieces[i]!], opts.epoch, !last);
      out.push(render({ obj: [["results", [doc]]] }, false) + "\n");
    }
  }
  return out;
}

/** A CSV field as Go's encoding/csv writes it. */
function csvField(s: string): string {
  if (s === "") return s;
  const needs = s === "\\." || /[,"\r\n]/.test(s) || /^\s/u.test(s);
  return needs ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvCell(v: InfluxValue, isTime: boolean, divisor: bigint): string {
  if (v === null) return "";
  switch (typeof v) {
    case "bigint":
      return isTime ? (v / divisor).toString() : v.toString();
    case "number":
      return goFixedFloat(v);
    case "boolean":
      return v ? "true" : "false";
    default:
      return v;
  }
}

/** Tags as a series key without the measurement (`k=v,k2=v2`, line-protocol escaped, sorted). */
function tagsKey(tags: Record<string, string> | undefined): string {
  if (tags === undefined) return "";
  const esc = (s: string): string => s.replace(/[,= ]/g, (c) => `\\${c}`);
  return Object.keys(tags)
    .sort()
    .map((k) => `${esc(k)}=${esc(tags[k]!)}`)
    .join(",");
}

/**
 * CSV as InfluxDB 1.x answers `Accept: application/csv`: per statement with series, a `name,tags,<columns>`
 * header (repeated when a series' columns differ), one line per row, and a blank line between statements. Times
 * are integers (ns unless `epoch` names a unit). Statements without series (including failed ones) are skipped.
 */
export function encodeInfluxQLCsv(results: StatementOutput[], opts: { epoch?: string }): string {
  const divisor = epochDivisor(opts.epoch);
  const lines: string[] = [];
  let first = true;
  for (const r of results) {
    if (r.series.length === 0) continue;
    if (!first) lines.push("");
    first = false;
    let columns: string[] | null = null;
    for (const s of r.series) {
      if (columns !== null && (columns.length !== s.columns.length || columns.some((c, i) => c !== s.columns[i]))) {
        lines.push("");
        columns = null;
      }
      if (columns === null) {
        columns = s.columns;
        lines.push(["name", "tags", ...columns].map(csvField).join(","));
      }
      const name = csvField(s.name ?? "");
      const tags = csvField(tagsKey(s.tags));
      for (const row of s.values) {
        const cells = row.map((v, c) => csvField(csvCell(v, isTimeColumn(s, c), divisor)));
        lines.push(`${name},${tags},${cells.join(",")}`);
      }
    }
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
