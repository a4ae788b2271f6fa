// Encodes write batches and tombstones into WAL payloads and decodes them on replay.
// Layout: docs/format/wal.md § "Payloads". The WAL file layer treats these bytes as opaque.
import { CorruptError, getUvarint, zigzag, unzigzag } from "../../base/index.ts";
import type { ByteWriter } from "../codec/index.ts";

/** WAL record types (never renumber: they are on disk). */
export const WAL_RECORD_WRITE = 1;
export const WAL_RECORD_TOMBSTONE = 2;

const PAYLOAD_VERSION = 1;
const VALUE_NUMBER = 0;
const VALUE_BIGINT = 1;
const VALUE_STRING = 2;
const VALUE_ZIGZAG = 3;
const ZIGZAG_SAFE = 2 ** 52;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const scratch = new DataView(new ArrayBuffer(8));

/**
 * Incremental encoder of one write record: call `begin`, then per point `point` followed by its values,
 * then `finish`. Writes into a caller-owned ByteWriter (reset by `begin`).
 */
export class WriteRecordEncoder {
  private out: ByteWriter | null = null;
  private prevSec = 0;
  private countPos = 0;
  private points = 0;

  begin(out: ByteWriter): void {
    out.reset();
    out.u8(PAYLOAD_VERSION);
    this.countPos = out.pos;
    out.u32(0); // point count, patched by finish
    this.out = out;
    this.prevSec = 0;
    this.points = 0;
  }

  point(seriesId: number, sec: number, nsec: number, valueCount: number): void {
    const out = this.out!;
    out.uvarint(seriesId);
    out.uvarint(zigzag(sec - this.prevSec));
    this.prevSec = sec;
    out.uvarint(nsec);
    out.uvarint(valueCount);
    this.points++;
  }

  number(fieldId: number, value: number): void {
    const out = this.out!;
    out.uvarint(fieldId);
    out.u8(VALUE_NUMBER);
    out.f64(value);
  }

  /** A safe integer (int, uint or bool field) as a zigzag varint: 1-3 bytes for typical values instead of 8. */
  integer(fieldId: number, value: number): void {
    // zigzag doubles the magnitude: beyond 2^52 it would leave the exact range of a double.
    if (value >= ZIGZAG_SAFE || value <= -ZIGZAG_SAFE) return this.number(fieldId, value);
    const out = this.out!;
    out.uvarint(fieldId);
    out.u8(VALUE_ZIGZAG);
    out.uvarint(zigzag(value));
  }

  bigint(fieldId: number, value: bigint): void {
    const out = this.out!;
    out.uvarint(fieldId);
    out.u8(VALUE_BIGINT);
    scratch.setBigUint64(0, BigInt.asUintN(64, value), true);
    out.append(new Uint8Array(scratch.buffer, 0, 8));
  }

  string(fieldId: number, value: string): void {
    const out = this.out!;
    const bytes = textEncoder.encode(value);
    out.uvarint(fieldId);
    out.u8(VALUE_STRING);
    out.uvarint(bytes.length);
    out.append(bytes);
  }

  /** Returns the payload (a view into the writer) and the number of points written. */
  finish(): { payload: Uint8Array; points: number } {
    const out = this.out!;
    new DataView(out.buf.buffer, out.buf.byteOffset).setUint32(this.countPos, this.points, true);
    this.out = null;
    return { payload: out.bytes(), points: this.points };
  }
}

/** Receives decoded write records; bigints arrive as raw 64-bit patterns to be read per field type. */
export interface WriteRecordVisitor {
  point(seriesId: number, sec: number, nsec: number): void;
  number(fieldId: number, value: number): void;
  bigint(fieldId: number, unsignedBits: bigint): void;
  string(fieldId: number, value: string): void;
}

