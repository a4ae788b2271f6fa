// A byte-bounded LRU of decoded segment blocks, shared by every scan of an engine. Repeated reads of the same
// blocks (a dashboard refreshing its panels, the last hour of a host asked again) skip the pread, crc and decode.
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import type { DecodedBlock } from "./decoded-block.ts";
import type { SegmentReader } from "./segment-reader.ts";

interface CachedBlock {
  readerId: number;
  count: number;
  offsets: Float64Array;
  values: ColumnValues;
  type: FieldType;
  bytes: number;
}

/** Blocks per reader fit below this (a segment holds fewer than 2^26 blocks), so one number keys a block. */
const BLOCK_KEY_SPAN = 2 ** 26;
/** Accounted per entry besides its arrays: the entry, its Map slot, the typed array headers. */
const ENTRY_OVERHEAD_BYTES = 200;
/** Bytes counted per string value: the pointer plus a short string's header and characters. */
const STRING_VALUE_BYTES = 40;

/** A cached block: read-only arrays, valid [0, count). */
export interface CachedBlockView {
  readonly count: number;
  readonly offsets: Float64Array;
  readonly values: ColumnValues;
  readonly type: FieldType;
}

/** Hit/miss counters and occupancy, for /metrics and `strata stats`. */
export interface BlockCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/**
 * Decoded blocks keyed by (reader id, block index), least recently used evicted first. A block larger than an
 * eighth of the cache is not kept (it would evict everything for one read). `maxBytes` 0 disables the cache.
 * Segment files are immutable, so an entry never goes stale; a retired reader's entries are dropped by `forget`.
 */
export class BlockCache {
  readonly maxBytes: number;
  private readonly entries = new Map<number, CachedBlock>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /**
   * The cached block `block` of `reader` for reading in place (its arrays must not be modified), counting a hit
   * and making it the most recently used; undefined when it is not cached (nothing counted).
   */
  get(reader: SegmentReader, block: number): CachedBlockView | undefined {
    if (this.maxBytes <= 0) return undefined;
    const key = reader.id * BLOCK_KEY_SPAN + block;
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.hits++;
    return hit;
  }

  /** Fills `out` with block `block` of `reader`, from the cache or by reading it (and then caching it). */
  read(reader: SegmentReader, block: number, out: DecodedBlock): void {
    if (this.maxBytes <= 0) {
      reader.readBlock(block, out);
      return;
    }
    const key = reader.id * BLOCK_KEY_SPAN + block;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
      out.copyFrom(hit);
      return;
    }
    this.misses++;
    reader.readBlock(block, out);
    const bytes = blockBytes(out);
    if (bytes > this.maxBytes / 8) return;
    this.entries.set(key, {
      readerId: reader.id,
      count: out.count,
      offsets: out.offsets.slice(0, out.count),
      values: out.values.slice(0, out.count),
      type: out.type,
      bytes,
    });
    this.bytes += bytes;
    this.evictOver(this.maxBytes);
  }

  /** Drops every block of `reader` (called when a segment is retired by compaction, retention or a drop). */
  forget(reader: SegmentReader): void {
    for (const [key, entry] of this.entries) {
      if (entry.readerId !== reader.id) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  stats(): BlockCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }

  private evictOver(limit: number): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= limit) return;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}

function blockBytes(block: DecodedBlock): number {
  const n = block.count;
  const valueBytes = block.type === FieldType.String ? STRING_VALUE_BYTES : 8;
  return ENTRY_OVERHEAD_BYTES + n * (8 + valueBytes);
}
