// Label-set helpers shared by the function library: dropping the metric name and Prometheus's label ordering.
import type { Labels } from "../values.ts";
import { NAME_LABEL, compareStrings } from "../labels.ts";

/** Results of {@link dropMetricName} per input label set, so a range query's steps share one object per series. */
const WITHOUT_NAME = new WeakMap<Labels, Labels>();

/**
 * `labels` without `__name__`; returns `labels` itself when it has none, and the same object for the same input
 * object (label sets are immutable). The caller must not mutate the result.
 */
export function dropMetricName(labels: Labels): Labels {
  if (!Object.prototype.hasOwnProperty.call(labels, NAME_LABEL)) return labels;
  let out = WITHOUT_NAME.get(labels);
  if (out !== undefined) return out;
  out = {};
  for (const k in labels) if (k !== NAME_LABEL) out[k] = labels[k]!;
  WITHOUT_NAME.set(labels, out);
  return out;
}

/** Sorted label names of `labels`; skips the sort when the keys are already in order (the usual case). */
function sortedNames(labels: Labels): string[] {
  const names = Object.keys(labels);
  for (let i = 1; i < names.length; i++) {
    if (compareStrings(names[i - 1]!, names[i]!) > 0) return names.sort(compareStrings);
  }
  return names;
}

/** Prometheus `labels.Compare`: by sorted (name, value) pairs, then by count. */
export function compareLabelSets(a: Labels, b: Labels): number {
  const na = sortedNames(a);
  const nb = sortedNames(b);
  const n = Math.min(na.length, nb.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(na[i]!, nb[i]!);
    if (c !== 0) return c;
    const d = compareStrings(a[na[i]!]!, b[nb[i]!]!);
    if (d !== 0) return d;
  }
  return na.length - nb.length;
}

/**
 * A string key identifying a label set, independent of key order; `skip` names a label to leave out. Length
 * prefixes keep it unambiguous for any names and values.
 */
export function labelSetKey(labels: Labels, skip: string): string {
  const names = sortedNames(labels);
  let key = "";
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (k === skip) continue;
    const v = labels[k]!;
    key += `${k.length}:${k}${v.length}:${v}`;
  }
  return key;
}
