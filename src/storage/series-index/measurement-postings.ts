// Inverted index of one measurement: all its series ids, and tag key → TagPostings. In memory only (rebuilt at open).
import { IdList } from "./id-list.ts";
import { TagPostings } from "./tag-postings.ts";

/** Postings of one measurement. Mutated only by the SeriesIndex that owns it. */
export class MeasurementPostings {
  /** Measurement name (unescaped); immutable. */
  readonly name: string;
  /** Every live series of the measurement, ascending. */
  readonly all: IdList;
  /** Tag key → postings by value. A key is present only while some live series has it. */
  readonly tags: Map<string, TagPostings>;
  /**
   * Tag keys and postings of the last series added, by tag position. Consecutive series of a measurement nearly
   * always share their tag keys, so `add` compares strings here instead of probing `tags`. Cleared by `remove`.
   */
  private readonly lastKeys: string[];
  private readonly lastPostings: TagPostings[];

  constructor(name: string) {
    this.name = name;
    this.all = new IdList(4);
    this.tags = new Map();
    this.lastKeys = [];
    this.lastPostings = [];
  }

  /** Total distinct (key, value) pairs; a cost estimate for scans over values. */
  valueCount(): number {
    let n = 0;
    for (const tp of this.tags.values()) n += tp.size;
    return n;
  }

  /**
   * Adds series `id` (larger than every id already added). `parts` is `[measurement, k1, v1, k2, v2, …]` as
   * produced by splitSeriesKey; only its first `length` entries are read and it is not retained.
   */
  add(id: number, parts: readonly string[], length: number): void {
    this.all.append(id);
    const lastKeys = this.lastKeys;
    for (let i = 1, t = 0; i + 1 < length; i += 2, t++) {
      const key = parts[i]!;
      if (t < lastKeys.length && lastKeys[t] === key) {
        this.lastPostings[t]!.add(parts[i + 1]!, id);
        continue;
      }
      let tp = this.tags.get(key);
      if (tp === undefined) {
        tp = new TagPostings();
        this.tags.set(key, tp);
      }
      if (t < lastKeys.length) {
        lastKeys[t] = key;
        this.lastPostings[t] = tp;
      } else {
        lastKeys.push(key);
        this.lastPostings.push(tp);
      }
      tp.add(parts[i + 1]!, id);
    }
  }

  /**
   * Removes the ids of sorted `drop`. `touched` maps each tag key to the values the dropped series held (so only
   * those postings are rewritten). Returns true when the measurement has no series left.
   */
  remove(drop: Uint32Array, touched: ReadonlyMap<string, ReadonlySet<string>>): boolean {
    this.all.removeSorted(drop);
    this.lastKeys.length = 0;
    this.lastPostings.length = 0;
    for (const [key, values] of touched) {
      const tp = this.tags.get(key);
      if (tp !== undefined && tp.sweep(values, drop)) this.tags.delete(key);
    }
    return this.all.length === 0;
  }
}
