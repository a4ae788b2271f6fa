// Raw (non-aggregated) reads: joins a series' fields by time into rows, filters rows by field conditions,
// and merges the rows of several series into one time-ordered result.
import type { AggValue } from "../aggregate/index.ts";
import type { ColumnValues } from "../model/index.ts";
import type { ColumnVisitor } from "./column-scan.ts";
import type { FieldCondition } from "./query-types.ts";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Rows of one series or group: time as (partition, offset) plus one value per field, null where absent. */
export class RowSet {
  partitions: number[] = [];
  offsets: number[] = [];
  /** columns[f][row] */
  columns: AggValue[][];

  constructor(fieldCount: number) {
    this.columns = Array.from({ length: fieldCount }, () => []);
  }

  get length(): number {
    return this.offsets.length;
  }
}

/** Times as parallel ascending (partition, offset) lists. */
export interface TimeList {
  partitions: number[];
  offsets: number[];
}

/**
 * Collects one field's points (all partitions, ascending) for the join. After `keepOnly(times)` it keeps only
 * the points at those times (the rows that passed the field conditions), so other fields' points are not copied.
 */
export class PointCollector implements ColumnVisitor {
  partitions: number[] = [];
  offsets: number[] = [];
  values: AggValue[] = [];
  private readonly isBool: boolean;
  /** Times to keep (null: keep every point), and the next candidate in them. */
  private keep: TimeList | null = null;
  private keepAt = 0;

  constructor(isBool: boolean) {
    this.isBool = isBool;
  }

  reset(): void {
    this.partitions.length = 0;
    this.offsets.length = 0;
    this.values.length = 0;
    this.keep = null;
    this.keepAt = 0;
  }

  /** From now on keeps only points at `times` (ascending; read, not copied, until reset). */
  keepOnly(times: TimeList): void {
    this.keep = times;
    this.keepAt = 0;
  }

  /** Drops the collected points whose times are not in `times` (ascending). */
  retain(times: TimeList): void {
    let k = 0;
    let n = 0;
    for (let i = 0; i < this.offsets.length && k < times.offsets.length; i++) {
      const p = this.partitions[i]!;
      const off = this.offsets[i]!;
      k = advance(times, k, p, off);
      if (k >= times.offsets.length || times.partitions[k] !== p || times.offsets[k] !== off) continue;
      this.partitions[n] = p;
      this.offsets[n] = off;
      this.values[n] = this.values[i]!;
      n++;
    }
    this.partitions.length = n;
    this.offsets.length = n;
    this.values.length = n;
  }

  stats(): boolean {
    return false;
  }

  points(partition: number, offsets: Float64Array, values: ColumnValues, start: number, end: number): void {
    const keep = this.keep;
    if (keep === null) {
      for (let i = start; i < end; i++) this.push(partition, offsets[i]!, values[i]!);
      return;
    }
    let k = this.keepAt;
    for (let i = start; i < end && k < keep.offsets.length; i++) {
      const off = offsets[i]!;
      k = advance(keep, k, partition, off);
      if (k < keep.offsets.length && keep.partitions[k] === partition && keep.offsets[k] === off) {
        this.push(partition, off, values[i]!);
        k++;
      }
    }
    this.keepAt = k;
  }

  private push(partition: number, offset: number, v: number | bigint | string): void {
    this.partitions.push(partition);
    this.offsets.push(offset);
    // Bigint columns hold every value as bigint; results use numbers wherever they are exact.
    if (typeof v === "bigint") this.values.push(v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v);
    else this.values.push(this.isBool ? v === 1 : v);
  }
}

/** The first index ≥ k of `times` not before (p, off). */
function advance(times: TimeList, k: number, p: number, off: number): number {
  const ps = times.partitions;
  const os = times.offsets;
  while (k < os.length && (ps[k]! < p || (ps[k] === p && os[k]! < off))) k++;
  return k;
}

/**
 * The times where every condition holds, from the collectors of the condition fields (`fieldIndex` maps a
 * condition to its collector; all must be ≥ 0). A condition on a field without a point at a time fails there.
 */
