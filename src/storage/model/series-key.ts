// Canonical series keys: `measurement,k1=v1,k2=v2` in escaped line-protocol form, tags sorted by key.
// One string identifies a series everywhere (index, WAL, segment footers). See docs/format/series-key.md.

/** A tag as a [key, value] pair of unescaped strings. */
export type Tag = readonly [key: string, value: string];

const MEASUREMENT_SPECIAL = /[, \\]/g;
const TAG_SPECIAL = /[,= \\]/g;

function escapeMeasurement(name: string): string {
  return MEASUREMENT_SPECIAL.test(name) ? name.replace(MEASUREMENT_SPECIAL, (c) => "\\" + c) : name;
}

function escapeTag(text: string): string {
  return TAG_SPECIAL.test(text) ? text.replace(TAG_SPECIAL, (c) => "\\" + c) : text;
}

/** Compares strings by UTF-16 code units, the order tags are sorted in (stable across runs). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds the canonical key. `tags` need not be sorted; empty tag values are dropped as InfluxDB does.
 * Duplicate tag keys: the last one wins.
 */
export function formatSeriesKey(measurement: string, tags: readonly Tag[]): string {
  let key = escapeMeasurement(measurement);
  if (tags.length === 0) return key;
  const sorted = tags.filter((t) => t[1] !== "").sort((a, b) => compareKeys(a[0], b[0]));
  for (let i = 0; i < sorted.length; i++) {
    const next = sorted[i + 1];
    if (next !== undefined && next[0] === sorted[i]![0]) continue;
    key += "," + escapeTag(sorted[i]![0]) + "=" + escapeTag(sorted[i]![1]);
  }
  return key;
}

/** Splits a canonical key into its measurement and sorted tags (unescaped). */
export function parseSeriesKey(key: string): { measurement: string; tags: Tag[] } {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === "\\" && i + 1 < key.length) {
      current += key[++i];
    } else if (c === "," || (c === "=" && parts.length > 0)) {
      parts.push(current, c);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  const measurement = parts[0]!;
  const tags: Tag[] = [];
  // parts: measurement, ",", k, "=", v, ",", k, "=", v ...
  for (let i = 2; i + 2 < parts.length; i += 4) tags.push([parts[i]!, parts[i + 2]!]);
  return { measurement, tags };
}
