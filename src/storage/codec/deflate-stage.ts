// Optional second compression stage (raw DEFLATE via node:zlib) that codecs keep only when it is smaller.
import * as zlib from "node:zlib";
import type { ByteReader } from "./byte-reader.ts";
import { corruptBlock } from "./corrupt-block.ts";

// Huffman-only for int deltas: on the TSBS walk (8191 zigzag deltas, one byte each) it gives 2.20 bits/value
// against 2.94 for level 1 and 2.69 for level 6 with LZ77, whose matches on noise cost more than they save.
// String bodies repeat substrings, so they keep LZ77 matching at level 1.
const DEFLATE_OPTIONS: zlib.ZlibOptions = { level: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY };
const DEFLATE_OPTIONS_LZ: zlib.ZlibOptions = { level: 1 };

/** Raw-deflates `src` (Huffman only, or with LZ77 matching when `matchRepeats`). Returns a new buffer. */
export function deflateBytes(src: Uint8Array, matchRepeats: boolean): Uint8Array {
  return zlib.deflateRawSync(src, matchRepeats ? DEFLATE_OPTIONS_LZ : DEFLATE_OPTIONS);
}

/**
 * Inflates the `byteLength` bytes at `r.pos`, advancing `r`, and returns a new buffer of at most `maxBytes`.
 * Throws CorruptError when the bytes are truncated, are not valid DEFLATE, or inflate past `maxBytes`.
 */
export function inflateBytes(r: ByteReader, byteLength: number, maxBytes: number, what: string): Uint8Array {
  r.need(byteLength, what);
  const start = r.pos;
  let result: Uint8Array;
  try {
    result = zlib.inflateRawSync(r.src.subarray(start, start + byteLength), { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    throw corruptBlock(`bad deflate stream in ${what}`, start, err);
  }
  r.pos = start + byteLength;
  return result;
}
