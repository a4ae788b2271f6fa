// Raw values kept per bucket for median() and percentile(), the only functions that need every value, and the
// order-statistic selection over them. Memory is allocated only for buckets that receive points.

/** Records a bucket's buffer starts with; it doubles from there (STYLE.md §8.5). */
const INITIAL_RECORDS = 8;
const EMPTY = new Float64Array(0);

/**
 * Per-bucket growable buffers of fixed-size records, each a row of doubles: `[value]` (median), `[value, p, off]`
 * (percentile). Once an integer beyond ±2^53 arrives the store switches, once, to records with the exact
 * remainder after the value (`[hi, lo]`, `[hi, lo, p, off]`, see exact-int.ts), so integers that all fit a double
 * cost no more than floats. Records are ordered for selection by the total order: value ascending,
 * NaN last, -0 before +0, then lo, then time (p, off); so equal values resolve to the earliest point.
 *
 * Not safe for concurrent use; buffers are owned by the store and never handed out.
 */
export class BucketValueStore {
  /** Doubles per record; grows by one when the remainder column is added. */
  stride: number;
  /** Whether records carry an exact-integer remainder (`lo`); turned on by the first non-zero remainder. */
  withLo: boolean;
  /** Whether records carry the point time (p, off). Immutable. */
  readonly withTime: boolean;
  /** Buffer per bucket, null until the bucket gets a point. */
  private bufs: (Float64Array | null)[];
  /** Records per bucket. */
  private lens: Int32Array;
  /** Selection already done per bucket: 2·rank (+1 when rank − 1 was placed too), or -1. Cleared by appends. */
  private settled: Int32Array;
  /** Scratch record holding the pivot during a partition. */
  private readonly pivot: Float64Array;
  /** xorshift32 state for pivot choice: deterministic, and no input order makes selection quadratic by design. */
  private seed: number;

  constructor(bucketCount: number, withTime: boolean) {
    this.stride = withTime ? 3 : 1;
    this.withLo = false;
    this.withTime = withTime;
    this.bufs = new Array<Float64Array | null>(bucketCount).fill(null);
    this.lens = new Int32Array(bucketCount);
    this.settled = new Int32Array(bucketCount).fill(-1);
    this.pivot = new Float64Array(4);
    this.seed = 0x9e3779b9;
  }

  /**
   * Drops every value and resizes to `bucketCount` buckets. With an unchanged bucket count the buffers are kept
   * (emptied), so a reused store does not fault in fresh pages again (aggregate.bench.ts).
   */
  reset(bucketCount: number): void {
    this.settled = new Int32Array(bucketCount).fill(-1);
    if (bucketCount === this.lens.length) {
      this.lens.fill(0);
      return;
    }
    this.bufs = new Array<Float64Array | null>(bucketCount).fill(null);
    this.lens = new Int32Array(bucketCount);
    this.withLo = false;
    this.stride = this.withTime ? 3 : 1;
  }

  /** The exact-integer remainder of the record at `at` in `buf` (0 when the store keeps none). */
  loAt(buf: Float64Array, at: number): number {
    return this.withLo ? buf[at + 1] : 0;
  }

  /** Index of the record's partition p in `buf` (off follows it); for stores with times. */
  timeAt(at: number): number {
    return at + (this.withLo ? 2 : 1);
  }

  /** Number of values bucket `b` holds. */
  length(b: number): number {
    return this.lens[b];
  }

  /** Bucket `b`'s buffer (aliases internal memory; read only, valid until the next append or reset). */
  buffer(b: number): Float64Array {
    return this.bufs[b] ?? EMPTY;
  }

  /**
   * Appends the values xh[start, end) with remainders xl (null means all zero) of points at partition `p`,
   * offsets `offsets[i + oShift]`, to bucket `b`.
   */
  appendRun(
    b: number,
    p: number,
    offsets: Float64Array,
    oShift: number,
    xh: Float64Array,
    xl: Float64Array | null,
    start: number,
    end: number,
  ): void {
    if (xl !== null && !this.withLo) this.addLoColumn();
    const len = this.lens[b];
    const buf = this.reserve(b, len + (end - start));
    let o = len * this.stride;
    if (this.stride === 1) {
      buf.set(xh.subarray(start, end), len);
    } else if (!this.withTime) {
      for (let i = start; i < end; i++, o += 2) {
        buf[o] = xh[i];
        buf[o + 1] = xl === null ? 0 : xl[i];
      }
    } else if (!this.withLo) {
      for (let i = start; i < end; i++, o += 3) {
        buf[o] = xh[i];
        buf[o + 1] = p;
        buf[o + 2] = offsets[i + oShift];
      }
    } else {
      for (let i = start; i < end; i++, o += 4) {
        buf[o] = xh[i];
        buf[o + 1] = xl === null ? 0 : xl[i];
        buf[o + 2] = p;
        buf[o + 3] = offsets[i + oShift];
      }
    }
    this.lens[b] = len + (end - start);
    this.settled[b] = -1;
  }

