// Byte helpers: CRC32 and LEB128 varints over Uint8Array. Little-endian everywhere (STYLE.md §8.7).
import * as zlib from "node:zlib";

type Crc32Fn = (data: Uint8Array, value?: number) => number;

const CRC_TABLE = /* @__PURE__ */ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32Js(data: Uint8Array, value = 0): number {
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

// zlib.crc32 (IEEE CRC-32) is native from Node 20.15; older 20.x fall back to the table version.
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/** IEEE CRC-32 of `data`, continuing from `value` (0 to start). Returns an unsigned 32-bit number. */
export function crc32(data: Uint8Array, value = 0): number {
  return nativeCrc32 !== undefined ? nativeCrc32(data, value) >>> 0 : crc32Js(data, value);
}

/** Writes `value` (a non-negative safe integer) as unsigned LEB128 at `pos`; returns the new position. */
export function putUvarint(buf: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    buf[pos++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[pos++] = value;
  return pos;
}

/** Reads an unsigned LEB128 at `cursor.pos`, advancing it. Returns -1 when the bytes end mid-varint. */
export function getUvarint(buf: Uint8Array, cursor: { pos: number }): number {
  let result = 0;
  let scale = 1;
  let pos = cursor.pos;
  while (pos < buf.length) {
    const byte = buf[pos++]!;
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      cursor.pos = pos;
      return result;
    }
    scale *= 0x80;
    if (scale > 2 ** 56) return -1;
  }
  return -1;
}

/** Number of bytes putUvarint writes for `value`. */
export function uvarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/** Zigzag maps signed safe integers to unsigned ones: 0,-1,1,-2 → 0,1,2,3. */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Inverse of zigzag. */
export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
