// Prometheus metric metadata (type, help, unit per metric family) as the series index stores it: the record type
// and its byte form in the `metadata` sub-database (docs/format/series-index.md, "metadata"). Knows nothing of
// remote write or HTTP.

/** Metadata of one metric family, as Prometheus remote write sends it and `/api/v1/metadata` returns it. */
export interface MetricMetadata {
  /** Metric family name (the `__name__` of its series, without `_bucket`/`_total` suffix handling). */
  metric: string;
  /** Lower-case Prometheus type: counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown. */
  type: string;
  help: string;
  unit: string;
}

/** Longest metric name stored (UTF-8 bytes): LMDB keys are limited to 511 bytes minus lmdb-js's own prefix. */
export const MAX_METADATA_NAME_BYTES = 400;

/** The record value: UTF-8 JSON `{"type":…,"help":…,"unit":…}` (the key is the metric name). */
export function encodeMetricMetadata(entry: MetricMetadata): Buffer {
  return Buffer.from(JSON.stringify({ type: entry.type, help: entry.help, unit: entry.unit }), "utf8");
}

/** Decodes a record value; null when it is not the JSON object encodeMetricMetadata writes. */
export function decodeMetricMetadata(metric: string, value: Buffer): MetricMetadata | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString("utf8"));
  } catch {
    return null; // reported by the caller as corruption, with the file it came from
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { type, help, unit } = parsed as Record<string, unknown>;
  if (typeof type !== "string" || typeof help !== "string" || typeof unit !== "string") return null;
  return { metric, type, help, unit };
}

/** True when two entries carry the same type, help and unit. */
export function sameMetricMetadata(a: MetricMetadata, b: MetricMetadata): boolean {
  return a.type === b.type && a.help === b.help && a.unit === b.unit;
}