  /**
   * Rearranges bucket `b` so that the record at position `rank` is the rank-th smallest (0-based) and every record
   * before it is not larger; with `alsoPrevious`, position rank − 1 then holds the (rank − 1)-th. Returns the
   * index of the rank-th record's first double in `buffer(b)`. Expected O(n); repeated calls are free.
   */
  select(b: number, rank: number, alsoPrevious: boolean): number {
    const key = 2 * rank + (alsoPrevious ? 1 : 0);
    const buf = this.bufs[b];
    if (buf === null || this.settled[b] === key) return rank * this.stride;
    this.selectRange(buf, 0, this.lens[b] - 1, rank);
    if (alsoPrevious && rank > 0) this.selectRange(buf, 0, rank - 1, rank - 1);
    this.settled[b] = key;
    return rank * this.stride;
  }

  /** Re-lays every buffer with a zero remainder after each value (once per store, on the first bigint). */
  private addLoColumn(): void {
    const old = this.stride;
    const stride = old + 1;
    for (let b = 0; b < this.bufs.length; b++) {
      const cur = this.bufs[b];
      if (cur === null) continue;
      const len = this.lens[b];
      const next = new Float64Array(Math.max(INITIAL_RECORDS, len) * stride);
      for (let r = 0; r < len; r++) {
        next[r * stride] = cur[r * old];
        for (let t = 1; t < old; t++) next[r * stride + t + 1] = cur[r * old + t];
      }
      this.bufs[b] = next;
    }
    this.stride = stride;
    this.withLo = true;
    this.settled.fill(-1);
  }

  private reserve(b: number, records: number): Float64Array {
    const cur = this.bufs[b];
    const need = records * this.stride;
    if (cur !== null && cur.length >= need) return cur;
    let cap = cur === null ? INITIAL_RECORDS * this.stride : cur.length * 2;
    while (cap < need) cap *= 2;
    const next = new Float64Array(cap);
    if (cur !== null) next.set(cur.subarray(0, this.lens[b] * this.stride));
    this.bufs[b] = next;
    return next;
  }

  /**
   * Quickselect (Wirth's FIND, whose two-way partition stays balanced on duplicates) over records lo..hi
   * (inclusive) for record `k`. The pivot index is pseudo-random. Float values (stride 1) take a specialised loop:
   * aggregate.bench.ts measured the generic record compare at ~70 ns/value.
   */
  private selectRange(a: Float64Array, lo: number, hi: number, k: number): void {
    if (this.stride === 1) return this.selectValues(a, lo, hi, k);
    const stride = this.stride;
    const withLo = this.withLo;
    const withTime = this.withTime;
    const pivot = this.pivot;
    while (lo < hi) {
      const pick = lo + (this.nextRandom() % (hi - lo + 1));
      for (let t = 0; t < stride; t++) pivot[t] = a[pick * stride + t];
      let i = lo;
      let j = hi;
      do {
        while (compareRecords(a, i * stride, pivot, 0, withLo, withTime) < 0) i++;
        while (compareRecords(pivot, 0, a, j * stride, withLo, withTime) < 0) j--;
        if (i <= j) swapRecords(a, i++, j--, stride);
      } while (i <= j);
      if (j < k) lo = i;
      if (k < i) hi = j;
    }
  }

  private selectValues(a: Float64Array, lo: number, hi: number, k: number): void {
    while (lo < hi) {
      const x = a[lo + (this.nextRandom() % (hi - lo + 1))];
      let i = lo;
      let j = hi;
      do {
        while (valueBefore(a[i], x)) i++;
        while (valueBefore(x, a[j])) j--;
        if (i <= j) {
          const t = a[i];
          a[i++] = a[j];
          a[j--] = t;
        }
      } while (i <= j);
      if (j < k) lo = i;
      if (k < i) hi = j;
    }
  }

  private nextRandom(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }
}

/** The value order of compareRecords as a strict "x before y": NaN last, -0 before +0. */
function valueBefore(x: number, y: number): boolean {
  if (x < y) return true;
  if (x === y) return x === 0 && 1 / x < 1 / y;
  return y !== y && x === x;
}

/** Total order of records a[i..] and c[j..]: value (NaN last, -0 < +0), then lo, then (p, off). */
function compareRecords(
  a: Float64Array,
  i: number,
  c: Float64Array,
  j: number,
  withLo: boolean,
  withTime: boolean,
): number {
  const x = a[i];
  const y = c[j];
  if (x < y) return -1;
  if (x > y) return 1;
  if (x !== y) {
    // At least one NaN: NaN sorts after every number, and NaNs tie.
    if (x === x) return -1;
    if (y === y) return 1;
  } else if (x === 0) {
    // 1/x is -Infinity for -0 and +Infinity for +0.
    const sx = 1 / x;
    const sy = 1 / y;
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  let o = 1;
  if (withLo) {
    const d = a[i + 1] - c[j + 1];
    if (d !== 0) return d < 0 ? -1 : 1;
    o = 2;
  }
  if (withTime) {
    const dp = a[i + o] - c[j + o];
    if (dp !== 0) return dp < 0 ? -1 : 1;
    const doff = a[i + o + 1] - c[j + o + 1];
    if (doff !== 0) return doff < 0 ? -1 : 1;
  }
  return 0;
}

function swapRecords(a: Float64Array, i: number, j: number, stride: number): void {
  if (i === j) return;
  const bi = i * stride;
  const bj = j * stride;
  for (let t = 0; t < stride; t++) {
    const tmp = a[bi + t];
    a[bi + t] = a[bj + t];
    a[bj + t] = tmp;
  }
}
