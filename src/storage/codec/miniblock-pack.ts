// Frame-of-reference bit packing of signed safe integers in 128-value miniblocks (docs/format/codecs.md
// "Miniblocks"), shared by the int, timestamp and decimal-float codecs. Knows nothing of what the integers mean.
//
// | field  | size                | meaning                                                   |
// |--------|---------------------|-----------------------------------------------------------|
// | width  | u8, 0..53           | bits per packed value in this miniblock                   |
// | min    | zigzag varint       | smallest value of the miniblock (frame of reference)      |
// | values | ceil(n*width/8) B   | n values (v - min), LSB-first, last byte zero-padded      |
// n = 128, except the last miniblock holds the remainder. Width 0 means all n values equal min.
import type { ByteWriter } from "./byte-writer.ts";
import { BitReader } from "./bit-reader.ts";
import { BitWriter } from "./bit-writer.ts";
import type { ByteReader } from "./byte-reader.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { putZigzag, zigzagSize } from "./zigzag-varint.ts";

/** Values per miniblock: big enough to amortise the 2-byte header, small enough to adapt to outliers. */
const MINIBLOCK_VALUES = 128;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_WIDTH = 53;
const TWO_32 = 0x100000000;

/** Bits needed for the non-negative safe integer `range` (0 for 0). */
export function bitWidth(range: number): number {
  if (range < TWO_32) return 32 - Math.clz32(range);
  return 64 - Math.clz32(Math.floor(range / TWO_32));
}

/**
 * Bytes `writeMiniblocks` would emit for `vals[start, end)`, or -1 when some miniblock's range max − min exceeds
 * 2^53 − 1 (not exactly representable). Values must be safe integers.
 */
export function miniblockCost(vals: Float64Array, start: number, end: number): number {
  let cost = 0;
  for (let m = start; m < end; m += MINIBLOCK_VALUES) {
    const stop = Math.min(end, m + MINIBLOCK_VALUES);
    let min = vals[m];
    let max = min;
    for (let i = m + 1; i < stop; i++) {
      const v = vals[i];
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    const range = max - min; // rounds up past 2^53 when inexact, so the check below is exact
    if (range > MAX_SAFE) return -1;
    cost += 1 + zigzagSize(min) + Math.ceil(((stop - m) * bitWidth(range)) / 8);
  }
  return cost;
}

/** Appends `vals[start, end)` as miniblocks. Precondition: miniblockCost(...) ≥ 0. */
export function writeMiniblocks(vals: Float64Array, start: number, end: number, out: ByteWriter): void {
  const bw = new BitWriter(out);
  for (let m = start; m < end; m += MINIBLOCK_VALUES) {
    const stop = Math.min(end, m + MINIBLOCK_VALUES);
    let min = vals[m];
    let max = min;
    for (let i = m + 1; i < stop; i++) {
      const v = vals[i];
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    const width = bitWidth(max - min);
    out.u8(width);
    putZigzag(out, min);
    out.ensure(Math.ceil(((stop - m) * width) / 8));
    bw.reset(out);
    if (width === 0) continue;
    if (width <= 24) {
      for (let i = m; i < stop; i++) bw.put(vals[i] - min, width);
    } else {
      for (let i = m; i < stop; i++) bw.putWide(vals[i] - min, width);
    }
    bw.flush();
  }
}

/**
 * Reads `count` values written by writeMiniblocks from `r` into `out[outStart, outStart + count)`, advancing `r`.
 * Throws CorruptError on a bad width or truncated data.
 */
export function readMiniblocks(r: ByteReader, count: number, out: Float64Array, outStart: number): void {
  const src = r.src;
  const outEnd = outStart + count;
  for (let m = outStart; m < outEnd; m += MINIBLOCK_VALUES) {
    const stop = Math.min(outEnd, m + MINIBLOCK_VALUES);
    const widthPos = r.pos;
    const width = r.u8("miniblock width");
    if (width > MAX_WIDTH) throw corruptBlock(`miniblock width ${width} over ${MAX_WIDTH}`, widthPos);
    const min = r.zigzag("miniblock min");
    const byteLength = Math.ceil(((stop - m) * width) / 8);
    r.need(byteLength, "miniblock values");
    let p = r.pos;
    if (width === 0) {
      for (let i = m; i < stop; i++) out[i] = min;
    } else if (width <= 24) {
      // Hot loop (codec.bench.ts "int walk"): bounds were checked above, so read bytes unchecked.
      const mask = (1 << width) - 1;
      let acc = 0;
      let bits = 0;
      for (let i = m; i < stop; i++) {
        while (bits < width) {
          acc |= src[p++] << bits;
          bits += 8;
        }
        out[i] = min + (acc & mask);
        acc >>>= width;
        bits -= width;
      }
    } else {
      const br = new BitReader(src, p, p + byteLength, "miniblock values");
      for (let i = m; i < stop; i++) out[i] = min + br.getWide(width);
    }
    p = r.pos + byteLength;
    r.pos = p;
  }
}
