// A reusable destination for one decoded segment block: offsets plus values in the shared ColumnValues form.
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";

const MIN_CAPACITY = 64;

function grownCapacity(have: number, need: number): number {
  return Math.max(need, have * 2, MIN_CAPACITY);
}

/**
 * One decoded block, reused between `SegmentReader.readBlock` calls. Valid entries are [0, count) of `offsets`
 * (ns from the partition start, strictly increasing) and `values`; the arrays may be longer. Both alias memory
 * that the next readBlock into this object overwrites: copy what must outlive it. `values` is a Float64Array
 * (float, bool 0/1, safe int/uint), BigInt64Array / BigUint64Array (int/uint columns with unsafe values) or
 * string[] (string; its length is at least count). Not shared between concurrent readers.
 */
export class DecodedBlock {
  /** Points in the block. */
  count: number;
  /** Offsets in ns from the partition start; valid up to `count`. */
  offsets: Float64Array;
  /** Values aligned with `offsets`; one of the per-representation arrays below. */
  values: ColumnValues;
  /** Field type of the block. */
  type: FieldType;
  // Per-representation scratch kept across reads so alternating block types do not reallocate.
  private f64: Float64Array;
  private i64: BigInt64Array;
  private u64: BigUint64Array;
  private str: string[];

  constructor() {
    this.count = 0;
    this.offsets = new Float64Array(0);
    this.f64 = new Float64Array(0);
    this.i64 = new BigInt64Array(0);
    this.u64 = new BigUint64Array(0);
    this.str = [];
    this.values = this.f64;
    this.type = FieldType.Float;
  }

  /** Readies `offsets` for `count` points; called by the reader before decoding. */
  reserveOffsets(count: number): Float64Array {
    if (this.offsets.length < count) this.offsets = new Float64Array(grownCapacity(this.offsets.length, count));
    return this.offsets;
  }

  /** Selects and returns the Float64Array value scratch, with room for `count` values. */
  useFloat64(count: number): Float64Array {
    if (this.f64.length < count) this.f64 = new Float64Array(grownCapacity(this.f64.length, count));
    this.values = this.f64;
    return this.f64;
  }

  /** Selects and returns the BigInt64Array value scratch, with room for `count` values. */
  useBigInt64(count: number): BigInt64Array {
    if (this.i64.length < count) this.i64 = new BigInt64Array(grownCapacity(this.i64.length, count));
    this.values = this.i64;
    return this.i64;
  }

  /** Selects and returns the BigUint64Array value scratch, with room for `count` values. */
  useBigUint64(count: number): BigUint64Array {
    if (this.u64.length < count) this.u64 = new BigUint64Array(grownCapacity(this.u64.length, count));
    this.values = this.u64;
    return this.u64;
  }

  /** Selects and returns the string value scratch, padded with "" to at least `count` entries (stays packed). */
  useStrings(count: number): string[] {
    const str = this.str;
    while (str.length < count) str.push("");
    this.values = str;
    return str;
  }

  /** Makes this block a copy of `src`'s first `src.count` points (the arrays are copied, not aliased). */
  copyFrom(src: { count: number; offsets: Float64Array; values: ColumnValues; type: FieldType }): void {
    const n = src.count;
    this.count = n;
    this.type = src.type;
    this.reserveOffsets(n).set(src.offsets.subarray(0, n));
    const v = src.values;
    if (v instanceof Float64Array) this.useFloat64(n).set(v.subarray(0, n));
    else if (v instanceof BigInt64Array) this.useBigInt64(n).set(v.subarray(0, n));
    else if (v instanceof BigUint64Array) this.useBigUint64(n).set(v.subarray(0, n));
    else {
      const out = this.useStrings(n);
      for (let i = 0; i < n; i++) out[i] = v[i]!;
    }
  }

  /** Drops the points inside any inclusive offset range [ranges[2k], ranges[2k+1]], in place (tombstones). */
  dropRanges(ranges: readonly number[]): void {
    const offsets = this.offsets;
    const values = this.values as Float64Array; // generic element copy: works for every representation
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const off = offsets[i]!;
      let deleted = false;
      for (let r = 0; r < ranges.length; r += 2) {
        if (off >= ranges[r]! && off <= ranges[r + 1]!) {
          deleted = true;
          break;
        }
      }
      if (deleted) continue;
      offsets[n] = off;
      values[n] = values[i]!;
      n++;
    }
    this.count = n;
  }
}
