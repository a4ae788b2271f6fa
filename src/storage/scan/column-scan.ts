// Reads one series field of one partition from every source (segment blocks, frozen and active head),
// applying tombstones and last-write-wins, and hands the result to a visitor as stats or point runs.
import type { BlockStats } from "../aggregate/index.ts";
import type { Database } from "../db/index.ts";
import type { HeadColumn } from "../head/index.ts";
import { lowerBound } from "../head/index.ts";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { DecodedBlock } from "../segment/index.ts";
import type { SegmentReader } from "../segment/index.ts";
import type { QueryStats } from "./query-types.ts";

/**
 * Receives a column's data in time order. Arrays passed to `points` are valid only during the call and must not be
 * modified (they may be the block cache's own).
 */
export interface ColumnVisitor {
  /** A whole block inside the range with no overlapping source or tombstone: return true if its stats sufficed. */
  stats(partition: number, stats: BlockStats): boolean;
  points(partition: number, offsets: Float64Array, values: ColumnValues, start: number, end: number): void;
}

/** A source of points for one column in one partition: a segment block or a head column. */
interface Piece {
  /** Higher rank = newer data; wins on equal times. A segment's rank also decides which tombstones apply. */
  rank: number;
  minOff: number;
  maxOff: number;
  reader: SegmentReader | null;
  block: number;
  column: HeadColumn | null;
}

const HEAD_RANK_FROZEN = Number.MAX_SAFE_INTEGER - 1;
const HEAD_RANK_ACTIVE = Number.MAX_SAFE_INTEGER;

/** Scans columns of one database. Reuses decode buffers; one scanner per running query. */
export class ColumnScanner {
  private readonly db: Database;
  private readonly stats: QueryStats;
  private readonly block = new DecodedBlock();
  private readonly blockStats: BlockStats = {
    count: 0,
    minOff: 0,
    maxOff: 0,
    sum: NaN,
    min: NaN,
    max: NaN,
    minAtOff: NaN,
    maxAtOff: NaN,
    first: NaN,
    last: NaN,
    statsExact: false,
  };
  private readonly pieces: Piece[] = [];

  constructor(db: Database, stats: QueryStats) {
    this.db = db;
    this.stats = stats;
  }

  /**
   * Visits the points of (seriesId, fieldId) in `partition` with lo ≤ offset < hi, in time order.
   * `allowStats` offers whole blocks to `visitor.stats` first.
   */
  scan(
    seriesId: number,
    fieldId: number,
    partition: number,
    lo: number,
    hi: number,
    allowStats: boolean,
    visitor: ColumnVisitor,
  ): void {
    const pieces = this.collectPieces(seriesId, fieldId, partition, lo, hi);
    if (pieces.length === 0) return;
    pieces.sort((a, b) => a.minOff - b.minOff || a.rank - b.rank);
    let i = 0;
    while (i < pieces.length) {
      // A cluster is a run of pieces whose time ranges overlap; only clusters need merging.
      let end = i + 1;
      let clusterMax = pieces[i]!.maxOff;
      while (end < pieces.length && pieces[end]!.minOff <= clusterMax) {
        clusterMax = Math.max(clusterMax, pieces[end]!.maxOff);
        end++;
      }
      if (end === i + 1) this.emitPiece(pieces[i]!, seriesId, partition, lo, hi, allowStats, visitor);
      else this.emitMerged(pieces, i, end, seriesId, partition, lo, hi, visitor);
      i = end;
    }
  }

  private collectPieces(seriesId: number, fieldId: number, partition: number, lo: number, hi: number): Piece[] {
    const pieces = this.pieces;
    pieces.length = 0;
    for (const entry of this.db.segments.inPartition(partition)) {
      const reader = entry.reader;
      const [first, end] = reader.findBlocks(seriesId, fieldId);
      for (let b = first; b < end; b++) {
        reader.blockStats(b, this.blockStats);
        if (this.blockStats.maxOff < lo || this.blockStats.minOff >= hi) continue;
        pieces.push({
          rank: entry.rank,
          minOff: this.blockStats.minOff,
          maxOff: this.blockStats.maxOff,
          reader,
          block: b,
          column: null,
        });
      }
    }
    this.addHeadPiece(this.db.frozen?.findSeries(partition, seriesId)?.findColumn(fieldId), HEAD_RANK_FROZEN, lo, hi);
    this.addHeadPiece(this.db.active.findSeries(partition, seriesId)?.findColumn(fieldId), HEAD_RANK_ACTIVE, lo, hi);
    return pieces;
  }

  private addHeadPiece(column: HeadColumn | undefined, rank: number, lo: number, hi: number): void {
    if (column === undefined || column.length === 0) return;
    column.normalize();
    const minOff = column.offsets[0]!;
    const maxOff = column.offsets[column.length - 1]!;
    if (maxOff < lo || minOff >= hi) return;
    this.pieces.push({ rank, minOff, maxOff, reader: null, block: -1, column });
  }

