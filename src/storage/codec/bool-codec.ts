// Column codec for bool fields stored as 0/1 in a Float64Array. Grammar (docs/format/codecs.md "Bools"):
//
// | id   | name       | body after the id byte                                                   |
// |------|------------|---------------------------------------------------------------------------|
// | 0x50 | BoolConst  | u8 0 or 1: every value                                                    |
// | 0x51 | BoolBitmap | ceil(n/8) bytes; value i is bit (i % 8) of byte i / 8; padding bits zero  |
import { assert } from "../../base/index.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { EncodingId } from "./encoding-id.ts";

/**
 * Appends a bool block for `values[start, end)` (each 0 or 1, else InternalError) to `out`: BoolConst when all
 * equal, else BoolBitmap, 1-byte id first.
 */
export function encodeBools(values: Float64Array, start: number, end: number, out: ByteWriter): void {
  const n = Math.max(0, end - start);
  const first = n > 0 ? values[start] : 0;
  let constant = n > 0;
  let valid = true;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) valid = false;
    if (v !== first) constant = false;
  }
  assert(valid, "encodeBools needs 0 or 1");
  if (constant) {
    out.u8(EncodingId.BoolConst);
    out.u8(first);
    return;
  }
  out.u8(EncodingId.BoolBitmap);
  const byteLength = (n + 7) >>> 3;
  out.ensure(byteLength);
  const buf = out.buf;
  const p = out.pos;
  buf.fill(0, p, p + byteLength);
  for (let i = 0; i < n; i++) buf[p + (i >>> 3)] |= values[start + i] << (i & 7);
  out.pos = p + byteLength;
}

/**
 * Decodes a bool block of `count` values from `src` (any byteOffset) into `out[0, count)` as 0/1; returns the
 * bytes consumed. Throws CorruptError (STORAGE_CORRUPT_BLOCK, offset within `src`) on malformed bytes.
 */
export function decodeBools(src: Uint8Array, count: number, out: Float64Array): number {
  assert(out.length >= count, "decodeBools output too short");
  if (src.length < 1) throw corruptBlock("truncated bool encoding id", 0);
  const id = src[0];
  if (id === EncodingId.BoolConst) {
    if (src.length < 2) throw corruptBlock("truncated bool constant", 1);
    const v = src[1];
    if (v > 1) throw corruptBlock(`bool constant ${v} is not 0 or 1`, 1);
    out.fill(v, 0, count);
    return 2;
  }
  if (id === EncodingId.BoolBitmap) {
    const byteLength = (count + 7) >>> 3;
    if (src.length - 1 < byteLength) throw corruptBlock("truncated bool bitmap", 1);
    for (let i = 0; i < count; i++) out[i] = (src[1 + (i >>> 3)] >>> (i & 7)) & 1;
    return 1 + byteLength;
  }
  throw corruptBlock(`unknown bool encoding id 0x${id.toString(16)}`, 0);
}
