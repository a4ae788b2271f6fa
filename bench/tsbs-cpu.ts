// A generator of TSBS "cpu-only" line protocol (github.com/timescale/tsbs, use case cpu-only): measurement
// `cpu`, 10 tags per host, 10 integer usage fields as clamped random walks, one row per host every 10 s.
import * as fsp from "node:fs/promises";

/** The 10 fields of a TSBS cpu row, in TSBS order. */
export const CPU_FIELDS = [
  "usage_user",
  "usage_system",
  "usage_idle",
  "usage_nice",
  "usage_iowait",
  "usage_irq",
  "usage_softirq",
  "usage_steal",
  "usage_guest",
  "usage_guest_nice",
] as const;

/** First row time: 2016-01-01T00:00:00Z in seconds (TSBS's default start). */
export const TSBS_START_SEC = 1_451_606_400;
/** Seconds between two rows of one host (TSBS's default log interval). */
const TSBS_INTERVAL_SEC = 10;

// TSBS's tag value lists (pkg/data/usecases/devops/host.go).
const REGIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["us-east-1", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1e"]],
  ["us-west-1", ["us-west-1a", "us-west-1b"]],
  ["us-west-2", ["us-west-2a", "us-west-2b", "us-west-2c"]],
  ["eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]],
  ["eu-central-1", ["eu-central-1a", "eu-central-1b"]],
  ["ap-southeast-1", ["ap-southeast-1a", "ap-southeast-1b"]],
  ["ap-southeast-2", ["ap-southeast-2a", "ap-southeast-2b"]],
  ["ap-northeast-1", ["ap-northeast-1a", "ap-northeast-1c"]],
  ["sa-east-1", ["sa-east-1a", "sa-east-1b", "sa-east-1c"]],
];
const OSES = ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"];
const ARCHES = ["x64", "x86"];
const TEAMS = ["SF", "NYC", "LON", "CHI"];
const SERVICE_ENVIRONMENTS = ["production", "staging", "test"];

/** What a generator run wrote. */
export interface TsbsCpuFile {
  rows: number;
  /** Field values: rows × 10. */
  values: number;
  bytes: number;
}

/** Generator settings. */
export interface TsbsCpuOptions {
  hosts: number;
  hours: number;
  /** PRNG seed (default 1). The same settings always give the same bytes. */
  seed?: number;
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tag section (`cpu,hostname=…,…`) of host `i`, values chosen deterministically from TSBS's lists. */
function hostSeriesKey(i: number, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const [region, datacenters] = pick(REGIONS);
  return (
    `cpu,hostname=host_${i},region=${region},datacenter=${pick(datacenters)},rack=${Math.floor(random() * 100)}` +
    `,os=${pick(OSES)},arch=${pick(ARCHES)},team=${pick(TEAMS)},service=${Math.floor(random() * 20)}` +
    `,service_version=${Math.floor(random() * 2)},service_environment=${pick(SERVICE_ENVIRONMENTS)}`
  );
}

const FLUSH_CHARS = 1 << 20;

/**
 * Writes the data set to `file` (replacing it), rows ordered by time then host, streaming in ~1 MiB pieces.
 * Each field is a random walk: next = clamp(round(prev + N(0, 1)), 0, 100).
 */
export async function writeTsbsCpuFile(file: string, options: TsbsCpuOptions): Promise<TsbsCpuFile> {
  const random = seededRandom(options.seed ?? 1);
  const hosts = options.hosts;
  const steps = Math.round((options.hours * 3600) / TSBS_INTERVAL_SEC);
  const keys: string[] = [];
  for (let h = 0; h < hosts; h++) keys.push(hostSeriesKey(h, random));
  const state = new Int32Array(hosts * CPU_FIELDS.length);
  for (let i = 0; i < state.length; i++) state[i] = Math.round(random() * 100);
  const gaussian = gaussianSource(random);
  const handle = await fsp.open(file, "w");
  let bytes = 0;
  try {
    let pending = "";
    for (let step = 0; step < steps; step++) {
      const ts = ` ${TSBS_START_SEC + step * TSBS_INTERVAL_SEC}000000000\n`;
      for (let h = 0; h < hosts; h++) {
        let line = keys[h]!;
        for (let f = 0; f < CPU_FIELDS.length; f++) {
          const k = h * CPU_FIELDS.length + f;
          const next = Math.min(100, Math.max(0, Math.round(state[k]! + gaussian())));
          state[k] = next;
          line += `${f === 0 ? " " : ","}${CPU_FIELDS[f]}=${next}i`;
        }
        pending += line + ts;
      }
      if (pending.length >= FLUSH_CHARS || step === steps - 1) {
        bytes += (await handle.write(pending)).bytesWritten;
        pending = "";
      }
    }
  } finally {
    await handle.close();
  }
  return { rows: steps * hosts, values: steps * hosts * CPU_FIELDS.length, bytes };
}

// Standard normal deviates by the Box-Muller transform, using both values of each pair.
function gaussianSource(random: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const out = spare;
      spare = NaN;
      return out;
    }
    const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