  private emitPiece(
    piece: Piece,
    seriesId: number,
    partition: number,
    lo: number,
    hi: number,
    allowStats: boolean,
    visitor: ColumnVisitor,
  ): void {
    if (piece.column !== null) {
      const column = piece.column;
      const start = lowerBound(column.offsets, 0, column.length, lo);
      const end = lowerBound(column.offsets, start, column.length, hi);
      if (start < end) visitor.points(partition, column.offsets, column.values, start, end);
      return;
    }
    const reader = piece.reader!;
    const tombstoned = this.tombstoneRanges(seriesId, piece.rank, partition);
    const inside = piece.minOff >= lo && piece.maxOff < hi;
    if (allowStats && inside && !overlapsAny(tombstoned, piece.minOff, piece.maxOff)) {
      reader.blockStats(piece.block, this.blockStats);
      if (visitor.stats(partition, this.blockStats)) {
        this.stats.blocksFromStats++;
        return;
      }
    }
    // A cached block nothing deletes from is read in place (no copy); otherwise decode into the scratch block.
    const cached = tombstoned.length === 0 ? this.db.blockCache.get(reader, piece.block) : undefined;
    let block: { count: number; offsets: Float64Array; values: ColumnValues } = this.block;
    if (cached !== undefined) {
      block = cached;
      this.stats.blocksDecoded++;
      this.stats.pointsDecoded += cached.count;
    } else {
      this.decode(reader, piece.block);
      if (tombstoned.length > 0) this.block.dropRanges(tombstoned);
    }
    const start = lowerBound(block.offsets, 0, block.count, lo);
    const end = lowerBound(block.offsets, start, block.count, hi);
    if (start < end) visitor.points(partition, block.offsets, block.values, start, end);
  }

  /** Merges overlapping pieces [from, to): all their points, the highest rank winning on equal times. */
  private emitMerged(
    pieces: Piece[],
    from: number,
    to: number,
    seriesId: number,
    partition: number,
    lo: number,
    hi: number,
    visitor: ColumnVisitor,
  ): void {
    const offs: number[] = [];
    const ranks: number[] = [];
    const vals: Array<number | bigint | string> = [];
    let type: FieldType = FieldType.Float;
    for (let k = from; k < to; k++) {
      const piece = pieces[k]!;
      let offsets: Float64Array;
      let values: ColumnValues;
      let count: number;
      if (piece.column !== null) {
        offsets = piece.column.offsets;
        values = piece.column.values;
        count = piece.column.length;
        type = piece.column.type;
      } else {
        this.decode(piece.reader!, piece.block);
        const tombstoned = this.tombstoneRanges(seriesId, piece.rank, partition);
        if (tombstoned.length > 0) this.block.dropRanges(tombstoned);
        offsets = this.block.offsets;
        values = this.block.values;
        count = this.block.count;
        type = this.block.type;
      }
      for (let i = 0; i < count; i++) {
        const off = offsets[i]!;
        if (off < lo || off >= hi) continue;
        offs.push(off);
        ranks.push(piece.rank);
        vals.push(values[i]!);
      }
    }
    const order = offs.map((_, i) => i).sort((a, b) => offs[a]! - offs[b]! || ranks[a]! - ranks[b]!);
    const outOffsets = new Float64Array(order.length);
    const picked: Array<number | bigint | string> = [];
    let n = 0;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const next = order[k + 1];
      if (next !== undefined && offs[next] === offs[i]) continue; // a newer source has the same time
      outOffsets[n++] = offs[i]!;
      picked.push(vals[i]!);
    }
    if (n > 0) visitor.points(partition, outOffsets, toColumnValues(type, picked), 0, n);
  }

  private decode(reader: SegmentReader, block: number): void {
    this.db.blockCache.read(reader, block, this.block);
    this.stats.blocksDecoded++;
    this.stats.pointsDecoded += this.block.count;
  }

  /** Offset ranges [lo, hi] (inclusive) of partition `partition` deleted for this series in a segment of `rank`. */
  private tombstoneRanges(seriesId: number, rank: number, partition: number): number[] {
    return this.db.tombstones.rangesFor(seriesId, rank, this.db.partitioning, partition);
  }
}

function overlapsAny(ranges: number[], minOff: number, maxOff: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i]! <= maxOff && ranges[i + 1]! >= minOff) return true;
  return false;
}

function toColumnValues(type: FieldType, values: Array<number | bigint | string>): ColumnValues {
  if (type === FieldType.String) return values as string[];
  if (values.some((v) => typeof v === "bigint")) {
    const out = type === FieldType.Uint ? new BigUint64Array(values.length) : new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
    return out;
  }
  return Float64Array.from(values as number[]);
}
