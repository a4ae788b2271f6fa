// Per-bucket aggregation of one field over many series with InfluxDB 1.x semantics
// (docs/rfc/0002-aggregation-semantics.md). Owns typed-array accumulators; knows nothing of segments or queries.
import { assert } from "../../base/index.ts";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { checkAggregate } from "./aggregate-fn.ts";
import type { AggregateFn } from "./aggregate-fn.ts";
import type { BlockStats } from "./block-stats.ts";
import { BucketValueStore } from "./bucket-value-store.ts";
import { addExact, bigToResult, comparePairs, pairToBigInt, pairToResult, splitBigInts } from "./exact-int.ts";
import {
  argMaxPairRun,
  argMaxRun,
  argMinPairRun,
  argMinRun,
  spreadRun,
  stddevRun,
  sumExactPairRun,
  sumExactRun,
  sumRun,
} from "./run-kernels.ts";

/** A bucket's result: number (float, or integer within ±(2^53 − 1)), bigint (integer beyond), boolean, string. */
export type AggValue = number | bigint | boolean | string | null;

// Function codes, switched on once per run.
const K_COUNT = 0;
const K_SUM = 1;
const K_MEAN = 2;
const K_MIN = 3;
const K_MAX = 4;
const K_FIRST = 5;
const K_LAST = 6;
const K_STDDEV = 7;
const K_SPREAD = 8;
const K_MEDIAN = 9;
const K_PERCENTILE = 10;

const KIND: Record<AggregateFn, number> = {
  count: K_COUNT,
  sum: K_SUM,
  mean: K_MEAN,
  min: K_MIN,
  max: K_MAX,
  first: K_FIRST,
  last: K_LAST,
  stddev: K_STDDEV,
  spread: K_SPREAD,
  median: K_MEDIAN,
  percentile: K_PERCENTILE,
};

const EMPTY = new Float64Array(0);
/** Initial size of the scratch columns that BigInt runs are split into; they double as needed. */
const INITIAL_SCRATCH = 256;

/**
 * Aggregates one field into `bucketCount` numbered time buckets. A scan feeds it runs of raw points (`addRun`) or
 * whole blocks' statistics (`addStats`); then `value`, `isEmpty` and `pointTime` read each bucket.
 *
 * Accumulators are typed arrays sized by the bucket count; only median and percentile keep values (see
 * BucketValueStore). Results follow InfluxDB 1.x (docs/rfc/0002-aggregation-semantics.md): integer sums wrap at
 * 64 bits, min/max ties pick the earliest time, first/last ties at equal times pick InfluxDB's value, etc.
 * Not safe for concurrent use; calls must not interleave with a reset.
 */
export class BucketAggregator {
  /** The function. Immutable. */
  readonly fn: AggregateFn;
  /** The field type fed in. Immutable. */
  readonly type: FieldType;
  /** Percentile in percent (percentile only; 0 otherwise). Immutable. */
  private readonly pct: number;
  private readonly kind: number;
  private readonly isInt: boolean;
  private readonly unsigned: boolean;
  private readonly isBool: boolean;
  private readonly isString: boolean;
  /** Number of buckets; changed only by reset. */
  private n: number;
  // Per-bucket state, zeroed or reallocated by reset. `count` always; the others by function (see allocate):
  // v = sum | mean's sum | selected value | spread min | stddev mean; vLo = its integer remainder;
  // w = spread max | stddev M2; wLo = its remainder; k = stddev non-NaN count; tP/tOff = selected point's time.
  private count: Float64Array;
  private v: Float64Array;
  private vLo: Float64Array;
  private w: Float64Array;
  private wLo: Float64Array;
  private k: Float64Array;
  private tP: Float64Array;
  private tOff: Float64Array;
  private strs: string[];
  private readonly store: BucketValueStore | null;
  /** Scratch columns a BigInt run is split into (exact-int.ts). Grown by doubling. */
  private hi: Float64Array;
  private lo: Float64Array;

