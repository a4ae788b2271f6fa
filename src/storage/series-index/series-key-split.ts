// Fast split + canonical check of series keys for the index (creation and rebuild at open). Keys without escapes
// take a substring fast path; escaped keys defer to parseSeriesKey/formatSeriesKey, which define canonical form.
import { formatSeriesKey, parseSeriesKey } from "../model/index.ts";

/**
 * Splits canonical series `key` into `out[0..n)` as `[measurement, k1, v1, k2, v2, …]` (unescaped) and returns `n`
 * (odd, ≥ 1); returns -1 when `key` is not canonical: empty measurement, unsorted or duplicate tag keys, empty tag
 * values, or characters that canonical form escapes. `out` is scratch owned by the caller and reused across calls:
 * entries are overwritten in place and never truncated (so it stops allocating once it has grown), and entries at
 * and past `n` are stale.
 *
 * Agrees with `parseSeriesKey` plus `formatSeriesKey(...) === key` on every input (property-tested); the fast path
 * exists because parseSeriesKey builds strings char by char (~6 µs for a 160-byte TSBS key, versus <1 µs here),
 * which alone would cost 6 s when reopening 1M series (series-index.bench.ts).
 */
export function splitSeriesKey(key: string, out: string[]): number {
  if (key.indexOf("\\") !== -1) return splitEscaped(key, out);
  if (key.length === 0 || key.indexOf(" ") !== -1) return -1;
  const comma = key.indexOf(",");
  if (comma === -1) {
    out[0] = key;
    return 1;
  }
  if (comma === 0) return -1;
  out[0] = key.slice(0, comma);
  let n = 1;
  let start = comma + 1;
  for (;;) {
    let end = key.indexOf(",", start);
    if (end === -1) end = key.length;
    const eq = key.indexOf("=", start);
    // Missing '=' or empty value: not canonical. (An empty tag key formats and parses back, so the model allows it.)
    if (eq < start || eq >= end - 1) return -1;
    // A second unescaped '=' inside one tag cannot come from formatSeriesKey.
    const eq2 = key.indexOf("=", eq + 1);
    if (eq2 !== -1 && eq2 < end) return -1;
    const tagKey = key.slice(start, eq);
    if (n > 1 && !(out[n - 2]! < tagKey)) return -1;
    out[n] = tagKey;
    out[n + 1] = key.slice(eq + 1, end);
    n += 2;
    if (end === key.length) return n;
    start = end + 1;
  }
}

function splitEscaped(key: string, out: string[]): number {
  const parsed = parseSeriesKey(key);
  if (parsed.measurement === "" || formatSeriesKey(parsed.measurement, parsed.tags) !== key) return -1;
  out[0] = parsed.measurement;
  let n = 1;
  for (let i = 0; i < parsed.tags.length; i++) {
    out[n++] = parsed.tags[i]![0];
    out[n++] = parsed.tags[i]![1];
  }
  return n;
}
