// Accumulates a segment's footer (string tables, column table, block index; segment.md §4) while blocks are
// written, and checks the column order the format requires. No I/O.
import { InvalidError, zigzag } from "../../base/index.ts";
import { ByteWriter } from "../codec/index.ts";
import type { BlockStats } from "../aggregate/index.ts";
import type { SegmentColumnMeta } from "./segment-column-meta.ts";
import { STAT_EXACT, STAT_INTEGER, STAT_NUMERIC } from "./segment-format.ts";

const MAX_U32 = 0xffff_ffff;
// Integer-coded stats stay below 2^52 so their zigzag form (≤ 2^53) is exact as a double.
const MAX_ZIGZAG_INPUT = 2 ** 52;
const utf8 = new TextEncoder();

function isSmallInt(x: number): boolean {
  return Number.isInteger(x) && x <= MAX_ZIGZAG_INPUT && x >= -MAX_ZIGZAG_INPUT && !Object.is(x, -0);
}

/**
 * Builds the footer of one segment. Columns arrive through `openColumn` in ascending (seriesId, fieldId) order;
 * reopening the current column continues it. Mutable, single-owner: the SegmentWriter that created it.
 */
export class SegmentFooterBuilder {
  private readonly fieldNames: string[] = [];
  private readonly fieldIndex = new Map<string, number>();
  private readonly seriesTable = new ByteWriter();
  private readonly columnTable = new ByteWriter();
  private readonly blockIndex = new ByteWriter();
  private seriesCount = 0;
  private columnCount = 0;
  /** Blocks and points written so far, across all columns. */
  blockCount = 0;
  pointCount = 0;
  // The open column; curSeries = -1 before the first one.
  private curSeries = -1;
  private curSeriesKey = "";
  private curField = -1;
  private curFieldName = "";
  private curType = 0;
  private curBlocks = 0;
  private curLastOff = -1;
  private seriesIndexDelta = 0;

  /**
   * Starts column `meta`, or continues it when it is the open column (same ids, key, name and type).
   * Returns the offset the column's next point must exceed (-1 for a new column).
   * Throws InvalidError (`STORAGE_SEGMENT_ORDER`, `STORAGE_SEGMENT_META`) on order or metadata violations.
   */
  openColumn(meta: SegmentColumnMeta): number {
    const { seriesId, fieldId } = meta;
    if (!isU32(seriesId) || !isU32(fieldId)) {
      throw new InvalidError("STORAGE_SEGMENT_META", `series id ${seriesId} or field id ${fieldId} is not a uint32`);
    }
    if (seriesId === this.curSeries && fieldId === this.curField) {
      if (meta.seriesKey !== this.curSeriesKey || meta.fieldName !== this.curFieldName || meta.type !== this.curType) {
        throw new InvalidError("STORAGE_SEGMENT_META", `column ${seriesId}/${fieldId} continued with other metadata`);
      }
      return this.curLastOff;
    }
    if (seriesId < this.curSeries || (seriesId === this.curSeries && fieldId < this.curField)) {
      const msg = `column ${seriesId}/${fieldId} after ${this.curSeries}/${this.curField}: want ascending order`;
      throw new InvalidError("STORAGE_SEGMENT_ORDER", msg);
    }
    if (seriesId === this.curSeries && meta.seriesKey !== this.curSeriesKey) {
      throw new InvalidError("STORAGE_SEGMENT_META", `series ${seriesId} has two keys in one segment`);
    }
    this.closeColumn();
    if (seriesId !== this.curSeries) this.addSeries(seriesId, meta.seriesKey);
    this.curField = fieldId;
    this.curFieldName = meta.fieldName;
    this.curType = meta.type;
    this.curBlocks = 0;
    this.curLastOff = -1;
    return -1;
  }

  /** Records a block of the open column: its byte length (crc included) and statistics. */
  addBlock(byteLength: number, st: BlockStats): void {
    const w = this.blockIndex;
    w.uvarint(byteLength);
    w.uvarint(st.count);
    w.uvarint(this.curLastOff < 0 ? st.minOff : st.minOff - this.curLastOff);
    w.uvarint(st.maxOff - st.minOff);
    let flags = st.statsExact ? STAT_EXACT : 0;
    // Numeric columns always have a min/max position; strings and bigint columns have none (all stats NaN).
    const numeric = st.minAtOff === st.minAtOff;
    if (numeric) flags |= STAT_NUMERIC;
    const integer = numeric && isSmallInt(st.sum) && isSmallInt(st.min) && isSmallInt(st.max) && isSmallInt(st.first);
    if (integer && isSmallInt(st.last)) flags |= STAT_INTEGER;
    w.u8(flags);
    if ((flags & STAT_NUMERIC) !== 0) {
      w.uvarint(st.minAtOff - st.minOff);
      w.uvarint(st.maxAtOff - st.minOff);
      if ((flags & STAT_INTEGER) !== 0) {
        w.uvarint(zigzag(st.sum));
        w.uvarint(zigzag(st.min));
        w.uvarint(zigzag(st.max));
        w.uvarint(zigzag(st.first));
        w.uvarint(zigzag(st.last));
      } else {
        w.f64(st.sum);
        w.f64(st.min);
        w.f64(st.max);
        w.f64(st.first);
        w.f64(st.last);
      }
    }
    this.curBlocks++;
    this.curLastOff = st.maxOff;
    this.blockCount++;
    this.pointCount += st.count;
  }

  /** Closes the open column and appends the whole footer body to `out`. The builder is spent afterwards. */
  build(out: ByteWriter): void {
    this.closeColumn();
    out.uvarint(this.fieldNames.length);
    for (let i = 0; i < this.fieldNames.length; i++) putString(out, this.fieldNames[i]);
    out.uvarint(this.seriesCount);
    out.append(this.seriesTable.bytes());
    out.uvarint(this.columnCount);
    out.append(this.columnTable.bytes());
    out.uvarint(this.blockCount);
    out.append(this.blockIndex.bytes());
  }

  private addSeries(seriesId: number, seriesKey: string): void {
    this.seriesTable.uvarint(this.curSeries < 0 ? seriesId : seriesId - this.curSeries);
    putString(this.seriesTable, seriesKey);
    this.seriesCount++;
    this.seriesIndexDelta++;
    this.curSeries = seriesId;
    this.curSeriesKey = seriesKey;
    this.curField = -1;
  }

  // Writes the open column's entry; a column that got no block leaves no trace.
  private closeColumn(): void {
    if (this.curBlocks === 0) return;
    let nameIndex = this.fieldIndex.get(this.curFieldName);
    if (nameIndex === undefined) {
      nameIndex = this.fieldNames.length;
      this.fieldNames.push(this.curFieldName);
      this.fieldIndex.set(this.curFieldName, nameIndex);
    }
    const w = this.columnTable;
    // The first column's delta counts from index -1, so it is ≥ 1 like every series change.
    w.uvarint(this.seriesIndexDelta);
    w.uvarint(this.curField);
    w.uvarint(nameIndex);
    w.u8(this.curType);
    w.uvarint(this.curBlocks);
    this.seriesIndexDelta = 0;
    this.columnCount++;
    this.curBlocks = 0;
  }
}

function isU32(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= MAX_U32;
}

function putString(out: ByteWriter, s: string): void {
  const bytes = utf8.encode(s);
  out.uvarint(bytes.length);
  out.append(bytes);
}
