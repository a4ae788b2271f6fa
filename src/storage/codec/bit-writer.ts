// LSB-first bit packer over a ByteWriter (STYLE §8.6): a number accumulator, at most 24 bits per primitive put.
import type { ByteWriter } from "./byte-writer.ts";

const TWO_24 = 0x1000000;

/**
 * Packs values LSB-first: bit i of the stream is bit (i % 8) of byte i / 8. `flush()` pads the last byte with
 * zero bits. Reusable via `reset(out)`; fields change only through its methods.
 */
export class BitWriter {
  /** Destination; set by the constructor or reset. */
  out: ByteWriter;
  /** Pending bits not yet written, in the low `bits` bits (fewer than 8 between calls). */
  acc: number;
  /** Number of pending bits in `acc`. */
  bits: number;

  constructor(out: ByteWriter) {
    this.out = out;
    this.acc = 0;
    this.bits = 0;
  }

  /** Starts a new stream on `out`. */
  reset(out: ByteWriter): void {
    this.out = out;
    this.acc = 0;
    this.bits = 0;
  }

  /** Appends the low `width` bits of `v` (0 ≤ v < 2^width, width ≤ 24). */
  put(v: number, width: number): void {
    let acc = this.acc | (v << this.bits);
    let bits = this.bits + width;
    const out = this.out;
    while (bits >= 8) {
      out.u8(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
    this.acc = acc;
    this.bits = bits;
  }

  /** Appends `v` (a non-negative integer < 2^width, width ≤ 53) in 24-bit pieces. */
  putWide(v: number, width: number): void {
    while (width > 24) {
      const low = v % TWO_24;
      this.put(low, 24);
      v = (v - low) / TWO_24;
      width -= 24;
    }
    this.put(v, width);
  }

  /** Writes the pending partial byte, zero-padded, and clears the accumulator. */
  flush(): void {
    if (this.bits > 0) this.out.u8(this.acc & 0xff);
    this.acc = 0;
    this.bits = 0;
  }
}
