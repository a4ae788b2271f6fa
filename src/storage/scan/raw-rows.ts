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

/** Collects one field's points (all partitions, ascending) for the join. */
export class PointCollector implements ColumnVisitor {
  partitions: number[] = [];
  offsets: number[] = [];
  values: AggValue[] = [];
  private readonly isBool: boolean;

  constructor(isBool: boolean) {
    this.isBool = isBool;
  }

  reset(): void {
    this.partitions.length = 0;
    this.offsets.length = 0;
    this.values.length = 0;
  }

  stats(): boolean {
    return false;
  }

  points(partition: number, offsets: Float64Array, values: ColumnValues, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      this.partitions.push(partition);
      this.offsets.push(offsets[i]!);
      const v = values[i]!;
      // Bigint columns hold every value as bigint; results use numbers wherever they are exact.
      if (typeof v === "bigint") this.values.push(v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v);
      else this.values.push(this.isBool ? v === 1 : v);
    }
  }
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
