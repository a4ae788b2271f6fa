// Column codec for string fields (UTF-8 on disk). Grammar (docs/format/codecs.md "Strings"), n = count, uv = uvarint:
//
// | id   | name            | body after the id byte                                                      |
// |------|-----------------|------------------------------------------------------------------------------|
// | 0x60 | StrPlain        | per value: uv(byte length) then the UTF-8 bytes                              |
// | 0x61 | StrPlainDeflate | uv(body length) uv(L), L bytes raw DEFLATE of a StrPlain body                |
// | 0x62 | StrDict         | uv(D), D × (uv(byte length), UTF-8 bytes), then n indexes < D packed LSB-first |
// |      |                 | at w = bits(D − 1) bits each (w = 0 when D = 1), zero-padded to a byte        |
// Strings with lone surrogates are stored with U+FFFD in their place (UTF-8 cannot hold them).
import { assert, uvarintSize } from "../../base/index.ts";
import { BitReader } from "./bit-reader.ts";
import { BitWriter } from "./bit-writer.ts";
import { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";
import { deflateBytes, inflateBytes } from "./deflate-stage.ts";
import { EncodingId } from "./encoding-id.ts";
import { bitWidth } from "./miniblock-pack.ts";

const ENCODER = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF as data instead of stripping it.
const DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Plain bodies smaller than this are not worth a deflate attempt. */
const DEFLATE_MIN_BYTES = 64;

let indexScratch = new Uint32Array(1024);

function putString(out: ByteWriter, s: string, byteLength: number): void {
  out.uvarint(byteLength);
  out.ensure(byteLength);
  ENCODER.encodeInto(s, out.buf.subarray(out.pos, out.pos + byteLength));
  out.pos += byteLength;
}

/**
 * Appends a string block for `values[start, end)` to `out`: StrDict when few distinct values make it smaller,
 * else StrPlain, or StrPlainDeflate when deflate shrinks the plain body; 1-byte id first.
 */
export function encodeStrings(values: string[], start: number, end: number, out: ByteWriter): void {
  const n = Math.max(0, end - start);
  if (indexScratch.length < n) indexScratch = new Uint32Array(Math.max(n, indexScratch.length * 2));
  const indexes = indexScratch;
  const dict = new Map<string, number>();
  const entries: string[] = [];
  const maxDict = Math.max(1, n >>> 1);
  let useDict = n > 0;
  let plainBytes = 0;
  let dictBytes = 0;
  for (let i = 0; i < n; i++) {
    const s = values[start + i];
    const len = Buffer.byteLength(s, "utf8");
    plainBytes += uvarintSize(len) + len;
    if (!useDict) continue;
    let idx = dict.get(s);
    if (idx === undefined) {
      idx = dict.size;
      if (idx >= maxDict) useDict = false;
      dict.set(s, idx);
      entries.push(s);
      dictBytes += uvarintSize(len) + len;
    }
    indexes[i] = idx;
  }
  const width = bitWidth(Math.max(0, dict.size - 1));
  if (useDict && uvarintSize(dict.size) + dictBytes + Math.ceil((n * width) / 8) < plainBytes) {
    out.u8(EncodingId.StrDict);
    out.uvarint(dict.size);
    for (let e = 0; e < entries.length; e++) putString(out, entries[e], Buffer.byteLength(entries[e], "utf8"));
    const bw = new BitWriter(out);
    if (width > 0) for (let i = 0; i < n; i++) bw.putWide(indexes[i], width);
    bw.flush();
    return;
  }
  const p0 = out.pos;
  out.u8(EncodingId.StrPlain);
  const bodyStart = out.pos;
  for (let i = 0; i < n; i++) {
    const s = values[start + i];
    putString(out, s, Buffer.byteLength(s, "utf8"));
  }
  if (plainBytes < DEFLATE_MIN_BYTES) return;
  const z = deflateBytes(out.buf.subarray(bodyStart, out.pos), true);
  if (uvarintSize(plainBytes) + uvarintSize(z.length) + z.length >= plainBytes) return;
  out.pos = p0;
  out.u8(EncodingId.StrPlainDeflate);
  out.uvarint(plainBytes);
  out.uvarint(z.length);
  out.append(z);
}

/**
 * Decodes a string block of `count` values from `src` (any byteOffset) into `out[0, count)`; returns the bytes
 * consumed. Throws CorruptError (STORAGE_CORRUPT_BLOCK, offset within `src`) on malformed bytes or invalid UTF-8.
 */
export function decodeStrings(src: Uint8Array, count: number, out: string[]): number {
  assert(out.length >= count, "decodeStrings output too short");
  const r = new ByteReader(src, 0);
  const id = r.u8("string encoding id");
  switch (id) {
    case EncodingId.StrPlain:
      readPlain(r, count, out, 0);
      return r.pos;
    case EncodingId.StrPlainDeflate: {
      const bodyLength = r.uvarint("string body length");
      const zLength = r.uvarint("deflated string length");
      const zPos = r.pos;
      const body = inflateBytes(r, zLength, bodyLength, "string body");
      if (body.length !== bodyLength) throw corruptBlock("string body length mismatch", zPos);
      const br = new ByteReader(body, 0);
      try {
        readPlain(br, count, out, 0);
      } catch (err) {
        throw corruptBlock("bad deflated string body", zPos, err);
      }
      if (br.pos !== body.length) throw corruptBlock("trailing bytes in deflated string body", zPos);
      return r.pos;
    }
    case EncodingId.StrDict:
      readDict(r, count, out);
      return r.pos;
    default:
      throw corruptBlock(`unknown string encoding id 0x${id.toString(16)}`, 0);
  }
}

function readPlain(r: ByteReader, count: number, out: string[], outStart: number): void {
  for (let i = 0; i < count; i++) {
    const len = r.uvarint("string length");
    r.need(len, "string bytes");
    out[outStart + i] = utf8(r, len);
  }
}

function utf8(r: ByteReader, len: number): string {
  const p = r.pos;
  let s: string;
  try {
    s = DECODER.decode(r.src.subarray(p, p + len));
  } catch (err) {
    throw corruptBlock("invalid utf-8 string", p, err);
  }
  r.pos = p + len;
  return s;
}

function readDict(r: ByteReader, count: number, out: string[]): void {
  const sizePos = r.pos;
  const size = r.uvarint("dictionary size");
  if (size > count || (size === 0 && count > 0))
    throw corruptBlock(`dictionary size ${size} for ${count} values`, sizePos);
  const dict: string[] = new Array<string>(size);
  readPlain(r, size, dict, 0);
  const width = bitWidth(Math.max(0, size - 1));
  const br = new BitReader(r.src, r.pos, r.src.length, "dictionary indexes");
  for (let i = 0; i < count; i++) {
    const idx = width === 0 ? 0 : br.getWide(width);
    if (idx >= size) throw corruptBlock(`dictionary index ${idx} of ${size}`, br.pos);
    out[i] = dict[idx]!;
  }
  r.pos = br.pos;
}
