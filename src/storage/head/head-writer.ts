// Applies points to a Head: shared by the live write path and WAL replay, so both build identical heads.
import { FieldType } from "../model/index.ts";
import type { Head, HeadSeries } from "./head.ts";

/** Maps (sec, nsec) to partition index and offset; implemented by the database's Partitioning. */
export interface PartitionLocator {
  index(sec: number): number;
  offset(sec: number, nsec: number, index: number): number;
}

/**
 * Stateful appender: `point()` selects the series and time, then `number`/`bigint`/`string` append its
 * field values. Caches the last partition and series so consecutive points of one series cost no lookups.
 */
export class HeadWriter {
  private head: Head;
  private readonly locator: PartitionLocator;
  private readonly typeOf: (fieldId: number) => FieldType;
  private series: HeadSeries | null = null;
  private seriesId = -1;
  private partitionIndex = NaN;
  private offset = 0;
  /** Index of the next value within the current point: a hint for the column lookup. */
  private slot = 0;

  constructor(head: Head, locator: PartitionLocator, typeOf: (fieldId: number) => FieldType) {
    this.head = head;
    this.locator = locator;
    this.typeOf = typeOf;
  }

  /** Directs later appends to `head` (after the database swapped heads). */
  setHead(head: Head): void {
    this.head = head;
    this.series = null;
    this.seriesId = -1;
    this.partitionIndex = NaN;
  }

  point(seriesId: number, sec: number, nsec: number): void {
    const index = this.locator.index(sec);
    this.offset = this.locator.offset(sec, nsec, index);
    this.slot = 0;
    if (index !== this.partitionIndex || seriesId !== this.seriesId || this.series === null) {
      this.series = this.head.partition(index).seriesOf(seriesId);
      this.partitionIndex = index;
      this.seriesId = seriesId;
    }
  }

  number(fieldId: number, value: number): void {
    this.typedNumber(fieldId, this.typeOf(fieldId), value);
  }

  /** `number` for callers that know the field's type (the live write path), saving a lookup per value. */
  typedNumber(fieldId: number, type: FieldType, value: number): void {
    const head = this.head;
    const column = this.series!.column(fieldId, type, head.columnCapacity, head.allocator, this.slot++);
    head.extraBytes += column.appendNumber(this.offset, value);
    head.points++;
  }

  /** `bits` is the value's 64-bit pattern; the field's type says whether it is signed. */
  bigint(fieldId: number, bits: bigint): void {
    const type = this.typeOf(fieldId);
    const value = type === FieldType.Uint ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
    const column = this.series!.column(fieldId, type, this.head.columnCapacity, this.head.allocator, this.slot++);
    const head = this.head;
    if (value >= -9007199254740991n && value <= 9007199254740991n) {
      head.extraBytes += column.appendNumber(this.offset, Number(value));
    } else {
      head.extraBytes += column.appendBig(this.offset, value);
    }
    head.points++;
  }

  string(fieldId: number, value: string): void {
    const head = this.head;
    head.extraBytes += this.series!.column(
      fieldId,
      FieldType.String,
      head.columnCapacity,
      head.allocator,
      this.slot++,
    ).appendString(this.offset, value);
    head.points++;
  }
}
