// Column codec for signed safe integers in a Float64Array (int/uint fields, and the scaled decimal floats).
// Knows nothing of segments or files. Grammar (docs/format/codecs.md "Ints"), n = count, zz = zigzag varint:
//
// | id   | name            | body after the id byte                                                     |
// |------|-----------------|-----------------------------------------------------------------------------|
// | 0x30 | IntConst        | zz(v0)                                                                       |
// | 0x31 | IntRaw          | zz(v0) zz(v1) … zz(v[n-1])                                                   |
// | 0x32 | IntDeltaPacked  | zz(v0), then miniblocks (miniblock-pack.ts) of d[i] = v[i] − v[i−1], i ≥ 1   |
// | 0x33 | IntDeltaDeflate | zz(v0), uvarint L, L bytes raw DEFLATE of zz(d[1]) … zz(d[n-1])              |
import { assert, uvarintSize } from "../../base/index.ts";
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { deflateBytes, inflateBytes } from "./deflate-stage.ts";
import { EncodingId } from "./encoding-id.ts";
import { miniblockCost, readMiniblocks, writeMiniblocks } from "./miniblock-pack.ts";
import { putZigzag, zigzagSize } from "./zigzag-varint.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Packed blocks smaller than this are not worth a deflate attempt (its header alone is ~10–20 bytes). */
const DEFLATE_MIN_PACKED_BYTES = 48;
/**
 * Deflate is tried only when deltas pack into ≤ 10 bits on average. Wider deltas take multi-byte varints whose
 * bytes Huffman codes separately; in codec.bench.ts that never beat packing ("int counter", "int random") and
 * the attempt tripled encode time, while 8–10-bit gauges ("float gauge 2 decimals") still gain ~12%.
 */
const DEFLATE_MAX_PACKED_BITS = 10;
/** Longest zigzag varint of a delta below 2^54. */
const MAX_DELTA_VARINT_BYTES = 8;

let deltaScratch = new Float64Array(1024);
const varintScratch = new ByteWriter(1024);

function deltasOf(values: Float64Array, start: number, end: number): Float64Array | null {
  const n = end - start;
  if (deltaScratch.length < n) deltaScratch = new Float64Array(Math.max(n, deltaScratch.length * 2));
  const d = deltaScratch;
  for (let i = start + 1; i < end; i++) {
    const delta = values[i] - values[i - 1]; // exact below 2^53; rounds to ≥ 2^53 otherwise
    if (delta > MAX_SAFE || delta < -MAX_SAFE) return null;
    d[i - start - 1] = delta;
  }
  return d;
}

/** zigzagSize, copied so V8 can inline it into the scan loop (see the note in encodeInts). */
function localZigzagSize(v: number): number {
  let r = v < 0 ? -v - 1 : v;
  let size = 1;
  while (r >= 64) {
    r = Math.floor(r / 128);
    size++;
  }
  return size;
}

/** putZigzag with an inlinable one-byte fast path (see the note in encodeInts). */
function putSmallZigzag(out: ByteWriter, v: number): void {
  if (v < 64 && v >= -64) out.u8(v < 0 ? -2 * v - 1 : 2 * v);
  else putZigzag(out, v);
}

/**
 * Appends an int block holding `values[start, end)` to `out`: picks the smallest of IntConst, IntRaw,
 * IntDeltaPacked and IntDeltaDeflate and writes its 1-byte id first. Values must be safe integers (−0 is stored
 * as 0); anything else throws InternalError. Synchronous; uses module scratch, so not re-entrant across threads.
 */
