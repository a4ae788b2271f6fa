// Column codec for int/uint blocks holding values beyond ±2^53 (the rare exact path): bytes are copied, never
// converted to BigInt per value. Grammar (docs/format/codecs.md "BigInts"), n = count:
//
// | id   | name     | body after the id byte                                  |
// |------|----------|----------------------------------------------------------|
// | 0x40 | BigConst | 8 bytes little-endian: every value                       |
// | 0x41 | BigRaw   | 8·n bytes little-endian (two's complement for int64)     |
import { assert } from "../../base/index.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { EncodingId } from "./encoding-id.ts";

function wordsOf(a: BigInt64Array | BigUint64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

/**
 * Appends a bigint block for `values[start, end)` to `out` (BigConst when all equal, else BigRaw), 1-byte id
 * first. The same bytes serve BigInt64Array and BigUint64Array; the decoder's `out` type picks the reading.
 */
export function encodeBigInts(
  values: BigInt64Array | BigUint64Array,
  start: number,
  end: number,
  out: ByteWriter,
): void {
  const n = Math.max(0, end - start);
  const words = wordsOf(values);
  let constant = n > 0;
  for (let i = start + 1; i < end && constant; i++) {
    if (words[2 * i] !== words[2 * start] || words[2 * i + 1] !== words[2 * start + 1]) constant = false;
  }
  const bytes = new Uint8Array(values.buffer, values.byteOffset + 8 * start, constant ? 8 : 8 * n);
  out.u8(constant ? EncodingId.BigConst : EncodingId.BigRaw);
  out.append(bytes);
}

/**
 * Decodes a bigint block of `count` values from `src` (any byteOffset) into `out[0, count)`; returns the bytes
 * consumed. Throws CorruptError (STORAGE_CORRUPT_BLOCK, offset within `src`) on malformed bytes.
 */
export function decodeBigInts(src: Uint8Array, count: number, out: BigInt64Array | BigUint64Array): number {
  assert(out.length >= count, "decodeBigInts output too short");
  if (src.length < 1) throw corruptBlock("truncated bigint encoding id", 0);
  const id = src[0];
  const dst = new Uint8Array(out.buffer, out.byteOffset, 8 * count);
  if (id === EncodingId.BigConst) {
    if (src.length < 9) throw corruptBlock("truncated bigint constant", 1);
    const value = src.subarray(1, 9);
    for (let i = 0; i < count; i++) dst.set(value, 8 * i);
    return 9;
  }
  if (id === EncodingId.BigRaw) {
    if (src.length - 1 < 8 * count) throw corruptBlock("truncated raw bigints", 1);
    dst.set(src.subarray(1, 1 + 8 * count));
    return 1 + 8 * count;
  }
  throw corruptBlock(`unknown bigint encoding id 0x${id.toString(16)}`, 0);
}
