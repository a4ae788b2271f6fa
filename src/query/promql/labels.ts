// Label-set helpers of the PromQL evaluator: identity keys, matching signatures and Prometheus's label order.
import type { Labels } from "./values.ts";

/** The metric name label. */
export const NAME_LABEL = "__name__";

const SEP = "\xff";
const keyCache = new WeakMap<Labels, string>();

/** A string identifying a label set, independent of key order. Cached per (immutable) Labels object. */
export function labelsKey(labels: Labels): string {
  let key = keyCache.get(labels);
  if (key !== undefined) return key;
  const names = Object.keys(labels).sort();
  key = "";
  for (let i = 0; i < names.length; i++) key += names[i]! + SEP + labels[names[i]!]! + SEP;
  keyCache.set(labels, key);
  return key;
}

/** `labels` without `__name__` (the same object when it has none). */
export function withoutName(labels: Labels): Labels {
  if (labels[NAME_LABEL] === undefined) return labels;
  const out: Labels = {};
  for (const k in labels) if (k !== NAME_LABEL) out[k] = labels[k]!;
  return out;
}

/**
 * The matching signature of `labels`: with `on`, the values of `names` (missing = ""); otherwise every label
 * except `names` and `__name__` (Prometheus's HashForLabels / HashWithoutLabels).
 */
export function signature(labels: Labels, on: boolean, names: readonly string[]): string {
  if (on) {
    let sig = "";
    for (let i = 0; i < names.length; i++) sig += (labels[names[i]!] ?? "") + SEP;
    return sig;
  }
  if (names.length === 0) return labelsKey(withoutName(labels));
  const kept: Labels = {};
  for (const k in labels) if (k !== NAME_LABEL && !names.includes(k)) kept[k] = labels[k]!;
  return labelsKey(kept);
}

/** Compares strings by code point (Go's byte order of UTF-8). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** Prometheus `labels.Compare`: by sorted (name, value) pairs, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const na = Object.keys(a).sort(compareStrings);
  const nb = Object.keys(b).sort(compareStrings);
  const n = Math.min(na.length, nb.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(na[i]!, nb[i]!);
    if (c !== 0) return c;
    const d = compareStrings(a[na[i]!]!, b[nb[i]!]!);
    if (d !== 0) return d;
  }
  return na.length - nb.length;
}

/** Labels `{a="b", ...}` in Prometheus's text form, sorted by name, for error messages. */
export function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort(compareStrings);
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(", ")}}`;
}
