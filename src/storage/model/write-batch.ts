// A reusable columnar batch of points: what ingest builds and the storage engine appends.
// No object per point (STYLE.md §8.1): points and field values live in parallel growable columns.
import { FieldType } from "./field-type.ts";

const INITIAL_POINTS = 256;
const INITIAL_VALUES = 1024;

/**
 * Columnar batch of points. Point i has series key `seriesKeys[i]`, measurement `measurements[i]`, time
 * (`sec[i]`, `nsec[i]`) and the field values j with `valuePoint[j] === i`. Values of one point are contiguous.
 *
 * Series keys are canonical: the escaped line-protocol form `measurement,k1=v1,k2=v2` with tags sorted by key
 * (see series-key.ts). The batch owns its arrays; `reset()` empties it for reuse without freeing memory.
 * Not safe to mutate while a write that received it is pending.
 */
export class WriteBatch {
  /** Number of points. */
  pointCount = 0;
  /** Canonical series key per point (entries at or past pointCount are stale). */
  seriesKeys: string[] = [];
  /** Measurement name (unescaped) per point. */
  measurements: string[] = [];
  /** Whole seconds of each point's timestamp (floor), exact. */
  sec = new Float64Array(INITIAL_POINTS);
  /** Nanoseconds within the second, 0 ≤ nsec < 1e9. */
  nsec = new Float64Array(INITIAL_POINTS);
  /** Source line number (1-based) per point, or 0 when the point did not come from text. */
  lines = new Uint32Array(INITIAL_POINTS);

  /** Number of field values across all points. */
  valueCount = 0;
  /** Index of the point each value belongs to. */
  valuePoint = new Uint32Array(INITIAL_VALUES);
  /** Field name (unescaped) per value. */
  valueField: string[] = [];
  /** FieldType code per value. */
  valueType = new Uint8Array(INITIAL_VALUES);
  /** Numeric value: floats, bools as 0/1, and ints/uints that are safe integers. NaN when in `valueBig`. */
  valueNum = new Float64Array(INITIAL_VALUES);
  /** String values (only read when the type is String; "" otherwise, so the array stays packed). */
  valueStr: string[] = [];
  /** Exact int64/uint64 values beyond ±2^53, keyed by value index. Rare; empty in the common case. */
  valueBig = new Map<number, bigint>();

  /**
   * Empties the batch, keeping its memory. The string arrays keep their old entries beyond the counts (only
   * [0, pointCount) and [0, valueCount) are meaningful): truncating them would free their backing stores and
   * cost a reallocation per batch (measured: 20-27% of parse time in GC, line-protocol-parser.bench.ts).
   */
  reset(): void {
    this.pointCount = 0;
    this.valueCount = 0;
    this.valueBig.clear();
  }

  /** Starts a point; add its fields next. Returns the point index. */
  addPoint(seriesKey: string, measurement: string, sec: number, nsec: number, line = 0): number {
    const i = this.pointCount;
    if (i === this.sec.length) this.growPoints();
    this.seriesKeys[i] = seriesKey;
    this.measurements[i] = measurement;
    this.sec[i] = sec;
    this.nsec[i] = nsec;
    this.lines[i] = line;
    this.pointCount = i + 1;
    return i;
  }

  /** Adds a float (or Bool as 0/1, or safe Int/Uint) value to the last point. */
  addNumber(field: string, type: FieldType, value: number): void {
    const j = this.pushValue(field, type);
    this.valueNum[j] = value;
    this.valueStr[j] = "";
  }

  /** Adds an Int or Uint given as bigint; stored as a number when it is a safe integer. */
  addBigInt(field: string, type: FieldType, value: bigint): void {
    const j = this.pushValue(field, type);
    this.valueStr[j] = "";
    if (value >= -9007199254740991n && value <= 9007199254740991n) {
      this.valueNum[j] = Number(value);
    } else {
      this.valueNum[j] = NaN;
      this.valueBig.set(j, value);
    }
  }

  /** Adds a string value to the last point. */
  addString(field: string, value: string): void {
    const j = this.pushValue(field, FieldType.String);
    this.valueNum[j] = 0;
    this.valueStr[j] = value;
  }

  /** Drops the last point and its values (used when a line turns out bad after its point was started). */
  dropLastPoint(): void {
    const i = this.pointCount - 1;
    if (i < 0) return;
    while (this.valueCount > 0 && this.valuePoint[this.valueCount - 1] === i) {
      this.valueCount--;
      this.valueBig.delete(this.valueCount);
    }
    this.pointCount = i;
  }

  /** Exact value j as bigint (for Int/Uint values). */
  bigValue(j: number): bigint {
    const big = this.valueBig.get(j);
    return big ?? BigInt(this.valueNum[j]!);
  }

  private pushValue(field: string, type: FieldType): number {
    const j = this.valueCount;
    if (j === this.valueNum.length) this.growValues();
    this.valuePoint[j] = this.pointCount - 1;
    this.valueField[j] = field;
    this.valueType[j] = type;
    this.valueCount = j + 1;
    return j;
  }

  private growPoints(): void {
    const size = this.sec.length * 2;
    this.sec = grow(this.sec, new Float64Array(size));
    this.nsec = grow(this.nsec, new Float64Array(size));
    this.lines = grow(this.lines, new Uint32Array(size));
  }

  private growValues(): void {
    const size = this.valueNum.length * 2;
    this.valuePoint = grow(this.valuePoint, new Uint32Array(size));
    this.valueType = grow(this.valueType, new Uint8Array(size));
    this.valueNum = grow(this.valueNum, new Float64Array(size));
  }
}

function grow<T extends Float64Array | Uint32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
