// Column codec for float fields: every double round-trips bit for bit (NaN payloads, −0, ±Infinity, subnormals).
// Knows nothing of segments or files. Grammar (docs/format/codecs.md "Floats"), n = count:
//
// | id   | name         | body after the id byte                                                        |
// |------|--------------|--------------------------------------------------------------------------------|
// | 0x20 | FloatConst   | 8 bytes: the bit pattern of every value, little-endian                          |
// | 0x21 | FloatRaw     | 8·n bytes, little-endian                                                        |
// | 0x22 | FloatGorilla | Gorilla XOR bit stream (gorilla-xor.ts), zero-padded to a byte                  |
// | 0x23 | FloatDecimal | u8 k (0..6), then an int block (int-codec.ts) of m[i]; v[i] = m[i] / 10^k       |
import { assert } from "../../base/index.ts";
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { EncodingId } from "./encoding-id.ts";
import { readGorilla, writeGorilla } from "./gorilla-xor.ts";
import { encodeInts, readIntBlock } from "./int-codec.ts";

/** Most decimal places the decimal encoding tries; more rarely pays off over Gorilla. */
const MAX_DECIMALS = 6;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

let scaledScratch = new Float64Array(1024);
const gorillaScratch = new ByteWriter(1024);

function wordsOf(a: Float64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** Smallest k whose scaled integers reproduce every value exactly, or -1; fills `scaled[0, end − start)`. */
function decimalScale(values: Float64Array, start: number, end: number, scaled: Float64Array): number {
  let k = 0;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (v === 0 && 1 / v < 0) return -1; // −0 would come back as +0
    for (;;) {
      const m = Math.round(v * POW10[k]);
      if (m / POW10[k] === v && m <= MAX_SAFE && m >= -MAX_SAFE) break;
      if (++k > MAX_DECIMALS) return -1;
    }
  }
  const p = POW10[k];
  for (let i = start; i < end; i++) {
    const v = values[i];
    const m = Math.round(v * p);
    if (m / p !== v) return -1; // a value exact at a smaller k that is not exact at k
    scaled[i - start] = m === 0 ? 0 : m;
  }
  return k;
}

/**
 * Appends a float block for `values[start, end)` to `out`: FloatConst when all bit patterns are equal, else the
 * smallest of FloatDecimal, FloatGorilla and FloatRaw, with its 1-byte id first. Synchronous; uses module scratch.
 */
export function encodeFloats(values: Float64Array, start: number, end: number, out: ByteWriter): void {
  const n = end - start;
  const words = wordsOf(values);
  if (n <= 0) {
    out.u8(EncodingId.FloatRaw);
    return;
  }
  const lo = words[2 * start];
  const hi = words[2 * start + 1];
  let constant = true;
  for (let i = start + 1; i < end && constant; i++) {
    if (words[2 * i] !== lo || words[2 * i + 1] !== hi) constant = false;
  }
  if (constant) {
    out.u8(EncodingId.FloatConst);
    out.u32(lo);
    out.u32(hi);
    return;
  }
  const p0 = out.pos;
  let best = 1 + 8 * n; // FloatRaw
  let decimalKept = false;
  if (scaledScratch.length < n) scaledScratch = new Float64Array(Math.max(n, scaledScratch.length * 2));
  const k = decimalScale(values, start, end, scaledScratch);
  if (k >= 0) {
    out.u8(EncodingId.FloatDecimal);
    out.u8(k);
    encodeInts(scaledScratch, 0, n, out);
    if (out.pos - p0 < best) {
      best = out.pos - p0;
      decimalKept = true;
    } else {
      out.pos = p0;
    }
  }
  const g = decimalKept ? gorillaScratch : out;
  if (decimalKept) g.reset();
  const g0 = g.pos;
  g.u8(EncodingId.FloatGorilla);
  if (writeGorilla(words, start, end, g, best - 2) && g.pos - g0 < best) {
    if (decimalKept) {
      out.pos = p0;
      out.append(g.bytes());
    }
    return;
  }
  if (decimalKept) return;
  out.pos = p0;
  out.u8(EncodingId.FloatRaw);
  out.append(new Uint8Array(values.buffer, values.byteOffset + 8 * start, 8 * n));
}

/**
 * Decodes a float block of `count` values from `src` (any byteOffset) into `out[0, count)`, bit-exact; returns
 * the bytes consumed. Throws CorruptError (STORAGE_CORRUPT_BLOCK, offset within `src`) on malformed bytes.
 */
export function decodeFloats(src: Uint8Array, count: number, out: Float64Array): number {
  assert(out.length >= count, "decodeFloats output too short");
  const r = new ByteReader(src, 0);
  const id = r.u8("float encoding id");
  switch (id) {
    case EncodingId.FloatConst: {
      r.need(8, "float constant");
      const words = wordsOf(out);
      const s = r.src;
      const p = r.pos;
      const lo = (s[p] | (s[p + 1] << 8) | (s[p + 2] << 16) | (s[p + 3] << 24)) >>> 0;
      const hi = (s[p + 4] | (s[p + 5] << 8) | (s[p + 6] << 16) | (s[p + 7] << 24)) >>> 0;
      for (let i = 0; i < count; i++) {
        words[2 * i] = lo;
        words[2 * i + 1] = hi;
      }
      r.pos = p + 8;
      break;
    }
    case EncodingId.FloatRaw:
      r.need(8 * count, "raw floats");
      new Uint8Array(out.buffer, out.byteOffset, 8 * count).set(src.subarray(r.pos, r.pos + 8 * count));
      r.pos += 8 * count;
      break;
    case EncodingId.FloatGorilla:
      readGorilla(r, count, wordsOf(out));
      break;
    case EncodingId.FloatDecimal: {
      const kPos = r.pos;
      const k = r.u8("decimal scale");
      if (k > MAX_DECIMALS) throw corruptBlock(`decimal scale ${k} over ${MAX_DECIMALS}`, kPos);
      readIntBlock(r, count, out);
      const p = POW10[k];
      for (let i = 0; i < count; i++) out[i] = out[i] / p;
      break;
    }
    default:
      throw corruptBlock(`unknown float encoding id 0x${id.toString(16)}`, 0);
  }
  return r.pos;
}
