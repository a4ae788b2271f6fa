// Hands out Float64Array views carved from large shared slabs, for head columns.
// Allocating each growing column its own ArrayBuffer cost ~13 µs per allocation and ~10% of ingest time
// (profile of bench/run.ts ingest); a bump allocator makes a grow a subarray plus a copy.

/** Float64 elements per slab: 1 Mi elements = 8 MiB. */
const SLAB_ELEMENTS = 1 << 20;

/**
 * Bump allocator over 8 MiB slabs. Memory is never returned piecemeal: a head owns one allocator and frees
 * everything at once when it is dropped after its flush (the slack left by grown columns is counted in the
 * head's bytes). Requests larger than a quarter slab get their own array. Not thread-safe; synchronous.
 */
export class SlabAllocator {
  private slab: Float64Array;
  private used: number;

  constructor() {
    this.slab = new Float64Array(0);
    this.used = 0;
  }

  /** A zeroed Float64Array of `length` elements that aliases no other live allocation. */
  allocate(length: number): Float64Array {
    if (length > SLAB_ELEMENTS / 4) return new Float64Array(length);
    if (this.used + length > this.slab.length) {
      this.slab = new Float64Array(SLAB_ELEMENTS);
      this.used = 0;
    }
    const view = this.slab.subarray(this.used, this.used + length);
    this.used += length;
    return view;
  }
}
