// Compares two Prometheus HTTP API answers (Strata's and a real Prometheus's) for the real-peer tests: same result
// type, same label sets, same timestamps, values equal within a small relative tolerance.

/** Relative tolerance for sample values. Why not exact: engines may add the same floats in a different order
 * (sum/avg over series iterated in another order, Kahan vs plain summation), which moves the last bits. */
const REL_TOLERANCE = 1e-9;

interface Sample {
  t: number;
  v: number;
}

/** A query result reduced to `labelset → samples`, plus its type. */
interface Canonical {
  type: string;
  series: Map<string, Sample[]>;
}

/** GETs `base + path` with `params` (repeated keys as arrays); returns the parsed JSON body and status. */
export async function promGet(
  base: string,
  path: string,
  params: Record<string, string | string[]>,
): Promise<{ status: number; body: any }> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
  const res = await fetch(`${base}${path}?${qs.toString()}`);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: { status: "error", error: `not JSON: ${text.slice(0, 200)}` } };
  }
}

function labelKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function canonical(data: any): Canonical {
  const series = new Map<string, Sample[]>();
  const pair = (p: [number, string]): Sample => ({ t: p[0], v: Number(p[1]) });
  if (data.resultType === "vector") for (const s of data.result) series.set(labelKey(s.metric), [pair(s.value)]);
  else if (data.resultType === "matrix")
    for (const s of data.result) series.set(labelKey(s.metric), s.values.map(pair));
  else series.set("", [pair(data.result)]);
  return { type: data.resultType, series };
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Differences between two successful query responses' `data` (want: the reference system), as readable lines;
 * empty when they agree.
 */
export function diffQueryData(got: any, want: any): string[] {
  const g = canonical(got);
  const w = canonical(want);
  if (g.type !== w.type) return [`result type ${g.type}, want ${w.type}`];
  const out: string[] = [];
  for (const key of w.series.keys()) if (!g.series.has(key)) out.push(`missing series ${key}`);
  for (const key of g.series.keys()) if (!w.series.has(key)) out.push(`extra series ${key}`);
  for (const [key, want] of w.series) {
    const have = g.series.get(key);
    if (have === undefined) continue;
    const fmt = (s: Sample[]): string => s.map((x) => `${x.t}:${x.v}`).join(" ");
    const same = have.length === want.length && have.every((s, i) => s.t === want[i]!.t && close(s.v, want[i]!.v));
    if (!same) out.push(`series ${key}: got ${fmt(have)}, want ${fmt(want)}`);
  }
  return out;
}

/** Sorts string lists and series label sets, so list endpoints compare independent of order. */
export function normalizeList(data: any): any {
  if (!Array.isArray(data)) return data;
  return data.map((x) => (typeof x === "string" ? x : labelKey(x))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
