// Parses and validates a segment footer body (segment.md §4) into parallel typed arrays. No I/O.
import { CorruptError, unzigzag } from "../../base/index.ts";
import { isFieldType } from "../model/index.ts";
import {
  BLOCK_OVERHEAD_BYTES,
  MAX_OFFSET_EXCLUSIVE,
  SEGMENT_CORRUPT,
  SEGMENT_HEADER_SIZE,
  STAT_INTEGER,
  STAT_KNOWN_BITS,
  STAT_NUMERIC,
} from "./segment-format.ts";

/** Doubles per block in `SegmentFooter.stats`, in this order. */
export const STATS_STRIDE = 9;
export const S_MIN_OFF = 0;
export const S_MAX_OFF = 1;
export const S_SUM = 2;
export const S_MIN = 3;
export const S_MAX = 4;
export const S_MIN_AT = 5;
export const S_MAX_AT = 6;
export const S_FIRST = 7;
export const S_LAST = 8;

/** The decoded footer. Arrays are owned by the SegmentReader that parsed them and never mutated. */
export interface SegmentFooter {
  fieldNames: string[];
  /** Distinct series ids ascending, and their keys. */
  seriesIds: Uint32Array;
  seriesKeys: string[];
  /** Per column, in (seriesId, fieldId) order: ids, type, index into seriesKeys / fieldNames, first block. */
  colSeries: Uint32Array;
  colField: Uint32Array;
  colType: Uint8Array;
  colSeriesIndex: Uint32Array;
  colFieldName: Uint32Array;
  /** Length columnCount + 1: blocks of column c are [colFirstBlock[c], colFirstBlock[c + 1]). */
  colFirstBlock: Uint32Array;
  /** Per block, in file order (= index order). */
  blockSeries: Uint32Array;
  blockField: Uint32Array;
  blockType: Uint8Array;
  blockCount: Uint32Array;
  blockOffset: Float64Array;
  blockLength: Uint32Array;
  blockFlags: Uint8Array;
  /** STATS_STRIDE doubles per block (S_* indexes). */
  stats: Float64Array;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

// Reads footer fields; every failure is a CorruptError naming the file and absolute offset.
class FooterCursor {
  pos = 0;
  private readonly dv: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly file: string,
    private readonly baseOffset: number,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(what: string): CorruptError {
    const at = this.baseOffset + this.pos;
    return new CorruptError(SEGMENT_CORRUPT, `segment footer at offset ${at}: ${what}`, this.file, at);
  }

  uvarint(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    let pos = this.pos;
    while (pos < buf.length) {
      const byte = buf[pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER + 1) break;
        this.pos = pos;
        return result;
      }
      scale *= 0x80;
      if (scale > 2 ** 56) break;
    }
    throw this.fail("bad varint");
  }

  /** A uvarint that must be ≤ max (counts are bounded by the footer length, ids by uint32). */
  bounded(max: number, what: string): number {
    const v = this.uvarint();
    if (v > max) throw this.fail(`${what} ${v} exceeds ${max}`);
    return v;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw this.fail("truncated");
    return this.buf[this.pos++];
  }

