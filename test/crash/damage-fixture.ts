// The data directory the damage tests start from: two flushed segments and a WAL of ten records, with every
// value derived from its position so a test knows exactly which points each file region holds.

/** Database of the damage fixture. */
export const DAMAGE_DB = "dmg";
/** Points of each segment series (three blocks per column at the default 8192-point block limit). */
const SEGMENT_POINTS = 20_000;
/** WAL records (one write each) and points per record. */
export const WAL_RECORDS = 10;
const WAL_RECORD_POINTS = 50;

// Midnight UTC, so every fixture point falls in one partition (one segment per flush).
const T0 = 1_699_920_000_000_000_000n;
const SECOND = 1_000_000_000n;

/** A fixture point: series tag `s`, time, and values of fields f (float) and i (int). */
export interface FixturePoint {
  series: string;
  time: bigint;
  f: number;
  i: bigint;
}

/** Points of series "a" (segment 1) or "b" (segment 2): one per second from T0. */
export function segmentPoints(series: "a" | "b"): FixturePoint[] {
  const out: FixturePoint[] = [];
  for (let k = 0; k < SEGMENT_POINTS; k++) {
    const f = series === "a" ? Math.sin(k) * 1000 : Math.cos(k) * 1e6;
    out.push({ series, time: T0 + BigInt(k) * SECOND, f, i: series === "a" ? BigInt(k * 3 - 7) : BigInt(-k) });
  }
  return out;
}

/** Points of WAL record `record` (series "w"), after the segment series' times. */
export function walPoints(record: number): FixturePoint[] {
  const out: FixturePoint[] = [];
  for (let k = 0; k < WAL_RECORD_POINTS; k++) {
    const n = record * WAL_RECORD_POINTS + k;
    out.push({ series: "w", time: T0 + BigInt(30_000 + n) * SECOND, f: n + 0.1 * record, i: BigInt(record) });
  }
  return out;
}

/** Points written after a reopen, to check that the damaged directory still takes writes (series "z"). */
export function laterPoints(): FixturePoint[] {
  return Array.from({ length: 100 }, (_, k) => ({
    series: "z",
    time: T0 + BigInt(50_000 + k) * SECOND,
    f: k / 7,
    i: BigInt(k),
  }));
}

/** Line protocol of fixture points. */
export function fixtureLines(points: readonly FixturePoint[]): string {
  return points
    .map((p) => `m,s=${p.series} f=${Object.is(p.f, -0) ? "-0" : String(p.f)},i=${p.i}i ${p.time}`)
    .join("\n");
}
