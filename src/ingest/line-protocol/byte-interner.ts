// Interns byte sequences to dense integer ids without building a string per lookup (STYLE.md §8.9).
// The line-protocol parser keys its series and field-name caches by raw input bytes with it.

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593;
// Byte strings longer than this are compared by Buffer#compare (native memcmp beats a JS loop past its call cost).
const NATIVE_COMPARE_BYTES = 48;

/**
 * MurmurHash3 (x86, 32-bit, seed 0) of `buf[start, end)`. It folds four bytes per step, which matters when
 * hashing a 200-byte series section per line (line-protocol-parser.bench.ts), and mixes every input bit into
 * the low bits the slot index uses.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    k = Math.imul(k, C1);
    k = Math.imul((k << 15) | (k >>> 17), C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < end) {
    let k = 0;
    for (let shift = 0; i < end; i++, shift += 8) k |= buf[i] << shift;
    k = Math.imul(k, C1);
    h ^= Math.imul((k << 15) | (k >>> 17), C2);
  }
  h ^= end - start;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const INITIAL_SLOTS = 1024;
const INITIAL_POOL_BYTES = 64 * 1024;

/**
 * Open-addressing hash set of byte strings. `find` and `add` take the caller's `hashBytes` of the bytes; ids are dense (0, 1, 2, …) in insertion order, so
 * callers keep per-id data in plain arrays. The interner copies added bytes into its own pool; it never keeps
 * a reference to the caller's buffer. Grows by doubling; `clear()` forgets everything (ids restart at 0).
 * Not thread-safe; one instance per parser.
 */
export class ByteInterner {
  /** Number of interned byte strings; ids are 0 … size-1. */
  size = 0;
  /** Bytes held in the pool. */
  poolBytes = 0;
  // Slot table: id + 1, or 0 for an empty slot. Length is a power of two, kept at most half full.
  private slots = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  // Per id: hash, offset into the pool, length.
  private hashes: Int32Array = new Int32Array(INITIAL_SLOTS / 2);
  private starts: Int32Array = new Int32Array(INITIAL_SLOTS / 2);
  private lengths: Int32Array = new Int32Array(INITIAL_SLOTS / 2);
  private pool = Buffer.alloc(INITIAL_POOL_BYTES);

  /** Id of the bytes `buf[start, end)` whose `hashBytes` is `hash`, or -1 when they are not interned. */
  find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const slot = slots[i];
      if (slot === 0) return -1;
      const id = slot - 1;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.equalsAt(id, buf, start)) return id;
      i = (i + 1) & mask;
    }
  }

  /** Interns `buf[start, end)` (the caller checked it is absent) and returns its new id. Copies the bytes. */
  add(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const id = this.size;
    if (id === this.hashes.length) this.growIds();
    if ((id + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    if (this.poolBytes + length > this.pool.length) this.growPool(this.poolBytes + length);
    this.pool.set(buf.subarray(start, end), this.poolBytes);
    this.hashes[id] = hash;
    this.starts[id] = this.poolBytes;
    this.lengths[id] = length;
    this.poolBytes += length;
    this.size = id + 1;
    let i = hash & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = id + 1;
    return id;
  }

  /** Forgets every entry, keeping the allocated memory. */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
    this.poolBytes = 0;
  }

  /** Byte length of entry `id`. */
  lengthOf(id: number): number {
    return this.lengths[id];
  }

  /** True when `buf` holds entry `id`'s bytes at `start` (the caller checked `start + lengthOf(id)` fits). */
  equalsAt(id: number, buf: Uint8Array, start: number): boolean {
    const pool = this.pool;
    const length = this.lengths[id];
    const from = this.starts[id];
    if (length > NATIVE_COMPARE_BYTES) return pool.compare(buf, start, start + length, from, from + length) === 0;
    const offset = from - start;
    for (let i = start + length - 1; i >= start; i--) {
      if (pool[i + offset] !== buf[i]) return false;
    }
    return true;
  }

  private growIds(): void {
    const size = this.hashes.length * 2;
    this.hashes = copyInto(this.hashes, new Int32Array(size));
    this.starts = copyInto(this.starts, new Int32Array(size));
    this.lengths = copyInto(this.lengths, new Int32Array(size));
  }

  private growPool(need: number): void {
    let size = this.pool.length * 2;
    while (size < need) size *= 2;
    const pool = Buffer.alloc(size);
    pool.set(this.pool);
    this.pool = pool;
  }

  private rehash(slotCount: number): void {
    const slots = new Int32Array(slotCount);
    const mask = slotCount - 1;
    for (let id = 0; id < this.size; id++) {
      let i = this.hashes[id] & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function copyInto(from: Int32Array, to: Int32Array): Int32Array {
  to.set(from);
  return to;
}
