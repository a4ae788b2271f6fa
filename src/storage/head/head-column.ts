// One in-memory column of the head: the points of one series field within one time partition.
// Append-only typed arrays grown by doubling; sorting and last-write-wins dedupe happen lazily on read.
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import type { SlabAllocator } from "./slab-allocator.ts";

/**
 * Smallest column allocation, in points. Small, because a column is created for every series a head sees: with
 * 1,000,000 series of a few points each, 64 points (1 KiB) per column made the heads alone exceed a 512 MiB
 * budget; frequent series get a larger start from the capacity hint of the heads before.
 */
export const MIN_COLUMN_CAPACITY = 4;
/** Largest initial allocation a capacity hint may ask for, in points. */
export const MAX_COLUMN_CAPACITY_HINT = 8192;
const INITIAL_CAPACITY = MIN_COLUMN_CAPACITY;
/** Bytes of a string column's slot per point: an f64 offset and a pointer (the string itself counts its length). */
const STRING_POINT_BYTES = 16;
/** Bytes of a bigint column's value array per point (its offsets come from the allocator). */
const BIG_VALUE_BYTES = 8;
const EMPTY_OFFSETS = new Float64Array(0);

/**
 * Points of one (partition, series, field), as offsets in ns from the partition start and values in the
 * shared ColumnValues representation. Mutated only by the engine's single write path; readers take
 * `sortedView()`, whose arrays are never modified afterwards (appends go past its length or to new arrays).
 */
export class HeadColumn {
  readonly type: FieldType;
  /** Offsets, in ns from the partition start, in append order; valid up to `length`. */
  offsets: Float64Array;
  /** Values aligned with offsets. Int/Uint columns switch to BigInt64Array/BigUint64Array on the first unsafe value. */
  values: ColumnValues;
  length: number;
  /** True while offsets are strictly increasing (no sort or dedupe needed on read). */
  sorted: boolean;
  /** Points allocated by the first append; arrays start empty so an unused column costs nothing. */
  private readonly initialCapacity: number;
  /** Source of offset and float value arrays (shared by the head's columns), or null for plain allocation. */
  private readonly allocator: SlabAllocator | null;

  /** `capacity`: initial points to allocate (the head's hint from earlier flushes; see Head.columnCapacity). */
  constructor(type: FieldType, capacity = INITIAL_CAPACITY, allocator: SlabAllocator | null = null) {
    this.type = type;
    this.initialCapacity = capacity;
    this.allocator = allocator;
    this.offsets = EMPTY_OFFSETS;
    this.values = type === FieldType.String ? [] : EMPTY_OFFSETS;
    this.length = 0;
    this.sorted = true;
  }

  /**
   * Appends a numeric value (float, bool 0/1, safe int/uint). Returns the bytes this allocated outside the
   * column's SlabAllocator (which counts its own), so the head's budget tracks real memory, slack included.
   */
  appendNumber(off: number, value: number): number {
    const n = this.length;
    if (n > 0 && this.sorted && off <= this.offsets[n - 1]!) {
      if (off === this.offsets[n - 1]) return this.overwriteLast(value);
      this.sorted = false;
    }
    const grown = n === this.offsets.length ? this.grow() : 0;
    this.offsets[n] = off;
    const values = this.values;
    if (values instanceof Float64Array) values[n] = value;
    else if (values instanceof BigInt64Array || values instanceof BigUint64Array) values[n] = BigInt(value);
    this.length = n + 1;
    return grown;
  }

  /** Appends an int/uint beyond ±2^53, switching the column to its bigint representation. */
  appendBig(off: number, value: bigint): number {
    const converted = this.values instanceof Float64Array ? this.toBigColumn() : 0;
    const n = this.length;
    if (n > 0 && this.sorted && off <= this.offsets[n - 1]!) {
      if (off === this.offsets[n - 1]) {
        (this.values as BigInt64Array)[n - 1] = value;
        return converted;
      }
      this.sorted = false;
    }
    const grown = n === this.offsets.length ? this.grow() : 0;
    this.offsets[n] = off;
    (this.values as BigInt64Array | BigUint64Array)[n] = value as never;
    this.length = n + 1;
    return converted + grown;
  }

  /** Appends a string value; returns bytes allocated outside the allocator (the string counts 2 bytes a char). */
  appendString(off: number, value: string): number {
    const n = this.length;
    const strings = this.values as string[];
    if (n > 0 && this.sorted && off <= this.offsets[n - 1]!) {
      if (off === this.offsets[n - 1]) {
        strings[n - 1] = value;
        return value.length * 2;
      }
      this.sorted = false;
    }
    const grown = n === this.offsets.length ? this.grow() : 0;
    this.offsets[n] = off;
    strings[n] = value;
    this.length = n + 1;
    return grown + value.length * 2;
  }