  /**
   * @param percentile percent for `percentile` (any finite number; InfluxDB accepts values outside [0, 100]).
   * @throws InvalidError `QUERY_BAD_AGGREGATE` when `fn` does not accept `type` (as in InfluxDB 1.x: sum, mean,
   *   stddev, spread, median, percentile take numbers; min/max numbers and booleans; count/first/last anything)
   *   or when a percentile is missing or not finite.
   */
  constructor(fn: AggregateFn, type: FieldType, bucketCount: number, percentile?: number) {
    checkAggregate(fn, type, percentile);
    checkBucketCount(bucketCount);
    this.fn = fn;
    this.type = type;
    this.pct = fn === "percentile" ? (percentile ?? 0) : 0;
    this.kind = KIND[fn];
    this.isInt = type === FieldType.Int || type === FieldType.Uint;
    this.unsigned = type === FieldType.Uint;
    this.isBool = type === FieldType.Bool;
    this.isString = type === FieldType.String;
    this.n = 0;
    this.count = EMPTY;
    this.v = EMPTY;
    this.vLo = EMPTY;
    this.w = EMPTY;
    this.wLo = EMPTY;
    this.k = EMPTY;
    this.tP = EMPTY;
    this.tOff = EMPTY;
    this.strs = [];
    this.store =
      this.kind === K_MEDIAN || this.kind === K_PERCENTILE
        ? new BucketValueStore(bucketCount, this.kind === K_PERCENTILE)
        : null;
    this.hi = this.isInt ? new Float64Array(INITIAL_SCRATCH) : EMPTY;
    this.lo = this.isInt ? new Float64Array(INITIAL_SCRATCH) : EMPTY;
    this.allocate(bucketCount);
  }

  /** Number of buckets (set by the constructor and reset). */
  get bucketCount(): number {
    return this.n;
  }