export function matchingTimes(
  fields: readonly PointCollector[],
  conditions: readonly FieldCondition[],
  fieldIndex: readonly number[],
): TimeList {
  const out: TimeList = { partitions: [], offsets: [] };
  const driver = fields[fieldIndex[0]!]!;
  const cursor = new Array<number>(fields.length).fill(0);
  for (let i = 0; i < driver.offsets.length; i++) {
    const p = driver.partitions[i]!;
    const off = driver.offsets[i]!;
    let keep = true;
    for (let c = 0; c < conditions.length && keep; c++) {
      const f = fieldIndex[c]!;
      const column = fields[f]!;
      const k = advance(column, cursor[f]!, p, off);
      cursor[f] = k;
      keep =
        k < column.offsets.length &&
        column.partitions[k] === p &&
        column.offsets[k] === off &&
        matches(column.values[k]!, conditions[c]!);
    }
    if (!keep) continue;
    out.partitions.push(p);
    out.offsets.push(off);
  }
  return out;
}

/** Joins per-field collectors (each time-sorted) into rows, appending to `out`. Returns rows added. */
export function joinFields(fields: readonly PointCollector[], out: RowSet): number {
  const cursor = new Array<number>(fields.length).fill(0);
  let added = 0;
  for (;;) {
    let bestP = Infinity;
    let bestOff = Infinity;
    for (let f = 0; f < fields.length; f++) {
      const c = fields[f]!;
      const i = cursor[f]!;
      if (i >= c.offsets.length) continue;
      const p = c.partitions[i]!;
      const off = c.offsets[i]!;
      if (p < bestP || (p === bestP && off < bestOff)) {
        bestP = p;
        bestOff = off;
      }
    }
    if (bestP === Infinity) return added;
    out.partitions.push(bestP);
    out.offsets.push(bestOff);
    for (let f = 0; f < fields.length; f++) {
      const c = fields[f]!;
      const i = cursor[f]!;
      if (i < c.offsets.length && c.partitions[i] === bestP && c.offsets[i] === bestOff) {
        out.columns[f]!.push(c.values[i]!);
        cursor[f] = i + 1;
      } else {
        out.columns[f]!.push(null);
      }
    }
    added++;
  }
}

/** Keeps rows (from index `from`) where every condition holds; `fieldIndex` maps a condition to its column. */
export function filterRows(
  rows: RowSet,
  from: number,
  conditions: readonly FieldCondition[],
  fieldIndex: readonly number[],
): void {
  let n = from;
  for (let r = from; r < rows.length; r++) {
    let keep = true;
    for (let c = 0; c < conditions.length && keep; c++) {
      const column = fieldIndex[c]!;
      keep = column >= 0 && matches(rows.columns[column]![r]!, conditions[c]!);
    }
    if (!keep) continue;
    rows.partitions[n] = rows.partitions[r]!;
    rows.offsets[n] = rows.offsets[r]!;
    for (const column of rows.columns) column[n] = column[r]!;
    n++;
  }
  rows.partitions.length = n;
  rows.offsets.length = n;
  for (const column of rows.columns) column.length = n;
}

function matches(value: AggValue, condition: FieldCondition): boolean {
  if (value === null) return false;
  const want = condition.value;
  const a = typeof value === "bigint" ? Number(value) : value;
  if (typeof a !== typeof want) return condition.op === "!=";
  switch (condition.op) {
    case "=":
      return a === want;
    case "!=":
      return a !== want;
    case ">":
      return a > want;
    case ">=":
      return a >= want;
    case "<":
      return a < want;
    case "<=":
      return a <= want;
  }
}

/** Orders rows by time, stable (rows of earlier series first on equal times). */
export function sortRows(rows: RowSet): void {
  const n = rows.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => rows.partitions[a]! - rows.partitions[b]! || rows.offsets[a]! - rows.offsets[b]! || a - b);
  let sorted = true;
  for (let i = 0; i < n && sorted; i++) sorted = order[i] === i;
  if (sorted) return;
  rows.partitions = order.map((i) => rows.partitions[i]!);
  rows.offsets = order.map((i) => rows.offsets[i]!);
  rows.columns = rows.columns.map((column) => order.map((i) => column[i]!));
}