  /**
   * Sorts by offset and keeps the last-appended value for equal offsets (last write wins). Replaces the
   * arrays rather than reordering them in place, so views handed to running scans stay consistent.
   */
  normalize(): void {
    if (this.sorted) return;
    const n = this.length;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const offsets = this.offsets;
    // Stable by append index so that among equal offsets the last appended sorts last.
    order.sort((a, b) => offsets[a]! - offsets[b]! || a - b);
    const newOffsets = this.allocF64(Math.max(INITIAL_CAPACITY, n));
    const newValues = this.allocValues(newOffsets.length);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const next = order[k + 1];
      if (next !== undefined && offsets[next] === offsets[i]) continue; // a later write of the same time wins
      newOffsets[m] = offsets[i]!;
      copyValue(this.values, i, newValues, m);
      m++;
    }
    this.offsets = newOffsets;
    this.values = newValues;
    this.length = m;
    this.sorted = true;
  }

  /**
   * Removes points with lo ≤ offset ≤ hi. Returns how many were removed. Builds new arrays (see normalize).
   */
  deleteRange(lo: number, hi: number): number {
    this.normalize();
    const n = this.length;
    const first = lowerBound(this.offsets, 0, n, lo);
    const end = lowerBound(this.offsets, first, n, hi + 1);
    const removed = end - first;
    if (removed === 0) return 0;
    const newOffsets = this.allocF64(Math.max(INITIAL_CAPACITY, n - removed));
    const newValues = this.allocValues(newOffsets.length);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (i >= first && i < end) continue;
      newOffsets[m] = this.offsets[i]!;
      copyValue(this.values, i, newValues, m);
      m++;
    }
    this.offsets = newOffsets;
    this.values = newValues;
    this.length = m;
    return removed;
  }

  private overwriteLast(value: number): number {
    const values = this.values;
    const n = this.length - 1;
    if (values instanceof Float64Array) values[n] = value;
    else if (values instanceof BigInt64Array || values instanceof BigUint64Array) values[n] = BigInt(value);
    return 0;
  }

  /** A value array like the current one; float arrays come from the allocator (bigint and string ones do not). */
  private allocValues(capacity: number): ColumnValues {
    const values = this.values;
    if (values instanceof Float64Array) return this.allocF64(capacity);
    if (values instanceof BigInt64Array) return new BigInt64Array(capacity);
    if (values instanceof BigUint64Array) return new BigUint64Array(capacity);
    return [];
  }

  /**
   * Doubles the arrays (or makes the first allocation); returns the bytes allocated outside the allocator. Old
   * arrays stay allocated (in the slab) until the head is dropped, so every allocation counts, not the growth.
   */
  private grow(): number {
    const old = this.offsets.length;
    const capacity = old === 0 ? this.initialCapacity : old * 2;
    const offsets = this.allocF64(capacity);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const outside = this.allocator === null ? capacity * 8 : 0;
    const values = this.values;
    if (Array.isArray(values)) return outside + (capacity - old) * STRING_POINT_BYTES; // string arrays grow in step
    if (values instanceof Float64Array) {
      const next = this.allocF64(capacity);
      next.set(values);
      this.values = next;
      return outside * 2;
    }
    const next = this.allocValues(capacity) as BigInt64Array;
    next.set(values as BigInt64Array);
    this.values = next;
    return outside + capacity * BIG_VALUE_BYTES;
  }

  private allocF64(length: number): Float64Array {
    return this.allocator === null ? new Float64Array(length) : this.allocator.allocate(length);
  }

  /** Switches the values to a bigint array; returns its bytes. */
  private toBigColumn(): number {
    const from = this.values as Float64Array;
    const to = this.type === FieldType.Uint ? new BigUint64Array(from.length) : new BigInt64Array(from.length);
    for (let i = 0; i < this.length; i++) to[i] = BigInt(from[i]!);
    this.values = to;
    return to.byteLength;
  }
}

function copyValue(from: ColumnValues, i: number, to: ColumnValues, j: number): void {
  (to as Float64Array)[j] = (from as Float64Array)[i]!;
}

/** First index in [lo, hi) whose offset is ≥ target (offsets sorted ascending). */
export function lowerBound(offsets: Float64Array, lo: number, hi: number, target: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
