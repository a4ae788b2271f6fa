// Exact zigzag LEB128 for every safe integer: zigzag(v) reaches 2^54, past exact doubles, so split it first.
import type { ByteWriter } from "./byte-writer.ts";

/**
 * Appends zigzag(v) as LEB128 for a safe integer `v` (|v| ≤ 2^53 − 1). Byte-identical to a 64-bit zigzag varint:
 * the first byte carries the sign bit and six magnitude bits, so no intermediate value exceeds 2^53.
 */
export function putZigzag(out: ByteWriter, v: number): void {
  const neg = v < 0;
  const m = neg ? -v - 1 : v; // zigzag(v) = 2m + sign
  const low = ((m % 64) << 1) | (neg ? 1 : 0);
  if (m < 64) {
    out.u8(low);
    return;
  }
  out.u8(low | 0x80);
  out.uvarint(Math.floor(m / 64));
}

/** Bytes putZigzag writes for `v`. */
export function zigzagSize(v: number): number {
  let r = v < 0 ? -v - 1 : v;
  let size = 1;
  while (r >= 64) {
    r = Math.floor(r / 128); // byte k+1 is needed iff zigzag(v) ≥ 2^(7k), i.e. |v| ≥ 2^(7k−1)
    size++;
  }
  return size;
}
