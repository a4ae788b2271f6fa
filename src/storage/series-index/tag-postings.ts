// Postings of one tag key within one measurement: tag value → sorted series ids. In memory only (rebuilt at open);
// knows nothing of matchers' syntax or of storage.
import { IdList } from "./id-list.ts";
import { containsId, hasCommonId, unionManyIds } from "./sorted-ids.ts";

/** Anything that accepts or rejects a tag value (a compiled matcher). */
export interface ValuePredicate {
  matches(value: string): boolean;
}

/**
 * Value → postings map. A value held by a single series (the common case for high-cardinality tags such as
 * hostnames) stores just that id; only values with two or more series get an IdList. Refs in `refs`:
 * `ref >= 1` is the only series id with that value, `ref <= -1` is slot `-ref - 1` of `lists`.
 * Series ids are ≥ 1, so the two ranges never collide.
 */
export class TagPostings {
  /** Value → ref (see class doc); mutated by add/sweep. Values are never empty strings. */
  private readonly refs: Map<string, number>;
  /** Lists for multi-series values; a freed slot holds null until reused. */
  private readonly lists: Array<IdList | null>;
  /** Free slots of `lists`, reused before the array grows. */
  private readonly freeSlots: number[];

  constructor() {
    this.refs = new Map();
    this.lists = [];
    this.freeSlots = [];
  }

  /** Number of distinct values. */
  get size(): number {
    return this.refs.size;
  }

  /** Adds series `id` (larger than every id already added for `value`) under `value`. */
  add(value: string, id: number): void {
    const ref = this.refs.get(value);
    if (ref === undefined) {
      this.refs.set(value, id);
    } else if (ref > 0) {
      const list = new IdList(4);
      list.append(ref);
      list.append(id);
      this.refs.set(value, -this.allocSlot(list) - 1);
    } else {
      this.lists[-ref - 1]!.append(id);
    }
  }

  /** All values, sorted by UTF-16 code units. */
  values(): string[] {
    return Array.from(this.refs.keys()).sort();
  }

  /** Union of the postings of the listed values (unknown values are skipped); a new array the caller owns. */
  lookup(values: readonly string[]): Uint32Array {
    const parts: Uint32Array[] = [];
    const singles: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const ref = this.refs.get(values[i]!);
      if (ref === undefined) continue;
      if (ref > 0) singles.push(ref);
      else parts.push(this.lists[-ref - 1]!.view());
    }
    return this.unionParts(parts, singles);
  }

  /** Union of the postings of the values `v` with `pred.matches(v) === want`; a new array the caller owns. */
  matching(pred: ValuePredicate, want: boolean): Uint32Array {
    const parts: Uint32Array[] = [];
    const singles: number[] = [];
    for (const [value, ref] of this.refs) {
      if (pred.matches(value) !== want) continue;
      if (ref > 0) singles.push(ref);
      else parts.push(this.lists[-ref - 1]!.view());
    }
    return this.unionParts(parts, singles);
  }

  /** True when some series in sorted `ids` has this tag key. Stops at the first hit. */
  intersects(ids: Uint32Array): boolean {
    for (const ref of this.refs.values()) {
      if (ref > 0 ? containsId(ids, ref) : hasCommonId(this.lists[-ref - 1]!.view(), ids)) return true;
    }
    return false;
  }

  /** Values held by at least one series of sorted `ids`, sorted. */
  valuesIn(ids: Uint32Array): string[] {
    const out: string[] = [];
    for (const [value, ref] of this.refs) {
      if (ref > 0 ? containsId(ids, ref) : hasCommonId(this.lists[-ref - 1]!.view(), ids)) out.push(value);
    }
    return out.sort();
  }

  /**
   * Removes the ids of sorted `drop` from the postings of `values`; values left without series disappear.
   * Returns true when the key has no values left.
   */
  sweep(values: Iterable<string>, drop: Uint32Array): boolean {
    for (const value of values) {
      const ref = this.refs.get(value);
      if (ref === undefined) continue;
      if (ref > 0) {
        if (containsId(drop, ref)) this.refs.delete(value);
        continue;
      }
      const slot = -ref - 1;
      const list = this.lists[slot]!;
      list.removeSorted(drop);
      if (list.length > 1) continue;
      if (list.length === 1) this.refs.set(value, list.ids[0]!);
      else this.refs.delete(value);
      this.lists[slot] = null;
      this.freeSlots.push(slot);
    }
    return this.refs.size === 0;
  }

  private allocSlot(list: IdList): number {
    const slot = this.freeSlots.pop();
    if (slot !== undefined) {
      this.lists[slot] = list;
      return slot;
    }
    this.lists.push(list);
    return this.lists.length - 1;
  }

  private unionParts(parts: Uint32Array[], singles: number[]): Uint32Array {
    if (singles.length > 0) parts.push(Uint32Array.from(singles).sort());
    return unionManyIds(parts);
  }
}
