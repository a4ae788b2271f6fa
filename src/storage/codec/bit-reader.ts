// LSB-first bit unpacker matching BitWriter; reading past its end throws CorruptError.
import { corruptBlock } from "./corrupt-block.ts";

const POW2 = /* @__PURE__ */ (() => {
  const t = new Float64Array(32);
  for (let i = 0; i < 32; i++) t[i] = 2 ** i;
  return t;
})();

/**
 * Reads LSB-first bit fields from `src[pos, end)`. One reader per
 * decode; fields change only through its methods.
 */
export class BitReader {
  /** Source bytes; immutable. */
  readonly src: Uint8Array;
  /** Next byte to load into the accumulator. */
  pos: number;
  /** Exclusive end of the readable range. */
  readonly end: number;
  /** Loaded but unread bits, in the low `bits` bits. */
  acc: number;
  /** Number of unread bits in `acc` (at most 29, so `acc` stays a small integer and is never boxed). */
  bits: number;
  /** Names the stream in error messages. */
  readonly what: string;

  constructor(src: Uint8Array, pos: number, end: number, what: string) {
    this.src = src;
    this.pos = pos;
    this.end = end;
    this.acc = 0;
    this.bits = 0;
    this.what = what;
  }

  /** Reads `width` bits (width ≤ 22, keeping `acc` below 2^29) as a non-negative integer. */
  get(width: number): number {
    let acc = this.acc;
    let bits = this.bits;
    while (bits < width) {
      if (this.pos >= this.end) throw corruptBlock(`truncated ${this.what}`, this.pos);
      acc |= this.src[this.pos++] << bits;
      bits += 8;
    }
    const v = acc & ((1 << width) - 1);
    this.acc = acc >>> width;
    this.bits = bits - width;
    return v;
  }

  /** Reads `width` bits (width ≤ 53) as a non-negative integer, a whole byte at a time where it can. */
  getWide(width: number): number {
    if (width <= this.bits) return this.get(width);
    // Take the buffered bits, then whole bytes, then the low part of one more byte; number math stays below 2^53.
    let v = this.acc;
    let scale = POW2[this.bits];
    let need = width - this.bits;
    const src = this.src;
    let pos = this.pos;
    if (pos + ((need + 7) >>> 3) > this.end) throw corruptBlock(`truncated ${this.what}`, pos);
    while (need >= 8) {
      v += src[pos++] * scale;
      scale *= 256;
      need -= 8;
    }
    if (need > 0) {
      const b = src[pos++];
      v += (b & ((1 << need) - 1)) * scale;
      this.acc = b >>> need;
      this.bits = 8 - need;
    } else {
      this.acc = 0;
      this.bits = 0;
    }
    this.pos = pos;
    return v;
  }
}