  f64(): number {
    if (this.pos + 8 > this.buf.length) throw this.fail("truncated");
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  string(): string {
    const len = this.bounded(this.buf.length - this.pos, "string length");
    const s = utf8.decode(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }

  end(): void {
    if (this.pos !== this.buf.length) throw this.fail(`${this.buf.length - this.pos} trailing bytes`);
  }
}

/**
 * Parses footer body `buf` read from file offset `footerOffset` of `file`, whose trailer announced
 * `blockCount` blocks. Block file offsets follow from their lengths: block 0 at the end of the header, the
 * last one ending at `footerOffset`. Throws CorruptError (`STORAGE_SEGMENT_CORRUPT`) on any inconsistency.
 */
export function parseSegmentFooter(
  buf: Uint8Array,
  file: string,
  footerOffset: number,
  blockCount: number,
): SegmentFooter {
  const c = new FooterCursor(buf, file, footerOffset);
  const fieldNames = new Array<string>(c.bounded(buf.length, "field name count")).fill("");
  for (let i = 0; i < fieldNames.length; i++) fieldNames[i] = c.string();
  const seriesCount = c.bounded(buf.length, "series count");
  const seriesIds = new Uint32Array(seriesCount);
  const seriesKeys = new Array<string>(seriesCount).fill("");
  let id = -1;
  for (let i = 0; i < seriesCount; i++) {
    const delta = c.uvarint();
    if (i > 0 && delta === 0) throw c.fail("series ids not ascending");
    id = i === 0 ? delta : id + delta;
    if (id > 0xffff_ffff) throw c.fail(`series id ${id} exceeds uint32`);
    seriesIds[i] = id;
    seriesKeys[i] = c.string();
  }
  const footer = parseColumns(c, buf.length, fieldNames, seriesIds, seriesKeys, blockCount);
  parseBlocks(c, footer, footerOffset);
  c.end();
  return footer;
}

function parseColumns(
  c: FooterCursor,
  maxCount: number,
  fieldNames: string[],
  seriesIds: Uint32Array,
  seriesKeys: string[],
  blockCount: number,
): SegmentFooter {
  const n = c.bounded(maxCount, "column count");
  const f: SegmentFooter = {
    fieldNames,
    seriesIds,
    seriesKeys,
    colSeries: new Uint32Array(n),
    colField: new Uint32Array(n),
    colType: new Uint8Array(n),
    colSeriesIndex: new Uint32Array(n),
    colFieldName: new Uint32Array(n),
    colFirstBlock: new Uint32Array(n + 1),
    blockSeries: new Uint32Array(blockCount),
    blockField: new Uint32Array(blockCount),
    blockType: new Uint8Array(blockCount),
    blockCount: new Uint32Array(blockCount),
    blockOffset: new Float64Array(blockCount),
    blockLength: new Uint32Array(blockCount),
    blockFlags: new Uint8Array(blockCount),
    stats: new Float64Array(blockCount * STATS_STRIDE),
  };
  let seriesIndex = -1;
  let prevField = -1;
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    const delta = c.uvarint();
    seriesIndex += delta;
    if (seriesIndex >= seriesIds.length || (i === 0 && delta === 0)) throw c.fail(`bad series index ${seriesIndex}`);
    const fieldId = c.bounded(0xffff_ffff, "field id");
    if (delta === 0 && fieldId <= prevField) throw c.fail("columns not in (series, field) order");
    const name = c.bounded(fieldNames.length - 1, "field name index");
    const type = c.u8();
    if (!isFieldType(type)) throw c.fail(`bad field type ${type}`);
    const count = c.uvarint();
    if (count === 0 || blocks + count > blockCount) throw c.fail(`column block count ${count} out of range`);
    f.colSeries[i] = seriesIds[seriesIndex]!;
    f.colField[i] = fieldId;
    f.colType[i] = type;
    f.colSeriesIndex[i] = seriesIndex;
    f.colFieldName[i] = name;
    f.colFirstBlock[i] = blocks;
    for (let b = blocks; b < blocks + count; b++) {
      f.blockSeries[b] = seriesIds[seriesIndex]!;
      f.blockField[b] = fieldId;
      f.blockType[b] = type;
    }
    blocks += count;
    prevField = fieldId;
  }
  f.colFirstBlock[n] = blocks;
  if (blocks !== blockCount) throw c.fail(`columns hold ${blocks} blocks, trailer says ${blockCount}`);
  if (c.uvarint() !== blockCount) throw c.fail("block count disagrees with trailer");
  return f;
}

function parseBlocks(c: FooterCursor, f: SegmentFooter, footerOffset: number): void {
  const st = f.stats;
  let fileOffset = SEGMENT_HEADER_SIZE;
  for (let col = 0; col + 1 < f.colFirstBlock.length; col++) {
    let lastOff = -1;
    for (let b = f.colFirstBlock[col]; b < f.colFirstBlock[col + 1]; b++) {
      const byteLength = c.uvarint();
      const count = c.uvarint();
      if (byteLength < BLOCK_OVERHEAD_BYTES || byteLength > 0xffff_ffff || count === 0 || count > 0xffff_ffff) {
        throw c.fail(`block ${b}: bad length ${byteLength} or count ${count}`);
      }
      const delta = c.uvarint();
      if (lastOff >= 0 && delta === 0) throw c.fail(`block ${b}: offsets overlap the previous block`);
      const minOff = lastOff < 0 ? delta : lastOff + delta;
      const maxOff = minOff + c.uvarint();
      if (maxOff >= MAX_OFFSET_EXCLUSIVE || maxOff - minOff + 1 < count) throw c.fail(`block ${b}: bad time range`);
      const flags = c.u8();
      if ((flags & ~STAT_KNOWN_BITS) !== 0) throw c.fail(`block ${b}: unknown stat flags ${flags}`);
      const k = b * STATS_STRIDE;
      st[k + S_MIN_OFF] = minOff;
      st[k + S_MAX_OFF] = maxOff;
      readStats(c, flags, minOff, maxOff, st, k, b);
      f.blockOffset[b] = fileOffset;
      f.blockLength[b] = byteLength;
      f.blockCount[b] = count;
      f.blockFlags[b] = flags;
      fileOffset += byteLength;
      lastOff = maxOff;
    }
  }
  if (fileOffset !== footerOffset) throw c.fail(`blocks end at ${fileOffset}, footer starts at ${footerOffset}`);
}

function readStats(
  c: FooterCursor,
  flags: number,
  minOff: number,
  maxOff: number,
  st: Float64Array,
  k: number,
  b: number,
): void {
  if ((flags & STAT_NUMERIC) === 0) {
    st.fill(NaN, k + S_SUM, k + STATS_STRIDE);
    return;
  }
  const minAt = minOff + c.uvarint();
  const maxAt = minOff + c.uvarint();
  if (minAt > maxOff || maxAt > maxOff) throw c.fail(`block ${b}: min/max offset outside the block`);
  st[k + S_MIN_AT] = minAt;
  st[k + S_MAX_AT] = maxAt;
  const integer = (flags & STAT_INTEGER) !== 0;
  st[k + S_SUM] = integer ? unzigzag(c.uvarint()) : c.f64();
  st[k + S_MIN] = integer ? unzigzag(c.uvarint()) : c.f64();
  st[k + S_MAX] = integer ? unzigzag(c.uvarint()) : c.f64();
  st[k + S_FIRST] = integer ? unzigzag(c.uvarint()) : c.f64();
  st[k + S_LAST] = integer ? unzigzag(c.uvarint()) : c.f64();
}
