// Growable little-endian output buffer that every column encoder appends to. Knows no encodings.
import { assert } from "../../base/index.ts";

// Codecs copy typed-array memory straight to disk (raw floats, bigints) and read double bits through Uint32Array
// views with word 0 = low half, so they need a little-endian host (x64 and arm64 Node builds are).
assert(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1, "strata codecs need a little-endian host");

const SCRATCH = new DataView(new ArrayBuffer(8));
const MIN_BYTES = 16;

/**
 * Growable byte buffer. Writes append at `pos`; capacity doubles on demand. Not safe to share between encoders
 * that interleave (all calls are synchronous, so one writer per caller suffices).
 */
export class ByteWriter {
  /** Backing memory; replaced by a larger copy when it grows, so never hold it across writes. */
  buf: Uint8Array;
  /** Number of bytes written; callers may move it back to drop a tail they wrote. */
  pos: number;

  /** `initialBytes` is the starting capacity (at least 16). No I/O. */
  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(MIN_BYTES, initialBytes));
    this.pos = 0;
  }

  /** Empties the buffer, keeping its capacity. */
  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `extraBytes` more bytes after `pos`. */
  ensure(extraBytes: number): void {
    const need = this.pos + extraBytes;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends one byte (`v & 0xff`). */
  u8(v: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Appends an unsigned 32-bit integer, little-endian. */
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  /** Appends a double as 8 little-endian bytes. NaN payloads may be canonicalised; copy bits for exactness. */
  f64(v: number): void {
    SCRATCH.setFloat64(0, v, true);
    this.ensure(8);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) b[p + i] = SCRATCH.getUint8(i);
    this.pos = p + 8;
  }

  /** Appends a non-negative safe integer as unsigned LEB128 (1–8 bytes). */
  uvarint(v: number): void {
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Appends a copy of `src`. */
  append(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** View of the bytes written so far; it aliases internal memory and is invalid after the next write or reset. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
