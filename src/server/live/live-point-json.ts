// JSON text of live points (src/wire/live.ts LivePoint), built as string fragments straight from a WriteBatch so a
// point is serialised once and copied out of the caller's reusable batch. Knows nothing of sockets.
import { FieldType, parseSeriesKey } from "../../storage/index.ts";
import type { WriteBatch } from "../../storage/index.ts";

/** Tags of one series, and the JSON prefix of its points up to the opening quote of `time`. */
export interface LiveSeriesInfo {
  /** Tag key → value (unescaped). Immutable. */
  readonly tags: ReadonlyMap<string, string>;
  /** `{"measurement":…,"tags":{…},"time":"`; immutable. */
  readonly prefix: string;
}

/** Parses series keys once; bounded, cleared when full (keys of one write burst are what repeats). */
export class LiveSeriesCache {
  private readonly entries = new Map<string, LiveSeriesInfo>();
  private readonly maxEntries: number;

  constructor(maxEntries = 50_000) {
    this.maxEntries = maxEntries;
  }

  /** Info of canonical series key `key`. */
  get(key: string): LiveSeriesInfo {
    let info = this.entries.get(key);
    if (info === undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      const parsed = parseSeriesKey(key);
      const tags = new Map<string, string>(parsed.tags);
      const tagsJson = JSON.stringify(Object.fromEntries(parsed.tags));
      info = { tags, prefix: `{"measurement":${JSON.stringify(parsed.measurement)},"tags":${tagsJson},"time":"` };
      this.entries.set(key, info);
    }
    return info;
  }
}

const NS_DIGITS = 9;
const NS_PER_SEC = 1_000_000_000;

/** Exact decimal nanoseconds of (sec, nsec) with 0 ≤ nsec < 1e9, without BigInt (STYLE.md §8.2). */
export function formatTimeNs(sec: number, nsec: number): string {
  if (sec === 0) return String(nsec);
  if (sec > 0) return String(sec) + String(nsec).padStart(NS_DIGITS, "0");
  // sec < 0: time = -((-sec - 1) * 1e9 + (1e9 - nsec)), or -(-sec * 1e9) when nsec is 0.
  const wholeSec = nsec === 0 ? -sec : -sec - 1;
  const frac = nsec === 0 ? 0 : NS_PER_SEC - nsec;
  return wholeSec === 0 ? "-" + String(frac) : "-" + String(wholeSec) + String(frac).padStart(NS_DIGITS, "0");
}

/** JSON text of value `j` of `batch`: non-finite floats as "NaN"/"+Inf"/"-Inf", int64 beyond ±2^53 as strings. */
export function formatValueJson(batch: WriteBatch, j: number): string {
  const type = batch.valueType[j]!;
  const num = batch.valueNum[j]!;
  switch (type) {
    case FieldType.Float:
      if (Number.isFinite(num)) return String(num);
      return num !== num ? '"NaN"' : num > 0 ? '"+Inf"' : '"-Inf"';
    case FieldType.Int:
    case FieldType.Uint:
      return num !== num ? '"' + batch.bigValue(j).toString() + '"' : String(num);
    case FieldType.Bool:
      return num === 0 ? "false" : "true";
    default:
      return JSON.stringify(batch.valueStr[j]!);
  }
}

/**
 * JSON of point `i` whose values are [first, end) of `batch`, restricted to `fields` (all when null); null when
 * none of its fields is selected. Field names are JSON-quoted through `quoted` (a cache the caller keeps).
 */
export function formatPointJson(
  batch: WriteBatch,
  i: number,
  first: number,
  end: number,
  info: LiveSeriesInfo,
  fields: ReadonlySet<string> | null,
  quoted: Map<string, string>,
): string | null {
  let body = "";
  for (let j = first; j < end; j++) {
    const name = batch.valueField[j]!;
    if (fields !== null && !fields.has(name)) continue;
    let q = quoted.get(name);
    if (q === undefined) {
      q = JSON.stringify(name);
      if (quoted.size > 10_000) quoted.clear(); // bounds a cache of field names
      quoted.set(name, q);
    }
    body += (body === "" ? "" : ",") + q + ":" + formatValueJson(batch, j);
  }
  if (body === "") return null;
  return info.prefix + formatTimeNs(batch.sec[i]!, batch.nsec[i]!) + '","fields":{' + body + "}}";
}
