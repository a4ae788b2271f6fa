// Bounds-checked cursor over an encoded block; every read past the end throws CorruptError, never RangeError.
import { corruptBlock } from "./corrupt-block.ts";

const SCRATCH = new DataView(new ArrayBuffer(8));
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Reads little-endian values from `src` starting at `pos`. Holds `src` without copying; `src` may start at any
 * byteOffset. One reader per decode call; fields change only through its methods and `pos`.
 */
export class ByteReader {
  /** The bytes being decoded; immutable after construction. */
  readonly src: Uint8Array;
  /** Offset of the next unread byte within `src`. */
  pos: number;

  constructor(src: Uint8Array, pos: number) {
    this.src = src;
    this.pos = pos;
  }

  /** Throws CorruptError unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.src.length - this.pos) throw corruptBlock(`truncated ${what}`, this.pos);
  }

  /** Reads one byte. */
  u8(what: string): number {
    if (this.pos >= this.src.length) throw corruptBlock(`truncated ${what}`, this.pos);
    return this.src[this.pos++];
  }

  /** Reads 8 bytes as a double (for headers; bulk float data is copied bit-exact instead). */
  f64(what: string): number {
    this.need(8, what);
    for (let i = 0; i < 8; i++) SCRATCH.setUint8(i, this.src[this.pos + i]);
    this.pos += 8;
    return SCRATCH.getFloat64(0, true);
  }

  /** Reads an unsigned LEB128 that must be a safe integer. */
  uvarint(what: string): number {
    const src = this.src;
    const start = this.pos;
    let p = start;
    let result = 0;
    let scale = 1;
    for (;;) {
      if (p >= src.length) throw corruptBlock(`truncated ${what}`, start);
      const b = src[p++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 49) throw corruptBlock(`overlong varint in ${what}`, start); // 8 bytes carry 56 bits
    }
    if (result > MAX_SAFE) throw corruptBlock(`varint beyond 2^53 in ${what}`, start);
    this.pos = p;
    return result;
  }

  /** Reads a zigzag LEB128 (see putZigzag) that must decode to a safe integer. */
  zigzag(what: string): number {
    const start = this.pos;
    const first = this.u8(what);
    const neg = (first & 1) === 1;
    let m = (first >>> 1) & 63;
    if (first >= 0x80) {
      const high = this.uvarint(what);
      if (high > 2 ** 47 - 1) throw corruptBlock(`zigzag varint beyond 2^53 in ${what}`, start);
      m += high * 64;
    }
    return neg ? -m - 1 : m;
  }
}
