// Column codec for a block's timestamps, given as strictly increasing nanosecond offsets from the partition start.
// Knows nothing of partitions or files. Grammar (docs/format/codecs.md "Timestamps"); uv = uvarint, n = count,
// d[i] = t[i] − t[i−1] (i ≥ 1), g = gcd of all d (the "scale"):
//
// | id   | name          | body after the id byte                                                        |
// |------|---------------|--------------------------------------------------------------------------------|
// | 0x10 | TsConstDelta  | uv(t0) uv(d) — t[i] = t0 + i·d                                                  |
// | 0x11 | TsDeltaRaw    | uv(t0) uv(d[1]) … uv(d[n-1])                                                    |
// | 0x12 | TsDeltaPacked | uv(t0) uv(g), miniblocks of d[i]/g for i = 1 … n−1                              |
// | 0x13 | TsDodPacked   | uv(t0) uv(g) uv(d[1]/g), miniblocks of (d[i] − d[i−1])/g for i = 2 … n−1        |
import { assert, uvarintSize } from "../../base/index.ts";
import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { EncodingId } from "./encoding-id.ts";
import { miniblockCost, readMiniblocks, writeMiniblocks } from "./miniblock-pack.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

let deltaScratch = new Float64Array(1024);
let dodScratch = new Float64Array(1024);

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** uvarintSize, copied so V8 can inline it into the scan loop. */
function localUvarintSize(v: number): number {
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    size++;
  }
  return size;
}

/**
 * Appends a timestamp block for `offsets[start, end)` to `out`, choosing the smallest of the four encodings and
 * writing its 1-byte id first. Offsets are nanoseconds, non-negative integers below 2^53, strictly increasing;
 * anything else throws InternalError. Synchronous; uses module scratch buffers.
 */
export function encodeTimestamps(offsets: Float64Array, start: number, end: number, out: ByteWriter): void {
  const n = end - start;
  const first = n > 0 ? offsets[start] : 0;
  assert(first >= 0 && first <= MAX_SAFE && first === Math.trunc(first), "timestamp offsets must be safe integers");
  if (n <= 1) return writeConstDelta(out, first, 0);
  if (deltaScratch.length < n) {
    deltaScratch = new Float64Array(Math.max(n, deltaScratch.length * 2));
    dodScratch = new Float64Array(deltaScratch.length);
  }
  const d = deltaScratch;
  const d0 = offsets[start + 1] - first;
  let constant = true;
  let rawBytes = 1 + uvarintSize(first);
  let scale = 0;
  let valid = true;
  // No imported calls per point: under tsx each costs ~13 ns (codec.bench.ts "ts regular").
  for (let i = start + 1; i < end; i++) {
    const t = offsets[i];
    const delta = t - offsets[i - 1];
    if (!(delta > 0 && t <= MAX_SAFE && t === Math.trunc(t))) valid = false;
    if (delta !== d0) constant = false;
    rawBytes += localUvarintSize(delta);
    if (scale !== 1 && scale !== delta) scale = gcd(delta, scale);
    d[i - start - 1] = delta;
  }
  assert(valid, "timestamp offsets must increase as safe integers");
  if (constant) return writeConstDelta(out, first, d0);
  const m = n - 1;
  const dod = dodScratch;
  for (let i = 0; i < m; i++) d[i] = d[i] / scale;
  for (let i = 1; i < m; i++) dod[i - 1] = d[i] - d[i - 1];
  const head = 1 + uvarintSize(first) + uvarintSize(scale);
  const deltaPacked = miniblockCost(d, 0, m);
  const dodPacked = miniblockCost(dod, 0, m - 1);
  const deltaBytes = deltaPacked < 0 ? Infinity : head + deltaPacked;
  const dodBytes = dodPacked < 0 ? Infinity : head + uvarintSize(d[0]) + dodPacked;
  if (rawBytes <= deltaBytes && rawBytes <= dodBytes) {
    out.u8(EncodingId.TsDeltaRaw);
    out.uvarint(first);
    for (let i = start + 1; i < end; i++) out.uvarint(offsets[i] - offsets[i - 1]);
  } else if (deltaBytes <= dodBytes) {
    out.u8(EncodingId.TsDeltaPacked);
    out.uvarint(first);
    out.uvarint(scale);
    writeMiniblocks(d, 0, m, out);
  } else {
    out.u8(EncodingId.TsDodPacked);
    out.uvarint(first);
    out.uvarint(scale);
    out.uvarint(d[0]);
    writeMiniblocks(dod, 0, m - 1, out);
  }
}

function writeConstDelta(out: ByteWriter, first: number, delta: number): void {
  out.u8(EncodingId.TsConstDelta);
  out.uvarint(first);
  out.uvarint(delta);
}

/**
 * Decodes a timestamp block of `count` offsets from `src` (any byteOffset) into `out[0, count)`; returns the
 * bytes consumed. Throws CorruptError (STORAGE_CORRUPT_BLOCK, offset within `src`) on malformed bytes. Does not
 * re-check that the decoded offsets increase; block checksums guard against silent damage.
 */
export function decodeTimestamps(src: Uint8Array, count: number, out: Float64Array): number {
  assert(out.length >= count, "decodeTimestamps output too short");
  const r = new ByteReader(src, 0);
  const id = r.u8("timestamp encoding id");
  const first = r.uvarint("first timestamp");
  if (count > 0) out[0] = first;
  switch (id) {
    case EncodingId.TsConstDelta: {
      const delta = r.uvarint("timestamp delta");
      for (let i = 1; i < count; i++) out[i] = first + i * delta;
      break;
    }
    case EncodingId.TsDeltaRaw:
      for (let i = 1; i < count; i++) out[i] = out[i - 1] + r.uvarint("timestamp delta");
      break;
    case EncodingId.TsDeltaPacked: {
      const scale = r.uvarint("timestamp scale");
      if (count < 2) break;
      readMiniblocks(r, count - 1, out, 1);
      for (let i = 1; i < count; i++) out[i] = out[i - 1] + out[i] * scale;
      break;
    }
    case EncodingId.TsDodPacked: {
      const scale = r.uvarint("timestamp scale");
      let delta = r.uvarint("first timestamp delta");
      if (count < 2) break;
      out[1] = first + delta * scale;
      if (count < 3) break;
      readMiniblocks(r, count - 2, out, 2);
      for (let i = 2; i < count; i++) {
        delta += out[i];
        out[i] = out[i - 1] + delta * scale;
      }
      break;
    }
    default:
      throw corruptBlock(`unknown timestamp encoding id 0x${id.toString(16)}`, 0);
  }
  return r.pos;
}
