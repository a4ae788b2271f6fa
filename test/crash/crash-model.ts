// What the kill -9 test may observe after recovery: per (series, field, slot), the set of values consistent with
// the acknowledged and in-flight operations of a run, checked against what the reopened engine serves.
import type { Strata } from "../../src/index.ts";
import { CRASH_DB, MEASUREMENTS, SERIES, SLOTS, crashOp, slotTime } from "./crash-workload.ts";
import type { CrashOp, FieldKind, ModelValue } from "./crash-workload.ts";

/** Stored values by key (see keyOf). */
export type ModelState = Map<number, ModelValue>;

/** An operation of one run as the writer reported it; positions index the writer's stdout lines. */
export interface RunOp {
  id: number;
  op: CrashOp;
  issuePos: number;
  /** Infinity when the acknowledgement was not seen (in flight at the kill). */
  ackPos: number;
}

/** What the writer printed: its events in order. */
export interface WriterLog {
  ready: boolean;
  ops: RunOp[];
  failures: string[];
}

/** Parses the writer's stdout lines ("r", "i <id>", "a <id>", "x <id> <code>") into ops regenerated from `seed`. */
export function parseWriterLog(lines: readonly string[], seed: number): WriterLog {
  const log: WriterLog = { ready: false, ops: [], failures: [] };
  const byId = new Map<number, RunOp>();
  lines.forEach((line, pos) => {
    const [event, idText, code] = line.split(" ");
    const id = Number(idText);
    if (event === "r") log.ready = true;
    else if (event === "i") {
      const op: RunOp = { id, op: crashOp(seed, id), issuePos: pos, ackPos: Infinity };
      byId.set(id, op);
      log.ops.push(op);
    } else if (event === "a") {
      const op = byId.get(id);
      if (op === undefined) log.failures.push(`ack of op ${id} that was never issued`);
      else op.ackPos = pos;
    } else if (event === "x") log.failures.push(`op ${id} failed with ${code}`);
    else if (line !== "") log.failures.push(`unexpected writer output ${JSON.stringify(line)}`);
  });
  return log;
}

const ABSENT = Symbol("absent");
type Effect = ModelValue | typeof ABSENT;

/** Fields per measurement the key layout leaves room for. */
const FIELD_SLOTS = 8;

/** Key of (series, field index in its measurement, slot): one number, so maps of ~100k keys stay fast. */
const keyOf = (series: number, field: number, slot: number): number => (series * FIELD_SLOTS + field) * SLOTS + slot;

function unkey(key: number): { series: number; field: number; slot: number } {
  const slot = key % SLOTS;
  const rest = (key - slot) / SLOTS;
  return { series: Math.floor(rest / FIELD_SLOTS), field: rest % FIELD_SLOTS, slot };
}

function fieldIndex(series: number, field: string): number {
  return MEASUREMENTS[SERIES[series]!.measurement]!.fields.findIndex((f) => f.name === field);
}

