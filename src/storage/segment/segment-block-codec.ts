// Encodes and decodes one segment block (segment.md §3): kind byte, timestamp codec bytes, value codec bytes,
// crc32. Dispatches on the value representation once per block; the per-point work is in ../codec.
import { CorruptError, InvalidError, crc32, isTsdbError } from "../../base/index.ts";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import {
  decodeBigInts,
  decodeBools,
  decodeFloats,
  decodeInts,
  decodeStrings,
  decodeTimestamps,
  encodeBigInts,
  encodeBools,
  encodeFloats,
  encodeInts,
  encodeStrings,
  encodeTimestamps,
} from "../codec/index.ts";
import type { ByteWriter } from "../codec/index.ts";
import type { DecodedBlock } from "./decoded-block.ts";
import { BLOCK_OVERHEAD_BYTES, Repr, SEGMENT_CORRUPT, hex } from "./segment-format.ts";

/**
 * The representation code of `values` for a column of `type`. Throws InvalidError (`STORAGE_SEGMENT_VALUES`)
 * when the representation does not fit the type (see ColumnValues).
 */
export function reprOf(type: FieldType, values: ColumnValues): Repr {
  let repr: Repr;
  if (values instanceof Float64Array) repr = Repr.Float64;
  else if (values instanceof BigInt64Array) repr = Repr.BigInt64;
  else if (values instanceof BigUint64Array) repr = Repr.BigUint64;
  else repr = Repr.Strings;
  const ok =
    type === FieldType.String
      ? repr === Repr.Strings
      : type === FieldType.Int || type === FieldType.Uint
        ? repr !== Repr.Strings
        : (type === FieldType.Float || type === FieldType.Bool) && repr === Repr.Float64;
  if (!ok) throw new InvalidError("STORAGE_SEGMENT_VALUES", `values of type ${type} cannot be stored as repr ${repr}`);
  return repr;
}

/** Appends the block of points [s, e) to `out` and returns its byte length (kind byte to crc inclusive). */
export function encodeSegmentBlock(
  type: FieldType,
  repr: Repr,
  offsets: Float64Array,
  values: ColumnValues,
  s: number,
  e: number,
  out: ByteWriter,
): number {
  const start = out.pos;
  out.u8(type | (repr << 4));
  encodeTimestamps(offsets, s, e, out);
  if (repr === Repr.Float64) {
    const v = values as Float64Array;
    if (type === FieldType.Float) encodeFloats(v, s, e, out);
    else if (type === FieldType.Bool) encodeBools(v, s, e, out);
    else encodeInts(v, s, e, out);
  } else if (repr === Repr.Strings) {
    encodeStrings(values as string[], s, e, out);
  } else {
    encodeBigInts(values as BigInt64Array | BigUint64Array, s, e, out);
  }
  out.u32(crc32(out.bytes().subarray(start)));
  return out.pos - start;
}

/** Where a block sits, for error messages. */
export interface BlockLocation {
  file: string;
  index: number;
  fileOffset: number;
}

function corrupt(loc: BlockLocation, what: string, cause?: unknown): CorruptError {
  const msg = `block ${loc.index} at offset ${loc.fileOffset}: ${what}`;
  return new CorruptError(SEGMENT_CORRUPT, msg, loc.file, loc.fileOffset, { cause });
}

/**
 * Verifies the crc of the block in `buf[0, byteLength)` and decodes its `count` points into `out`.
 * Throws CorruptError (`STORAGE_SEGMENT_CORRUPT`, naming file, block index and offset) on a crc mismatch, a
 * kind byte that disagrees with the footer's `type`, a codec failure, or bytes left over.
 */
export function decodeSegmentBlock(
  buf: Uint8Array,
  byteLength: number,
  count: number,
  type: FieldType,
  out: DecodedBlock,
  loc: BlockLocation,
): void {
  if (byteLength < BLOCK_OVERHEAD_BYTES) throw corrupt(loc, `block length ${byteLength} too small`);
  const body = byteLength - 4;
  const want = (buf[body] | (buf[body + 1] << 8) | (buf[body + 2] << 16) | (buf[body + 3] << 24)) >>> 0;
  const got = crc32(buf.subarray(0, body));
  if (want !== got) throw corrupt(loc, `crc mismatch: want ${hex(want)}, got ${hex(got)}`);
  const kind = buf[0];
  if ((kind & 0x0f) !== type) throw corrupt(loc, `kind byte ${kind} does not match footer type ${type}`);
  const repr = kind >> 4;
  let used: number;
  try {
    used = 1 + decodeTimestamps(buf.subarray(1, body), count, out.reserveOffsets(count));
    used += decodeValues(type, repr, buf.subarray(used, body), count, out);
  } catch (err) {
    // A codec failure on bytes whose crc matched is still bad bytes on disk as far as callers can act on it;
    // only other TsdbErrors (an InternalError from a bug) pass through unchanged.
    if (isTsdbError(err) && err.category !== "corrupt") throw err;
    throw corrupt(loc, "undecodable block", err);
  }
  if (used !== body) throw corrupt(loc, `decoded ${used} of ${body} payload bytes`);
  out.count = count;
  out.type = type;
}

function decodeValues(type: FieldType, repr: number, src: Uint8Array, count: number, out: DecodedBlock): number {
  switch (repr) {
    case Repr.Float64: {
      const v = out.useFloat64(count);
      if (type === FieldType.Float) return decodeFloats(src, count, v);
      if (type === FieldType.Bool) return decodeBools(src, count, v);
      if (type === FieldType.Int || type === FieldType.Uint) return decodeInts(src, count, v);
      break;
    }
    case Repr.BigInt64:
      if (type === FieldType.Int || type === FieldType.Uint) return decodeBigInts(src, count, out.useBigInt64(count));
      break;
    case Repr.BigUint64:
      if (type === FieldType.Int || type === FieldType.Uint) return decodeBigInts(src, count, out.useBigUint64(count));
      break;
    case Repr.Strings:
      if (type === FieldType.String) return decodeStrings(src, count, out.useStrings(count));
      break;
  }
  throw new CorruptError(SEGMENT_CORRUPT, `bad value representation ${repr} for type ${type}`, "", -1);
}