export function encodeInts(values: Float64Array, start: number, end: number, out: ByteWriter): void {
  const n = end - start;
  if (n <= 0) {
    out.u8(EncodingId.IntConst);
    putZigzag(out, 0);
    return;
  }
  const first = values[start];
  let constant = true;
  let safe = true;
  let rawBytes = 0;
  // Per-point loops call no imported function: under tsx each such call costs ~13 ns (codec.bench.ts).
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (!(v === Math.trunc(v) && v <= MAX_SAFE && v >= -MAX_SAFE)) safe = false;
    if (v !== first) constant = false;
    rawBytes += localZigzagSize(v);
  }
  assert(safe, "encodeInts needs safe integers");
  if (constant) {
    out.u8(EncodingId.IntConst);
    putZigzag(out, first);
    return;
  }
  const deltas = deltasOf(values, start, end);
  const packedBytes = deltas === null ? -1 : miniblockCost(deltas, 0, n - 1);
  const headBytes = zigzagSize(first);
  if (deltas === null || packedBytes < 0 || headBytes + packedBytes >= rawBytes) {
    out.u8(EncodingId.IntRaw);
    for (let i = start; i < end; i++) putSmallZigzag(out, values[i]);
    return;
  }
  if (packedBytes >= DEFLATE_MIN_PACKED_BYTES && packedBytes * 8 <= DEFLATE_MAX_PACKED_BITS * (n - 1)) {
    const vs = varintScratch;
    vs.reset();
    for (let i = 0; i < n - 1; i++) putSmallZigzag(vs, deltas[i]);
    const z = deflateBytes(vs.bytes(), false);
    if (uvarintSize(z.length) + z.length < packedBytes) {
      out.u8(EncodingId.IntDeltaDeflate);
      putZigzag(out, first);
      out.uvarint(z.length);
      out.append(z);
      return;
    }
  }
  out.u8(EncodingId.IntDeltaPacked);
  putZigzag(out, first);
  writeMiniblocks(deltas, 0, n - 1, out);
}

/**
 * Decodes an int block of `count` values from `src` (any byteOffset) into `out[0, count)`; returns the bytes
 * consumed. Throws CorruptError (STORAGE_CORRUPT_BLOCK, offset within `src`) on malformed or truncated bytes.
 */
export function decodeInts(src: Uint8Array, count: number, out: Float64Array): number {
  assert(out.length >= count, "decodeInts output too short");
  const r = new ByteReader(src, 0);
  readIntBlock(r, count, out);
  return r.pos;
}

/** Reads an int block at `r.pos` into `out[0, count)`, advancing `r`. Used by decodeInts and the float codec. */
export function readIntBlock(r: ByteReader, count: number, out: Float64Array): void {
  const idPos = r.pos;
  const id = r.u8("int encoding id");
  switch (id) {
    case EncodingId.IntConst: {
      const v = r.zigzag("int constant");
      for (let i = 0; i < count; i++) out[i] = v;
      return;
    }
    case EncodingId.IntRaw:
      for (let i = 0; i < count; i++) out[i] = r.zigzag("raw int");
      return;
    case EncodingId.IntDeltaPacked: {
      const first = r.zigzag("first int");
      if (count === 0) return;
      out[0] = first;
      readMiniblocks(r, count - 1, out, 1);
      for (let i = 1; i < count; i++) out[i] = out[i] + out[i - 1];
      return;
    }
    case EncodingId.IntDeltaDeflate: {
      const first = r.zigzag("first int");
      const byteLength = r.uvarint("deflated int length");
      const streamPos = r.pos;
      const stream = inflateBytes(r, byteLength, count * MAX_DELTA_VARINT_BYTES, "int deltas");
      if (count === 0) return;
      out[0] = first;
      readDeltaVarints(stream, count, out, streamPos);
      return;
    }
    default:
      throw corruptBlock(`unknown int encoding id 0x${id.toString(16)}`, idPos);
  }
}

/** Parses count − 1 zigzag deltas from an inflated stream, which must end exactly after them. */
function readDeltaVarints(stream: Uint8Array, count: number, out: Float64Array, streamPos: number): void {
  let prev = out[0];
  let p = 0;
  const n = stream.length;
  for (let i = 1; i < count; i++) {
    const b = p < n ? stream[p] : 0x80;
    if (b < 0x80) {
      // A one-byte zigzag (nearly every delta): decoded inline, which matters most before the JIT optimizes.
      p++;
      prev += (b & 1) === 1 ? -(b >>> 1) - 1 : b >>> 1;
    } else {
      p = readLongZigzag(stream, p, streamPos, ZIGZAG_SCRATCH);
      prev += ZIGZAG_SCRATCH[0];
    }
    out[i] = prev;
  }
  if (p !== n) throw corruptBlock("trailing bytes in int delta stream", streamPos);
}

const ZIGZAG_SCRATCH = new Float64Array(1);

/** Reads the zigzag varint at `p` into `value[0]`; returns the offset after it. Throws CorruptError when malformed. */
function readLongZigzag(stream: Uint8Array, p: number, streamPos: number, value: Float64Array): number {
  const sr = new ByteReader(stream, p);
  try {
    value[0] = sr.zigzag("int delta");
  } catch (err) {
    throw corruptBlock("bad int delta stream", streamPos, err);
  }
  return sr.pos;
}
