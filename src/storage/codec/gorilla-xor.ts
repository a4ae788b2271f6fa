// Gorilla XOR bit stream for doubles (Pelkonen et al., VLDB 2015, §4.1.2), on 32-bit halves so no BigInt is used.
// Bits are LSB-first (BitWriter). Per value after the first (x = bits(v[i]) XOR bits(v[i−1])):
//
// | prefix bits | then                                        | meaning                                    |
// |-------------|---------------------------------------------|--------------------------------------------|
// | (first)     | 32 bits low word, 32 bits high word         | v[0] verbatim                              |
// | 0           | —                                           | x = 0, same bits as the previous value     |
// | 1 0         | sig bits of x >> trail (previous window)    | reuse the last lead/sig window             |
// | 1 1         | lead (5 bits), sig − 1 (6 bits), sig bits   | new window: trail = 64 − lead − sig        |
// lead is the count of leading zero bits of x, capped at 31; sig counts the meaningful bits (1..64).
import { BitReader } from "./bit-reader.ts";
import { BitWriter } from "./bit-writer.ts";
import type { ByteReader } from "./byte-reader.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { corruptBlock } from "./corrupt-block.ts";

/** Values between checks of the size limit: frequent enough to abort early, rare enough to cost nothing. */
const LIMIT_CHECK_EVERY = 64;
const MAX_LEAD = 31;

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Appends meaningful bits: the 64-bit (hi, lo) shifted right by `trail`, `sig` bits wide. */
function putShifted(bw: BitWriter, hi: number, lo: number, trail: number, sig: number): void {
  let sl: number;
  let sh: number;
  if (trail === 0) {
    sl = lo;
    sh = hi;
  } else if (trail < 32) {
    sl = ((lo >>> trail) | (hi << (32 - trail))) >>> 0;
    sh = hi >>> trail;
  } else {
    sl = hi >>> (trail - 32);
    sh = 0;
  }
  if (sig <= 32) {
    bw.putWide(sl, sig);
  } else {
    bw.putWide(sl, 32);
    bw.putWide(sh, sig - 32);
  }
}

/**
 * Appends the Gorilla stream of the doubles whose bits are `words` (little-endian halves: words[2i] low,
 * words[2i+1] high) for rows [start, end), flushed to a whole byte. Returns false, leaving a partial tail that
 * the caller must drop, as soon as more than `limitBytes` bytes were written since the call.
 */
export function writeGorilla(
  words: Uint32Array,
  start: number,
  end: number,
  out: ByteWriter,
  limitBytes: number,
): boolean {
  const startPos = out.pos;
  const bw = new BitWriter(out);
  let prevLo = words[2 * start];
  let prevHi = words[2 * start + 1];
  bw.putWide(prevLo, 32);
  bw.putWide(prevHi, 32);
  let lead = -1;
  let trail = 0;
  let sig = 0;
  for (let i = start + 1; i < end; i++) {
    if ((i - start) % LIMIT_CHECK_EVERY === 0 && out.pos - startPos > limitBytes) return false;
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    const xl = (lo ^ prevLo) >>> 0;
    const xh = (hi ^ prevHi) >>> 0;
    prevLo = lo;
    prevHi = hi;
    if (xl === 0 && xh === 0) {
      bw.put(0, 1);
      continue;
    }
    let l = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const t = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (l > MAX_LEAD) l = MAX_LEAD;
    if (lead >= 0 && l >= lead && t >= trail) {
      bw.put(0b01, 2);
    } else {
      lead = l;
      trail = t;
      sig = 64 - l - t;
      bw.put(0b11 | (lead << 2) | ((sig - 1) << 7), 13);
    }
    putShifted(bw, xh, xl, trail, sig);
  }
  bw.flush();
  return out.pos - startPos <= limitBytes;
}

/**
 * Reads a Gorilla stream of `count` doubles at `r.pos` into `words` (halves, as in writeGorilla), advancing `r`
 * past the stream's last byte. Throws CorruptError on truncation or an impossible window.
 */
export function readGorilla(r: ByteReader, count: number, words: Uint32Array): void {
  if (count === 0) return;
  const br = new BitReader(r.src, r.pos, r.src.length, "gorilla stream");
  let lo = br.getWide(32);
  let hi = br.getWide(32);
  words[0] = lo;
  words[1] = hi;
  let trail = -1;
  let sig = 0;
  for (let i = 1; i < count; i++) {
    if (br.get(1) !== 0) {
      if (br.get(1) !== 0) {
        const head = br.get(11);
        const lead = head & 0x1f;
        sig = (head >>> 5) + 1;
        trail = 64 - lead - sig;
        if (trail < 0) throw corruptBlock(`gorilla window ${lead}+${sig} over 64 bits`, br.pos);
      } else if (trail < 0) {
        throw corruptBlock("gorilla window reused before one was set", br.pos);
      }
      let sl: number;
      let sh = 0;
      if (sig <= 32) {
        sl = br.getWide(sig);
      } else {
        sl = br.getWide(32);
        sh = br.getWide(sig - 32);
      }
      if (trail === 0) {
        lo ^= sl;
        hi ^= sh;
      } else if (trail < 32) {
        lo ^= sl << trail;
        hi ^= (sh << trail) | (sl >>> (32 - trail));
      } else {
        hi ^= sl << (trail - 32);
      }
      lo >>>= 0;
      hi >>>= 0;
    }
    words[2 * i] = lo;
    words[2 * i + 1] = hi;
  }
  r.pos = br.pos;
}
