// Hands out Float64Array views carved from large shared slabs, for head columns, and counts the head's bytes.
// Allocating each growing column its own ArrayBuffer cost ~13 µs per allocation and ~10% of ingest time
// (profile of bench/run.ts ingest); a bump allocator makes a grow a subarray plus a copy.

/** Float64 elements per slab: 1 Mi elements = 8 MiB. */
const SLAB_ELEMENTS = 1 << 20;

/**
 * Bump allocator over 8 MiB slabs. Memory is never returned piecemeal: a head owns one allocator and frees
 * everything at once when it is dropped after its flush. Requests larger than a quarter slab get their own array.
 * Not thread-safe; synchronous.
 *
 * `bytes` counts every byte handed out, superseded views included (a grown column leaves its old arrays in the
 * slab until the head is dropped), plus what `note` adds for memory held outside the slabs: it is the head's
 * memory as the budget sees it (docs/rfc/0005-memory-budget.md). The unused tail of the current slab is not
 * counted: its pages are zero pages the process has never touched, so they are not resident.
 */
export class SlabAllocator {
  /** Bytes allocated through this allocator or noted, since it was created. */
  bytes: number;
  private slab: Float64Array;
  private used: number;

  constructor() {
    this.bytes = 0;
    this.slab = new Float64Array(0);
    this.used = 0;
  }

  /** A zeroed Float64Array of `length` elements that aliases no other live allocation. */
  allocate(length: number): Float64Array {
    this.bytes += length * 8;
    if (length > SLAB_ELEMENTS / 4) return new Float64Array(length);
    if (this.used + length > this.slab.length) {
      this.slab = new Float64Array(SLAB_ELEMENTS);
      this.used = 0;
    }
    const view = this.slab.subarray(this.used, this.used + length);
    this.used += length;
    return view;
  }

  /** Counts `bytes` of head memory allocated elsewhere (bigint and string columns, per-series objects). */
  note(bytes: number): void {
    this.bytes += bytes;
  }
}
