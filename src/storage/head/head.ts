// The in-memory head: recent points by partition → series → field, in HeadColumns.
// Knows nothing of files; the database decides when to freeze and flush it.
import type { FieldType } from "../model/index.ts";
import { HeadColumn, MAX_COLUMN_CAPACITY_HINT, MIN_COLUMN_CAPACITY } from "./head-column.ts";
import { SlabAllocator } from "./slab-allocator.ts";

/**
 * Bytes counted for each HeadSeries and HeadColumn created: the objects, their arrays and Map entry (V8 sizes,
 * rounded up). A head of many short columns is mostly this.
 */
const SERIES_OVERHEAD_BYTES = 160;
const COLUMN_OVERHEAD_BYTES = 128;
/** Bytes of a numeric column's arrays per point of capacity (an f64 offset and an f64 value). */
const COLUMN_POINT_BYTES = 16;

// Shared empty lists of a series without columns; never pushed to (HeadSeries.column replaces them).
const EMPTY_IDS: number[] = [];
const EMPTY_COLUMNS: HeadColumn[] = [];

/** The fields of one series within one partition. Few fields per series, so a linear scan beats a Map. */
export class HeadSeries {
  readonly seriesId: number;
  /**
   * Field ids and their columns, in creation order. Replaced by one-element literals on the first column: an
   * empty array's first push reserves 17 slots (~150 bytes), twice per series, which dominated the head's memory
   * with a million series of one field.
   */
  fieldIds: number[] = EMPTY_IDS;
  columns: HeadColumn[] = EMPTY_COLUMNS;

  constructor(seriesId: number) {
    this.seriesId = seriesId;
  }

  /** The column of `fieldId`, created with `type`, room for `capacity` points and `allocator` when absent. */
  /** `hint`: where the column probably is (points of a series usually list fields in the same order). */
  column(fieldId: number, type: FieldType, capacity: number, allocator: SlabAllocator, hint = -1): HeadColumn {
    const ids = this.fieldIds;
    if (hint >= 0 && hint < ids.length && ids[hint] === fieldId) return this.columns[hint]!;
    for (let i = 0; i < ids.length; i++) if (ids[i] === fieldId) return this.columns[i]!;
    const column = new HeadColumn(type, capacity, allocator);
    allocator.note(COLUMN_OVERHEAD_BYTES);
    if (ids.length === 0) {
      this.fieldIds = [fieldId];
      this.columns = [column];
    } else {
      ids.push(fieldId);
      this.columns.push(column);
    }
    return column;
  }

  findColumn(fieldId: number): HeadColumn | undefined {
    const ids = this.fieldIds;
    for (let i = 0; i < ids.length; i++) if (ids[i] === fieldId) return this.columns[i];
    return undefined;
  }
}

/** The series of one time partition held in the head. */
export class HeadPartition {
  /** Partition index: floor(time / partition duration). */
  readonly index: number;
  readonly series = new Map<number, HeadSeries>();
  private readonly allocator: SlabAllocator;

  constructor(index: number, allocator: SlabAllocator) {
    this.index = index;
    this.allocator = allocator;
  }

  seriesOf(seriesId: number): HeadSeries {
    let series = this.series.get(seriesId);
    if (series === undefined) {
      this.allocator.note(SERIES_OVERHEAD_BYTES);
      series = new HeadSeries(seriesId);
      this.series.set(seriesId, series);
    }
    return series;
  }
}

/**
 * A generation of in-memory points. The database appends to the active head; on flush it freezes it
 * (no more appends), writes its partitions to segment files, then drops it. `bytes` is what the memory
 * budget counts (docs/rfc/0005-memory-budget.md).
 */
export class Head {
  readonly partitions = new Map<number, HeadPartition>();
  /** Bytes allocated for this head outside its allocator, as reported by column appends (HeadWriter adds them). */
  extraBytes = 0;
  /** Points appended (overwrites of the last point included). */
  points = 0;
  /** Monotonic ms of the first append, or -1 while empty; drives flush-by-age. */
  firstWriteMs = -1;
  /**
   * Initial allocation of new columns, in points. The database sets it from the average column length of the
   * previous flush, so steady workloads allocate each column once instead of doubling from 64 (typed-array
   * allocations were ~9% of ingest time, bench/run.ts).
   */
  columnCapacity: number;
  /** Memory of this head's columns; released with the head. */
  readonly allocator: SlabAllocator;

  constructor(columnCapacity = MIN_COLUMN_CAPACITY) {
    this.columnCapacity = columnCapacity;
    this.allocator = new SlabAllocator();
  }

  /**
   * Bytes this head holds: every column array allocated (outgrown ones included: they stay in the slabs until the
   * head is dropped), bigint and string values, and a fixed overhead per series and column.
   */
  get bytes(): number {
    return this.allocator.bytes + this.extraBytes;
  }

  /**
   * Average points per column, rounded up to a power of two within [4, 8192]: the next head's capacity hint.
   * With `maxBytes`, the hint is lowered (to a power of two, at least MIN_COLUMN_CAPACITY) until this head's columns allocated at
   * that capacity take at most `maxBytes`: a next head that preallocated its flush threshold would flush at once.
   */
  capacityHint(maxBytes = Infinity): number {
    let columns = 0;
    let points = 0;
    for (const partition of this.partitions.values()) {
      for (const series of partition.series.values()) {
        for (const column of series.columns) {
          columns++;
          points += column.length;
        }
      }
    }
    if (columns === 0) return MIN_COLUMN_CAPACITY;
    const average = points / columns;
    let capacity = MIN_COLUMN_CAPACITY;
    while (capacity < average && capacity < MAX_COLUMN_CAPACITY_HINT) capacity *= 2;
    while (capacity > MIN_COLUMN_CAPACITY && columns * capacity * COLUMN_POINT_BYTES > maxBytes) capacity /= 2;
    return capacity;
  }

  partition(index: number): HeadPartition {
    let partition = this.partitions.get(index);
    if (partition === undefined) {
      partition = new HeadPartition(index, this.allocator);
      this.partitions.set(index, partition);
    }
    return partition;
  }

  findSeries(partitionIndex: number, seriesId: number): HeadSeries | undefined {
    return this.partitions.get(partitionIndex)?.series.get(seriesId);
  }

  isEmpty(): boolean {
    return this.points === 0;
  }

  /** Partition indexes held, ascending. */
  partitionIndexes(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }
}
