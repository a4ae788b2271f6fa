// The deterministic workload of the kill -9 test: every operation (a write batch or a delete) is derived from
// (seed, op id), so the writer child only prints op ids and the verifier regenerates what they contained.
import type { EngineOptions } from "../../src/index.ts";

/** Database the crash workload writes to. */
export const CRASH_DB = "crash";

/** Options of both the writer child and the verifier: small head so flushes happen during a short run. */
export const CRASH_ENGINE_OPTIONS: EngineOptions = {
  sync: "always",
  headBudgetBytes: 256 * 1024,
  flushAgeMs: 3_600_000,
  // 300 s partitions: cpu's 240 s of slots spans two, mem's three (slot 0 alone in the first): every flush
  // writes several segments, so a kill can land between them.
  partitionDurationNs: 300_000_000_000,
};

/** Field value types of the workload (line-protocol kinds). */
export type FieldKind = "float" | "int" | "uint" | "bool" | "string";

/** A stored value as the workload models it: floats as numbers, integers as bigints. */
export type ModelValue = number | bigint | boolean | string;

export interface MeasurementDef {
  name: string;
  /** Exact ns time of slot 0 (before 1970 for one measurement, to cover negative times). */
  baseNs: bigint;
  fields: ReadonlyArray<{ name: string; kind: FieldKind }>;
}

export interface SeriesDef {
  /** Index into MEASUREMENTS. */
  measurement: number;
  host: string;
  dc: string;
  /** Line-protocol prefix: measurement and escaped tags. */
  prefix: string;
}

export const MEASUREMENTS: readonly MeasurementDef[] = [
  {
    name: "cpu",
    baseNs: 1_700_000_000_000_000_000n,
    fields: [
      { name: "f", kind: "float" },
      { name: "i", kind: "int" },
      { name: "b", kind: "bool" },
      { name: "s", kind: "string" },
    ],
  },
  {
    name: "mem",
    baseNs: -3_000_000_000_007n,
    fields: [
      { name: "x", kind: "float" },
      { name: "n", kind: "int" },
      { name: "u", kind: "uint" },
      { name: "t", kind: "string" },
      { name: "ok", kind: "bool" },
    ],
  },
];

function series(measurement: number, host: string, dc: string): SeriesDef {
  const escape = (v: string): string => v.replace(/[,= ]/g, "\\$&");
  return { measurement, host, dc, prefix: `${MEASUREMENTS[measurement]!.name},dc=${escape(dc)},host=${escape(host)}` };
}

export const SERIES: readonly SeriesDef[] = [
  series(0, "a", "x"),
  series(0, "b", "x"),
  series(0, "c d", "y"),
  series(1, "a", "x"),
  series(1, "b", "y"),
  series(1, "e,f", "y"),
];

/** Op ids of round r are r * OPS_PER_ROUND + k, so every op of every round has its own content. */
export const OPS_PER_ROUND = 1_000_000;

/** Time slots per series; slot k's time is baseNs + k * SLOT_NS + jitter(k) with jitter < SLOT_NS. */
export const SLOTS = 2400;
const SLOT_NS = 100_000_000n;

/** Exact ns time of `slot` in measurement `m` (strictly increasing in slot; sub-ms jitter keeps ns digits busy). */
export function slotTime(m: number, slot: number): bigint {
  const jitter = BigInt(((slot * 7919) % 1000) * 1000 + (slot % 7));
  return MEASUREMENTS[m]!.baseNs + BigInt(slot) * SLOT_NS + jitter;
}

/** Start of slot `slot`'s window (≤ slotTime), used as an inclusive delete bound. */
export function slotStart(m: number, slot: number): bigint {
  return MEASUREMENTS[m]!.baseNs + BigInt(slot) * SLOT_NS;
}

/** One point of a write batch: a (series, slot) with some of its measurement's fields. */
export interface OpPoint {
  series: number;
  slot: number;
  values: Array<{ field: string; kind: FieldKind; value: ModelValue }>;
}

/** A write batch or a delete of slots [fromSlot, toSlot] of one series. */
export type CrashOp =
  { kind: "write"; points: OpPoint[] } | { kind: "delete"; series: number; fromSlot: number; toSlot: number };

/** A small deterministic PRNG (mulberry32) with helpers. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** 64 random bits as an unsigned bigint. */
  bits64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

