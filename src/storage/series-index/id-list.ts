// A growable postings list: sorted series ids in a Uint32Array that doubles when full. Knows nothing of tags.
import { InternalError } from "../../base/index.ts";
import { subtractIdsInPlace } from "./sorted-ids.ts";

/** Smallest capacity a list grows to; lists start small because most tag values have few series. */
const MIN_CAPACITY = 4;

/**
 * Sorted, duplicate-free series ids. Ids are allocated increasing, so appending keeps the list sorted; `append`
 * rejects an id that is not larger than the last one. Not safe to share across threads; mutated only by the index.
 */
export class IdList {
  /** Backing store; entries at and past `length` are garbage. Replaced (not resized) when it grows. */
  ids: Uint32Array;
  /** Number of valid ids. */
  length: number;

  constructor(capacity: number) {
    this.ids = new Uint32Array(Math.max(capacity, MIN_CAPACITY));
    this.length = 0;
  }

  /** Appends `id`, which must exceed the last id. Throws InternalError STORAGE_INDEX_ORDER otherwise (a bug). */
  append(id: number): void {
    const n = this.length;
    if (n > 0 && this.ids[n - 1]! >= id) {
      throw new InternalError("STORAGE_INDEX_ORDER", `postings append out of order: ${id} after ${this.ids[n - 1]}`);
    }
    if (n === this.ids.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[n] = id;
    this.length = n + 1;
  }

  /** The ids as a view that aliases internal memory: valid until the next append or removal. */
  view(): Uint32Array {
    return this.ids.subarray(0, this.length);
  }

  /** Removes the ids of sorted `drop`; shrinks the backing store when it becomes mostly empty. */
  removeSorted(drop: Uint32Array): void {
    this.length = subtractIdsInPlace(this.ids, this.length, drop);
    if (this.ids.length > MIN_CAPACITY && this.length * 4 < this.ids.length) {
      this.ids = this.ids.slice(0, Math.max(this.length * 2, MIN_CAPACITY));
    }
  }
}
