// Typed points → line-protocol text that LineProtocolParser reads back to the same points (nanosecond times).
// Escaping rules: docs/format/line-protocol.md#escaping.
import { FieldType } from "../../storage/index.ts";
import type { Tag } from "../../storage/index.ts";
import { compareKeys } from "../../storage/index.ts";
import { collectTags } from "./append-points.ts";
import { bad, CheckedValue, checkFieldValue, checkName, checkTime } from "./point-input.ts";
import type { PointInput } from "./point-input.ts";

const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const STRING_SPECIAL = /["\\]/g;

const checked = new CheckedValue();
const time = new Float64Array(2);

/**
 * Encodes `points` as line protocol, one `\n`-terminated line per point, tags sorted by key, timestamps in
 * nanoseconds (omitted for points without a time). Floats use the shortest text that reads back bit-exactly
 * (`-0` included); integers get `i`, unsigned `u`. Validates like appendPoints and also throws
 * InvalidError(INGEST_BAD_POINT) for names line protocol cannot express: a name containing a newline or
 * ending in a backslash, a measurement starting with `#`, tab or NUL, a first field key starting with tab or NUL.
 */
export function encodeLineProtocol(points: readonly PointInput[]): string {
  let text = "";
  for (let p = 0; p < points.length; p++) text += encodePoint(points[p], p) + "\n";
  return text;
}

function encodePoint(point: PointInput, p: number): string {
  const where = `point ${p}`;
  if (typeof point !== "object" || point === null) throw bad(`${where}: not an object`);
  const measurement = checkName(point.measurement, `${where} measurement`);
  checkEncodable(measurement, `${where} measurement`);
  const first = measurement.charCodeAt(0);
  if (first === 0x23 || first === 0x09 || first === 0x00) {
    throw bad(`${where} measurement: line protocol cannot start a measurement with ${JSON.stringify(measurement[0])}`);
  }
  let line = measurement.replace(MEASUREMENT_SPECIAL, "\\$&");
  const tags: Tag[] = collectTags(point.tags, where).sort((a, b) => compareKeys(a[0], b[0]));
  for (let t = 0; t < tags.length; t++) {
    checkEncodable(tags[t][0], `${where} tag key`);
    checkEncodable(tags[t][1], `${where} tag value`);
    line += "," + escapeKey(tags[t][0]) + "=" + escapeKey(tags[t][1]);
  }
  const names = point.fields === null || typeof point.fields !== "object" ? [] : Object.keys(point.fields);
  if (names.length === 0) throw bad(`${where}: a point needs at least one field`);
  for (let f = 0; f < names.length; f++) {
    const name = names[f];
    const fieldWhere = `${where} field ${JSON.stringify(name)}`;
    checkName(name, fieldWhere);
    checkEncodable(name, fieldWhere);
    if (f === 0 && (name.charCodeAt(0) === 0x09 || name.charCodeAt(0) === 0x00)) {
      throw bad(`${fieldWhere}: line protocol cannot start the first field key with a tab or NUL`);
    }
    checkFieldValue(point.fields[name], fieldWhere, checked);
    line += (f === 0 ? " " : ",") + escapeKey(name) + "=" + formatValue(checked);
  }
  if (point.time !== undefined) {
    checkTime(point.time, 0, 0, where, time);
    line += " " + formatNs(time[0], time[1]);
  }
  return line;
}

function escapeKey(name: string): string {
  return name.replace(KEY_SPECIAL, "\\$&");
}

// A backslash before a separator would escape it, and nothing escapes a newline.
function checkEncodable(name: string, where: string): void {
  if (name.endsWith("\\")) throw bad(`${where}: line protocol cannot express a name ending in a backslash`);
  if (name.includes("\n")) throw bad(`${where}: line protocol cannot express a name containing a newline`);
}

function formatValue(value: CheckedValue): string {
  switch (value.type) {
    case FieldType.Float:
      return Object.is(value.num, -0) ? "-0" : String(value.num);
    case FieldType.Int:
      return (value.isBig ? String(value.big) : String(value.num)) + "i";
    case FieldType.Uint:
      return (value.isBig ? String(value.big) : String(value.num)) + "u";
    case FieldType.Bool:
      return value.num === 1 ? "true" : "false";
    default:
      return '"' + value.str.replace(STRING_SPECIAL, "\\$&") + '"';
  }
}

// Exact int64 nanoseconds as decimal text from (sec, nsec); BigInt is fine at this API edge.
function formatNs(sec: number, nsec: number): string {
  return String(BigInt(sec) * 1_000_000_000n + BigInt(nsec));
}