/** Decodes a write payload, calling the visitor per point and value. Throws CorruptError on bad bytes. */
export function decodeWriteRecord(payload: Uint8Array, visitor: WriteRecordVisitor): number {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.length < 5 || payload[0] !== PAYLOAD_VERSION) throw bad("unknown write payload version", 0);
  const points = view.getUint32(1, true);
  const cursor = { pos: 5 };
  let sec = 0;
  for (let i = 0; i < points; i++) {
    const seriesId = getUvarint(payload, cursor);
    const secDelta = getUvarint(payload, cursor);
    const nsec = getUvarint(payload, cursor);
    const values = getUvarint(payload, cursor);
    if (seriesId < 0 || secDelta < 0 || nsec < 0 || values < 0) throw bad("truncated point header", cursor.pos);
    sec += unzigzag(secDelta);
    visitor.point(seriesId, sec, nsec);
    for (let j = 0; j < values; j++) {
      const fieldId = getUvarint(payload, cursor);
      const kind = payload[cursor.pos++];
      if (fieldId < 0 || kind === undefined) throw bad("truncated value", cursor.pos);
      if (kind === VALUE_NUMBER) {
        if (cursor.pos + 8 > payload.length) throw bad("truncated number", cursor.pos);
        visitor.number(fieldId, view.getFloat64(cursor.pos, true));
        cursor.pos += 8;
      } else if (kind === VALUE_ZIGZAG) {
        const zz = getUvarint(payload, cursor);
        if (zz < 0) throw bad("truncated integer", cursor.pos);
        visitor.number(fieldId, unzigzag(zz));
      } else if (kind === VALUE_BIGINT) {
        if (cursor.pos + 8 > payload.length) throw bad("truncated integer", cursor.pos);
        visitor.bigint(fieldId, view.getBigUint64(cursor.pos, true));
        cursor.pos += 8;
      } else if (kind === VALUE_STRING) {
        const length = getUvarint(payload, cursor);
        if (length < 0 || cursor.pos + length > payload.length) throw bad("truncated string", cursor.pos);
        visitor.string(fieldId, textDecoder.decode(payload.subarray(cursor.pos, cursor.pos + length)));
        cursor.pos += length;
      } else {
        throw bad(`unknown value kind ${kind}`, cursor.pos - 1);
      }
    }
  }
  return points;
}

/** A delete: points of `seriesIds` with startNs ≤ time ≤ endNs, in segments with sequence ≤ maxSegmentSeq. */
export interface Tombstone {
  seriesIds: Uint32Array;
  startNs: bigint;
  endNs: bigint;
  maxSegmentSeq: number;
}

/** Encodes a tombstone payload into `out` (reset first). */
export function encodeTombstone(tombstone: Tombstone, out: ByteWriter): Uint8Array {
  out.reset();
  out.u8(PAYLOAD_VERSION);
  scratch.setBigInt64(0, tombstone.startNs, true);
  out.append(new Uint8Array(scratch.buffer.slice(0, 8)));
  scratch.setBigInt64(0, tombstone.endNs, true);
  out.append(new Uint8Array(scratch.buffer.slice(0, 8)));
  out.uvarint(tombstone.maxSegmentSeq);
  out.uvarint(tombstone.seriesIds.length);
  let prev = 0;
  for (let i = 0; i < tombstone.seriesIds.length; i++) {
    out.uvarint(tombstone.seriesIds[i]! - prev);
    prev = tombstone.seriesIds[i]!;
  }
  return out.bytes();
}

/** Decodes a tombstone payload. Throws CorruptError on bad bytes. */
export function decodeTombstone(payload: Uint8Array): Tombstone {
  if (payload.length < 17 || payload[0] !== PAYLOAD_VERSION) throw bad("unknown tombstone payload version", 0);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const startNs = view.getBigInt64(1, true);
  const endNs = view.getBigInt64(9, true);
  const cursor = { pos: 17 };
  const maxSegmentSeq = getUvarint(payload, cursor);
  const count = getUvarint(payload, cursor);
  if (maxSegmentSeq < 0 || count < 0 || count > payload.length) throw bad("truncated tombstone", cursor.pos);
  const seriesIds = new Uint32Array(count);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const delta = getUvarint(payload, cursor);
    if (delta < 0) throw bad("truncated tombstone ids", cursor.pos);
    prev += delta;
    seriesIds[i] = prev;
  }
  return { seriesIds, startNs, endNs, maxSegmentSeq };
}

function bad(reason: string, offset: number): CorruptError {
  return new CorruptError("STORAGE_CORRUPT_WAL_RECORD", `${reason} at payload offset ${offset}`, "", offset);
}