/** Mixes (seed, id) into a PRNG seed (murmur3 finalizer). */
export function mixSeed(seed: number, id: number): number {
  let h = (seed ^ Math.imul(id, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const STRING_ALPHABET = ["a", "b", "z", "Q", "0", " ", ",", "=", '"', "\\", "é", "日", "🙂", "\t"];

function floatValue(rng: Rng): number {
  switch (rng.int(8)) {
    case 0:
      return rng.int(1000) - 500; // integral floats
    case 1:
      return rng.float() * 1e-300; // tiny
    case 2:
      return (rng.float() - 0.5) * 1e300; // huge
    case 3:
      return rng.int(1000) * 5e-324; // subnormal (0 included)
    case 4:
      return rng.chance(0.5) ? -0 : 0;
    default:
      return (rng.float() - 0.5) * 2e6; // full 53-bit mantissas
  }
}

function intValue(rng: Rng, unsigned: boolean): bigint {
  const pick = rng.int(10);
  if (pick < 7) return BigInt(unsigned ? rng.int(2_000_000) : rng.int(2_000_000) - 1_000_000);
  if (pick < 8) {
    // near the limits of the type
    const edge = unsigned
      ? 18_446_744_073_709_551_615n
      : rng.chance(0.5)
        ? 9_223_372_036_854_775_807n
        : -9_223_372_036_854_775_808n;
    const step = BigInt(rng.int(3));
    return edge > 0n ? edge - step : edge + step;
  }
  return unsigned ? rng.bits64() : BigInt.asIntN(64, rng.bits64());
}

function stringValue(rng: Rng): string {
  const length = rng.chance(0.05) ? 200 + rng.int(300) : rng.int(24);
  let s = "";
  for (let i = 0; i < length; i++) s += STRING_ALPHABET[rng.int(STRING_ALPHABET.length)]!;
  return s;
}

function fieldValue(rng: Rng, kind: FieldKind): ModelValue {
  switch (kind) {
    case "float":
      return floatValue(rng);
    case "int":
      return intValue(rng, false);
    case "uint":
      return intValue(rng, true);
    case "bool":
      return rng.chance(0.5);
    default:
      return stringValue(rng);
  }
}

/** The delete op `id` of run `seed` is, or null when op `id` is a write (decided by the first draws alone). */
function deleteOp(
  seed: number,
  id: number,
  rng = new Rng(mixSeed(seed, id)),
): Extract<CrashOp, { kind: "delete" }> | null {
  if (!rng.chance(0.06)) return null;
  const fromSlot = rng.int(SLOTS);
  return {
    kind: "delete",
    series: rng.int(SERIES.length),
    fromSlot,
    toSlot: Math.min(SLOTS - 1, fromSlot + rng.int(40)),
  };
}

function randomValues(rng: Rng, series: number): OpPoint["values"] {
  const fields = MEASUREMENTS[SERIES[series]!.measurement]!.fields;
  const values: OpPoint["values"] = [];
  for (const f of fields)
    if (rng.chance(0.65)) values.push({ field: f.name, kind: f.kind, value: fieldValue(rng, f.kind) });
  if (values.length === 0)
    values.push({ field: fields[0]!.name, kind: fields[0]!.kind, value: fieldValue(rng, fields[0]!.kind) });
  return values;
}

/**
 * The operation with id `id` of run `seed`: about 6 % narrow deletes (one series, up to 40 slots), otherwise write
 * batches of 4–24 points, in order or scattered; a third of the batches also rewrite a few slots of a delete
 * issued shortly before (ids within the same round), so deleted ranges get rewritten while the delete is fresh.
 */
export function crashOp(seed: number, id: number): CrashOp {
  const rng = new Rng(mixSeed(seed, id));
  const del = deleteOp(seed, id, rng);
  if (del !== null) return del;
  const count = 4 + rng.int(21);
  const sequential = rng.chance(0.3); // an in-order run, as a collector would send; otherwise scattered out of order
  let cursor = rng.int(SLOTS);
  const seen = new Set<number>();
  const points: OpPoint[] = [];
  const add = (series: number, slot: number): void => {
    if (seen.has(series * SLOTS + slot)) return; // one value per (series, time) per batch
    seen.add(series * SLOTS + slot);
    points.push({ series, slot, values: randomValues(rng, series) });
  };
  if (rng.chance(0.35)) {
    for (let back = 1; back <= 12 && back <= id % OPS_PER_ROUND; back++) {
      const recent = deleteOp(seed, id - back);
      if (recent === null) continue;
      const rewrites = 1 + rng.int(5);
      for (let k = 0; k < rewrites; k++)
        add(recent.series, recent.fromSlot + rng.int(recent.toSlot - recent.fromSlot + 1));
      break;
    }
  }
  for (let p = 0; p < count; p++) {
    const series = rng.int(SERIES.length);
    add(series, sequential ? (cursor = (cursor + 1 + rng.int(3)) % SLOTS) : rng.int(SLOTS));
  }
  return { kind: "write", points };
}

function formatValue(kind: FieldKind, value: ModelValue): string {
  switch (kind) {
    case "float":
      return Object.is(value, -0) ? "-0" : String(value);
    case "int":
      return `${value}i`;
    case "uint":
      return `${value}u`;
    case "bool":
      return value ? "true" : "false";
    default:
      return `"${(value as string).replace(/["\\]/g, "\\$&")}"`;
  }
}

/** Line protocol of a write op (ns precision). */
export function toLineProtocol(points: readonly OpPoint[]): string {
  let text = "";
  for (const p of points) {
    const def = SERIES[p.series]!;
    const fields = p.values.map((v) => `${v.field}=${formatValue(v.kind, v.value)}`).join(",");
    text += `${def.prefix} ${fields} ${slotTime(def.measurement, p.slot)}\n`;
  }
  return text;
}
