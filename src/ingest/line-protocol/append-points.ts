// Typed points → WriteBatch with the same validation the line-protocol parser applies to text.
// The API-edge twin of LineProtocolParser; knows nothing of text.
import { formatSeriesKey, FieldType } from "../../storage/index.ts";
import type { Tag, WriteBatch } from "../../storage/index.ts";
import { bad, CheckedValue, checkFieldValue, checkName, checkTime } from "./point-input.ts";
import type { PointInput } from "./point-input.ts";
import { MAX_KEY_BYTES } from "./series-section-parser.ts";

const checked = new CheckedValue();
const time = new Float64Array(2);

/**
 * Appends `points` to `batch` (it does not reset it) and returns how many points were appended (all of them).
 * `defaultSec`/`defaultNsec` is the time of points without one. number → float, bigint → integer.
 * All or nothing: on the first bad point it removes what it appended and throws InvalidError with code
 * INGEST_BAD_POINT naming the point index and field (empty or malformed names, no fields, NaN/±Infinity,
 * integers outside int64/uint64, unsafe-integer number times, times outside int64 nanoseconds, a series key
 * longer than 65,535 bytes). Tags with an empty value are dropped, as InfluxDB does.
 */
export function appendPoints(
  points: readonly PointInput[],
  batch: WriteBatch,
  defaultSec: number,
  defaultNsec: number,
): number {
  const before = batch.pointCount;
  try {
    for (let p = 0; p < points.length; p++) appendPoint(points[p], p, batch, defaultSec, defaultNsec);
  } catch (error) {
    while (batch.pointCount > before) batch.dropLastPoint();
    throw error; // rethrown unchanged: the caller gets the validation error
  }
  return points.length;
}

function appendPoint(point: PointInput, p: number, batch: WriteBatch, defaultSec: number, defaultNsec: number): void {
  const where = `point ${p}`;
  if (typeof point !== "object" || point === null) throw bad(`${where}: not an object`);
  const measurement = checkName(point.measurement, `${where} measurement`);
  const tags = collectTags(point.tags, where);
  const key = formatSeriesKey(measurement, tags);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw bad(`${where}: series key longer than ${MAX_KEY_BYTES} bytes`);
  checkTime(point.time, defaultSec, defaultNsec, where, time);
  const names = point.fields === null || typeof point.fields !== "object" ? [] : Object.keys(point.fields);
  if (names.length === 0) throw bad(`${where}: a point needs at least one field`);
  batch.addPoint(key, measurement, time[0], time[1], 0);
  for (let f = 0; f < names.length; f++) {
    const name = names[f];
    const fieldWhere = `${where} field ${JSON.stringify(name)}`;
    checkName(name, fieldWhere);
    checkFieldValue(point.fields[name], fieldWhere, checked);
    if (checked.type === FieldType.String) batch.addString(name, checked.str);
    else if (checked.isBig) batch.addBigInt(name, checked.type, checked.big);
    else batch.addNumber(name, checked.type, checked.num);
  }
}

/** Validated tags with empty values dropped (formatSeriesKey drops them too). */
export function collectTags(tags: Record<string, string> | undefined, where: string): Tag[] {
  const out: Tag[] = [];
  if (tags === undefined) return out;
  const keys = Object.keys(tags);
  for (let t = 0; t < keys.length; t++) {
    const key = keys[t];
    const value = tags[key];
    if (typeof value !== "string") throw bad(`${where} tag ${JSON.stringify(key)}: value must be a string`);
    if (value === "") continue;
    checkName(key, `${where} tag key`);
    checkName(value, `${where} tag ${JSON.stringify(key)} value`);
    out.push([key, value]);
  }
  return out;
}