  /**
   * Adds points [start, end) of one series, all in `bucket`, sorted by time: point i is at partition `p`, offset
   * `offsets[i]`, value `values[i]`. `values` must be the field type's ColumnValues form (Float64Array for floats,
   * booleans as 0/1 and safe integers; BigInt64Array/BigUint64Array for integers/unsigned; string[] for strings).
   * Reads the arrays only during the call. A wrong bucket or array kind is a caller bug (InternalError).
   */
  addRun(bucket: number, p: number, offsets: Float64Array, values: ColumnValues, start: number, end: number): void {
    this.checkBucket(bucket);
    if (end <= start) return;
    const before = this.count[bucket];
    this.count[bucket] = before + (end - start);
    if (this.kind === K_COUNT) return;
    if (values instanceof Float64Array) {
      if (this.isString) assert(false, "string field fed a Float64Array");
      this.runNumbers(bucket, before, p, offsets, 0, values, start, end);
    } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      if (!this.isInt || values instanceof BigUint64Array !== this.unsigned) {
        assert(false, "bigint values fed to a field of another type");
      }
      const len = end - start;
      this.reserveScratch(len);
      if (splitBigInts(values, start, end, this.hi, this.lo)) {
        this.runNumbers(bucket, before, p, offsets, start, this.hi, 0, len);
      } else {
        this.runPairs(bucket, before, p, offsets, start, this.hi, this.lo, 0, len);
      }
    } else {
      if (!this.isString) assert(false, "string values fed to a non-string field");
      this.runStrings(bucket, before, p, offsets, values, start, end);
    }
  }

  /**
   * Adds a whole block (all its points in `bucket`, partition `p`) from its statistics. Returns false, adding
   * nothing, when the function cannot be answered from statistics (stddev, median, percentile; first/last/min/max
   * of strings), when `statsExact` is false (except for count), and for float min/max/spread when the block's sum
   * is NaN (the block may hold a NaN, whose effect the statistics do not show). The caller then feeds the points.
   */
  addStats(bucket: number, p: number, stats: BlockStats): boolean {
    this.checkBucket(bucket);
    const kind = this.kind;
    if (kind === K_COUNT) {
      this.count[bucket] += stats.count;
      return true;
    }
    if (kind === K_STDDEV || kind === K_MEDIAN || kind === K_PERCENTILE) return false;
    if (this.isString || !stats.statsExact) return false;
    if (stats.count <= 0) return true;
    const floatExtreme = !this.isInt && !this.isBool && (kind === K_MIN || kind === K_MAX || kind === K_SPREAD);
    if (floatExtreme && (stats.sum !== stats.sum || stats.min !== stats.min || stats.max !== stats.max)) return false;
    const before = this.count[bucket];
    this.count[bucket] = before + stats.count;
    switch (kind) {
      case K_SUM:
      case K_MEAN:
        if (this.isInt) addExact(this.v, this.vLo, bucket, stats.sum);
        else this.v[bucket] += stats.sum;
        break;
      case K_MIN:
        this.mergeExtreme(bucket, before, stats.min, 0, p, stats.minAtOff, -1);
        break;
      case K_MAX:
        this.mergeExtreme(bucket, before, stats.max, 0, p, stats.maxAtOff, 1);
        break;
      case K_FIRST:
        this.mergeEnd(bucket, before, stats.first, 0, p, stats.minOff, -1);
        break;
      case K_LAST:
        this.mergeEnd(bucket, before, stats.last, 0, p, stats.maxOff, 1);
        break;
      default:
        if (this.isInt) this.mergeSpread(bucket, before, stats.min, 0, stats.max, 0);
        else {
          this.v[bucket] = Math.min(this.v[bucket], stats.min);
          this.w[bucket] = Math.max(this.w[bucket], stats.max);
        }
    }
    return true;
  }

  /**
   * True when the bucket has no result point: it got no points, or (percentile) the nearest rank falls outside
   * its points, as InfluxDB then emits nothing. Fill applies to exactly these buckets.
   */
  isEmpty(bucket: number): boolean {
    const c = this.count[bucket];
    if (c === 0) return true;
    if (this.kind !== K_PERCENTILE) return false;
    const rank = percentileRank(c, this.pct);
    return rank < 0 || rank >= c;
  }

  /**
   * The bucket's result (AggValue): null for an empty bucket, except count → 0, and null where InfluxDB's result
   * is a float NaN (e.g. stddev of one point). Integers come back as numbers within ±(2^53 − 1), bigints beyond;
   * booleans as booleans. May reorder median/percentile values internally (not observable).
   */
  value(bucket: number): AggValue {
    if (this.kind === K_COUNT) return this.count[bucket];
    if (this.isEmpty(bucket)) return null;
    switch (this.kind) {
      case K_SUM:
        return this.isInt
          ? pairToResult(this.v[bucket], this.vLo[bucket], this.unsigned, true)
          : orNull(this.v[bucket]);
      case K_MEAN:
        if (!this.isInt) return orNull(this.v[bucket] / this.count[bucket]);
        return Number(pairToResult(this.v[bucket], this.vLo[bucket], this.unsigned, true)) / this.count[bucket];
      case K_MIN:
      case K_MAX:
      case K_FIRST:
      case K_LAST:
        return this.selectedValue(bucket);
      case K_SPREAD:
        return this.spreadValue(bucket);
      case K_STDDEV:
        // InfluxDB: fewer than two points → NaN (shown as null); else sqrt(M2 / (non-NaN count − 1)).
        if (this.count[bucket] < 2) return null;
        return orNull(Math.sqrt(this.w[bucket] / (this.k[bucket] - 1)));
      case K_MEDIAN:
        return this.medianValue(bucket);
      default:
        return this.percentileValue(bucket);
    }
  }

  /**
   * For selectors (first, last, min, max, percentile) writes the selected point's time as out[0] = p,
   * out[1] = off and returns true; returns false (out untouched) for other functions and empty buckets.
   */
  pointTime(bucket: number, out: Float64Array): boolean {
    const kind = this.kind;
    if (kind === K_MIN || kind === K_MAX || kind === K_FIRST || kind === K_LAST) {
      if (this.count[bucket] === 0) return false;
      out[0] = this.tP[bucket];
      out[1] = this.tOff[bucket];
      return true;
    }
    if (kind !== K_PERCENTILE || this.isEmpty(bucket)) return false;
    const store = this.store!;
    const at = store.select(bucket, percentileRank(this.count[bucket], this.pct), false);
    const buf = store.buffer(bucket);
    const t = store.timeAt(at);
    out[0] = buf[t];
    out[1] = buf[t + 1];
    return true;
  }

  /** Empties every bucket and resizes to `bucketCount` buckets, for reuse by another query. */
  reset(bucketCount: number): void {
    checkBucketCount(bucketCount);
    this.allocate(bucketCount);
    if (this.store !== null) this.store.reset(bucketCount);
  }

  private allocate(n: number): void {
    const kind = this.kind;
    const keepsValue = kind !== K_COUNT && kind !== K_MEDIAN && kind !== K_PERCENTILE && !this.isString;
    const selects = kind === K_MIN || kind === K_MAX || kind === K_FIRST || kind === K_LAST;
    this.n = n;
    this.count = zeroed(this.count, n);
    this.v = keepsValue ? zeroed(this.v, n) : EMPTY;
    this.vLo = keepsValue && this.isInt && kind !== K_STDDEV ? zeroed(this.vLo, n) : EMPTY;
    this.w = kind === K_SPREAD || kind === K_STDDEV ? zeroed(this.w, n) : EMPTY;
    this.wLo = kind === K_SPREAD && this.isInt ? zeroed(this.wLo, n) : EMPTY;
    this.k = kind === K_STDDEV ? zeroed(this.k, n) : EMPTY;
    this.tP = selects ? zeroed(this.tP, n) : EMPTY;
    this.tOff = selects ? zeroed(this.tOff, n) : EMPTY;
    this.strs = this.isString && (kind === K_FIRST || kind === K_LAST) ? new Array<string>(n).fill("") : [];
    // InfluxDB's float sum starts from the first value, so a bucket of -0 sums to -0; -0 + x = x for every x.
    if (kind === K_SUM && !this.isInt) this.v.fill(-0);
    if (kind === K_SPREAD && !this.isInt) {
      this.v.fill(Infinity);
      this.w.fill(-Infinity);
    }
  }

  private checkBucket(bucket: number): void {
    if (!(bucket >= 0 && bucket < this.n && Number.isInteger(bucket))) {
      assert(false, `bucket ${bucket} outside 0..${this.n - 1}`);
    }
  }

  private reserveScratch(len: number): void {
    if (this.hi.length >= len) return;
    let cap = this.hi.length * 2;
    while (cap < len) cap *= 2;
    this.hi = new Float64Array(cap);
    this.lo = new Float64Array(cap);
  }

  /** One run of numbers x[s, e) (point i's offset is offsets[i + oShift]); integers here are exact doubles. */
  private runNumbers(
    b: number,
    before: number,
    p: number,
    offsets: Float64Array,
    oShift: number,
    x: Float64Array,
    s: number,
    e: number,
  ): void {
    switch (this.kind) {
      case K_SUM:
      case K_MEAN:
        if (this.isInt) sumExactRun(this.v, this.vLo, b, x, s, e);
        else sumRun(this.v, b, x, s, e);
        return;
      case K_MIN: {
        const i = argMinRun(x, s, e);
        return this.mergeExtreme(b, before, x[i], 0, p, offsets[i + oShift], -1);
      }
      case K_MAX: {
        const i = argMaxRun(x, s, e);
        return this.mergeExtreme(b, before, x[i], 0, p, offsets[i + oShift], 1);
      }
      case K_FIRST: {
        const i = this.runEnd(offsets, oShift, x, null, s, e, -1);
        return this.mergeEnd(b, before, x[i], 0, p, offsets[i + oShift], -1);
      }
      case K_LAST: {
        const i = this.runEnd(offsets, oShift, x, null, s, e, 1);
        return this.mergeEnd(b, before, x[i], 0, p, offsets[i + oShift], 1);
      }
      case K_SPREAD:
        if (!this.isInt) return spreadRun(this.v, this.w, b, x, s, e);
        return this.mergeSpread(b, before, x[argMinRun(x, s, e)], 0, x[argMaxRun(x, s, e)], 0);
      case K_STDDEV:
        return stddevRun(this.v, this.w, this.k, b, x, s, e);
      default:
        return this.store!.appendRun(b, p, offsets, oShift, x, null, s, e);
    }
  }

  /** One run of exact integers xh[i] + xl[i] (the BigInt path with values beyond 2^53). */
  private runPairs(
    b: number,
    before: number,
    p: number,
    offsets: Float64Array,
    oShift: number,
    xh: Float64Array,
    xl: Float64Array,
    s: number,
    e: number,
  ): void {
    switch (this.kind) {
      case K_SUM:
      case K_MEAN:
        return sumExactPairRun(this.v, this.vLo, b, xh, xl, s, e);
      case K_MIN: {
        const i = argMinPairRun(xh, xl, s, e);
        return this.mergeExtreme(b, before, xh[i], xl[i], p, offsets[i + oShift], -1);
      }
      case K_MAX: {
        const i = argMaxPairRun(xh, xl, s, e);
        return this.mergeExtreme(b, before, xh[i], xl[i], p, offsets[i + oShift], 1);
      }
      case K_FIRST:
      case K_LAST: {
        const dir = this.kind === K_FIRST ? -1 : 1;
        const i = this.runEnd(offsets, oShift, xh, xl, s, e, dir);
        return this.mergeEnd(b, before, xh[i], xl[i], p, offsets[i + oShift], dir);
      }
      case K_SPREAD: {
        const i = argMinPairRun(xh, xl, s, e);
        const j = argMaxPairRun(xh, xl, s, e);
        return this.mergeSpread(b, before, xh[i], xl[i], xh[j], xl[j]);
      }
      case K_STDDEV:
        // InfluxDB converts with float64(v): the nearest double, which is exactly xh.
        return stddevRun(this.v, this.w, this.k, b, xh, s, e);
      default:
        return this.store!.appendRun(b, p, offsets, oShift, xh, xl, s, e);
    }
  }

  private runStrings(
    b: number,
    before: number,
    p: number,
    offsets: Float64Array,
    x: string[],
    s: number,
    e: number,
  ): void {
    // Only first and last reach here (count returned earlier). Equal times: the greater string wins, as Go's
    // StringFirstReduce/StringLastReduce (Go compares UTF-8 bytes, JavaScript UTF-16 units; they differ only
    // between astral characters and U+E000..U+FFFF).
    const last = this.kind === K_LAST;
    let at = last ? e - 1 : s;
    const t = offsets[at];
    for (let i = last ? e - 2 : s + 1; last ? i >= s : i < e; last ? i-- : i++) {
      if (offsets[i] !== t) break;
      if (x[i] > x[at]) at = i;
    }
    const tp = this.tP[b];
    const to = this.tOff[b];
    const cmp = p !== tp ? (p < tp ? -1 : 1) : t < to ? -1 : t > to ? 1 : 0;
    if (before === 0 || cmp === (last ? 1 : -1) || (cmp === 0 && x[at] > this.strs[b])) {
      this.strs[b] = x[at];
      this.tP[b] = p;
      this.tOff[b] = t;
    }
  }

  /** Index of the run's first (dir −1) or last (dir 1) point; points sharing that time resolve by tieWins. */
  private runEnd(
    offsets: Float64Array,
    oShift: number,
    xh: Float64Array,
    xl: Float64Array | null,
    s: number,
    e: number,
    dir: number,
  ): number {
    let at = dir < 0 ? s : e - 1;
    const t = offsets[at + oShift];
    for (let i = at - dir; i >= s && i < e && offsets[i + oShift] === t; i -= dir) {
      if (this.tieWins(xh[i], xl === null ? 0 : xl[i], xh[at], xl === null ? 0 : xl[at], dir)) at = i;
    }
    return at;
  }

  /**
   * Whether value (h, l) replaces (ch, cl) when first/last see two points at one time: the greater value, as
   * InfluxDB's Float/Integer/UnsignedFirstReduce and LastReduce do, except boolean first, which prefers false.
   */
  private tieWins(h: number, l: number, ch: number, cl: number, dir: number): boolean {
    if (this.isBool && dir < 0) return h < ch;
    if (this.isInt) return comparePairs(h, l, ch, cl) > 0;
    return h > ch;
  }

  /** first (dir −1) / last (dir 1): keeps the earliest / latest point; equal times resolve by tieWins. */
  private mergeEnd(b: number, before: number, h: number, l: number, p: number, off: number, dir: number): void {
    if (before !== 0) {
      const tp = this.tP[b];
      const to = this.tOff[b];
      const cmp = p !== tp ? (p < tp ? -1 : 1) : off < to ? -1 : off > to ? 1 : 0;
      if (cmp === -dir) return;
      if (cmp === 0 && !this.tieWins(h, l, this.v[b], this.isInt ? this.vLo[b] : 0, dir)) return;
    }
    this.setSelected(b, h, l, p, off);
  }

  /**
   * min (dir −1) / max (dir 1): keeps the smallest / largest value, the earliest time among equal values. NaN
   * (floats) is kept only while every value is NaN.
   */
  private mergeExtreme(b: number, before: number, h: number, l: number, p: number, off: number, dir: number): void {
    if (before !== 0) {
      const ch = this.v[b];
      const cl = this.isInt ? this.vLo[b] : 0;
      const earlier = p < this.tP[b] || (p === this.tP[b] && off < this.tOff[b]);
      let wins: boolean;
      if (h !== h || ch !== ch) wins = ch !== ch && (h === h || earlier);
      else {
        const c = this.isInt ? comparePairs(h, l, ch, cl) : h < ch ? -1 : h > ch ? 1 : 0;
        wins = c === dir || (c === 0 && earlier);
      }
      if (!wins) return;
    }
    this.setSelected(b, h, l, p, off);
  }

  private setSelected(b: number, h: number, l: number, p: number, off: number): void {
    this.v[b] = h;
    if (this.isInt) this.vLo[b] = l;
    this.tP[b] = p;
    this.tOff[b] = off;
  }

  /** Integer spread: widens [v, w] (with remainders) by a run's min and max. */
  private mergeSpread(b: number, before: number, mnH: number, mnL: number, mxH: number, mxL: number): void {
    if (before === 0 || comparePairs(mnH, mnL, this.v[b], this.vLo[b]) < 0) {
      this.v[b] = mnH;
      this.vLo[b] = mnL;
    }
    if (before === 0 || comparePairs(mxH, mxL, this.w[b], this.wLo[b]) > 0) {
      this.w[b] = mxH;
      this.wLo[b] = mxL;
    }
  }

  private selectedValue(b: number): AggValue {
    if (this.isString) return this.strs[b];
    if (this.isBool) return this.v[b] === 1;
    if (this.isInt) return pairToResult(this.v[b], this.vLo[b], this.unsigned, false);
    return orNull(this.v[b]);
  }

  private spreadValue(b: number): AggValue {
    if (!this.isInt) return orNull(this.w[b] - this.v[b]);
    const mn = this.v[b];
    const mx = this.w[b];
    if (this.vLo[b] === 0 && this.wLo[b] === 0) {
      const d = mx - mn;
      if (Number.isSafeInteger(d)) return d + 0;
    }
    // Go's int64 subtraction wraps; uint64 max − min cannot.
    const d = pairToBigInt(mx, this.wLo[b]) - pairToBigInt(mn, this.vLo[b]);
    return bigToResult(this.unsigned ? d : BigInt.asIntN(64, d));
  }

  private medianValue(b: number): AggValue {
    const store = this.store!;
    const n = store.length(b);
    const half = n >> 1;
    const odd = n % 2 === 1;
    const at = store.select(b, half, !odd);
    const buf = store.buffer(b);
    if (!this.isInt) {
      if (odd) return orNull(buf[at]);
      const lo = buf[at - 1];
      // InfluxDB: lo + (hi − lo) / 2, not (lo + hi) / 2.
      return orNull(lo + (buf[at] - lo) / 2);
    }
    if (odd) return Number(pairToResult(buf[at], store.loAt(buf, at), this.unsigned, false));
    const prev = at - store.stride;
    const loH = buf[prev];
    const loL = store.loAt(buf, prev);
    const hiH = buf[at];
    const hiL = store.loAt(buf, at);
    if (loL === 0 && hiL === 0 && Number.isSafeInteger(loH) && Number.isSafeInteger(hiH)) {
      return loH + (hiH - loH) / 2;
    }
    // float64(lo) + float64(hi − lo) / 2 with Go's 64-bit (wrapping) subtraction.
    const a = pairToBigInt(loH, loL);
    const d = pairToBigInt(hiH, hiL) - a;
    return Number(a) + Number(this.unsigned ? BigInt.asUintN(64, d) : BigInt.asIntN(64, d)) / 2;
  }

  private percentileValue(b: number): AggValue {
    const store = this.store!;
    const at = store.select(b, percentileRank(this.count[b], this.pct), false);
    const buf = store.buffer(b);
    if (this.isInt) return pairToResult(buf[at], store.loAt(buf, at), this.unsigned, false);
    return orNull(buf[at]);
  }
}

/** `a` zero-filled when it already has `n` elements (reset of an unchanged size), else a new array. */
function zeroed(a: Float64Array, n: number): Float64Array {
  return a.length === n && a !== EMPTY ? a.fill(0) : new Float64Array(n);
}

/** InfluxDB's nearest rank: floor(n · pct / 100 + 0.5) − 1 (0-based; outside [0, n) means no point). */
function percentileRank(n: number, pct: number): number {
  return Math.floor((n * pct) / 100 + 0.5) - 1;
}

/** InfluxDB prints a float NaN result as null (query/cursor.go), without treating the bucket as empty. */
function orNull(x: number): number | null {
  return x === x ? x : null;
}

function checkBucketCount(n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) assert(false, `bucket count ${n} is not a non-negative integer`);
}