function kindOf(series: number, field: string): FieldKind | undefined {
  return MEASUREMENTS[SERIES[series]!.measurement]!.fields.find((f) => f.name === field)?.kind;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function floatBits(x: number): bigint {
  f64[0] = x;
  return u64[0]!;
}

function sameEffect(kind: FieldKind, a: Effect, b: Effect): boolean {
  if (a === ABSENT || b === ABSENT) return a === b;
  if (kind === "float") return typeof a === "number" && typeof b === "number" && floatBits(a) === floatBits(b);
  return a === b;
}

function show(e: Effect): string {
  if (e === ABSENT) return "absent";
  if (typeof e === "number" && Object.is(e, -0)) return "-0";
  return typeof e === "bigint" ? `${e}n` : JSON.stringify(e);
}

/**
 * Reads every point of the crash workload from `db`. Problems (unknown times or fields, wrong value types, rows
 * without values) are returned as strings: each is data that was never written.
 */
export async function readState(db: Strata): Promise<{ state: ModelState; problems: string[] }> {
  const state: ModelState = new Map();
  const problems: string[] = [];
  if (!db.databases().includes(CRASH_DB)) return { state, problems };
  const slotByTime = MEASUREMENTS.map((_, m) => {
    const map = new Map<bigint, number>();
    for (let slot = 0; slot < SLOTS; slot++) map.set(slotTime(m, slot), slot);
    return map;
  });
  for (let s = 0; s < SERIES.length; s++) {
    const def = SERIES[s]!;
    const result = await db.query(CRASH_DB, {
      measurement: MEASUREMENTS[def.measurement]!.name,
      where: [
        { key: "host", op: "=", value: def.host },
        { key: "dc", op: "=", value: def.dc },
      ],
    });
    if (result.series.length > 1)
      problems.push(`series ${def.prefix}: ${result.series.length} result series, want at most 1`);
    for (const rs of result.series) {
      for (let r = 0; r < rs.times.length; r++) {
        const time = rs.times[r]!;
        const slot = slotByTime[def.measurement]!.get(time);
        if (slot === undefined) {
          problems.push(`series ${def.prefix}: time ${time} was never written`);
          continue;
        }
        let any = false;
        for (let c = 0; c < rs.values.length; c++) {
          const field = rs.columns[c + 1]!;
          const raw = rs.values[c]![r];
          if (raw === null || raw === undefined) continue;
          any = true;
          const kind = kindOf(s, field);
          let value: ModelValue | undefined;
          if (kind === "float" && typeof raw === "number") value = raw;
          else if ((kind === "int" || kind === "uint") && (typeof raw === "bigint" || Number.isSafeInteger(raw)))
            value = BigInt(raw as number | bigint);
          else if (kind === "bool" && typeof raw === "boolean") value = raw;
          else if (kind === "string" && typeof raw === "string") value = raw;
          if (value === undefined)
            problems.push(
              `series ${def.prefix} field ${field} slot ${slot}: value ${show(raw as ModelValue)} of unexpected type (${kind ?? "unknown field"})`,
            );
          else state.set(keyOf(s, fieldIndex(s, field), slot), value);
        }
        if (!any) problems.push(`series ${def.prefix} slot ${slot}: a row without any value`);
      }
    }
  }
  return { state, problems };
}

/** Keys an op touches, with the effect it has on each (a value, or absent for a delete). */
function effects(op: CrashOp, visit: (key: number, effect: Effect) => void): void {
  if (op.kind === "write") {
    for (const p of op.points)
      for (const v of p.values) visit(keyOf(p.series, fieldIndex(p.series, v.field), p.slot), v.value);
    return;
  }
  const fields = MEASUREMENTS[SERIES[op.series]!.measurement]!.fields;
  for (let slot = op.fromSlot; slot <= op.toSlot; slot++) {
    for (let f = 0; f < fields.length; f++) visit(keyOf(op.series, f, slot), ABSENT);
  }
}

/**
 * Checks `observed` against `base` (the state before the run) and the run's ops. For each key, the allowed
 * outcomes are the effects of the ops that may have been applied last: op X qualifies unless some acknowledged op
 * touching the key was issued after X was acknowledged (then X is definitely ordered before it). When no
 * acknowledged op touches the key, the base value also qualifies (every in-flight op may have been lost).
 * Returns one line per violating key (at most `limit`), and the total count.
 */
export function checkRun(
  base: ModelState,
  ops: readonly RunOp[],
  observed: ModelState,
  limit = 25,
): { violations: string[]; count: number } {
  const touching = new Map<number, Array<{ op: RunOp; effect: Effect }>>();
  for (const op of ops) {
    effects(op.op, (key, effect) => {
      let list = touching.get(key);
      if (list === undefined) touching.set(key, (list = []));
      list.push({ op, effect });
    });
  }
  const keys = new Set<number>(base.keys());
  for (const key of touching.keys()) keys.add(key);
  for (const key of observed.keys()) keys.add(key);
  const violations: string[] = [];
  let count = 0;
  for (const key of keys) {
    const { series, field, slot } = unkey(key);
    const fieldDef = MEASUREMENTS[SERIES[series]!.measurement]!.fields[field]!;
    const kind = fieldDef.kind;
    const list = touching.get(key) ?? [];
    let lastAckedIssue = -1;
    for (const t of list) if (t.op.ackPos !== Infinity) lastAckedIssue = Math.max(lastAckedIssue, t.op.issuePos);
    const allowed: Array<{ effect: Effect; from: string }> = [];
    if (lastAckedIssue < 0) allowed.push({ effect: base.has(key) ? base.get(key)! : ABSENT, from: "before this run" });
    for (const t of list) {
      if (t.op.ackPos > lastAckedIssue) {
        allowed.push({
          effect: t.effect,
          from: `${t.op.op.kind} ${t.op.id} ${t.op.ackPos === Infinity ? "in flight" : "acked"}`,
        });
      }
    }
    const got: Effect = observed.has(key) ? observed.get(key)! : ABSENT;
    if (allowed.some((a) => sameEffect(kind, a.effect, got))) continue;
    count++;
    if (violations.length < limit) {
      const def = SERIES[series]!;
      const where = `${def.prefix} field ${fieldDef.name} slot ${slot} (time ${slotTime(def.measurement, slot)})`;
      const allowedText = allowed.map((a) => `${show(a.effect)} [${a.from}]`).join(", ");
      const writes = list.map((t) => `${t.op.op.kind} ${t.op.id}@${t.op.issuePos}-${t.op.ackPos}`).join(" ");
      violations.push(`${where}: got ${show(got)}, allowed ${allowedText}; ops ${writes || "none"}`);
    }
  }
  return { violations, count };
}
