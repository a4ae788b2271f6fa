// Set algebra on postings: sorted, duplicate-free Uint32Array lists of series ids. Pure functions in linear time
// (galloping when sizes differ a lot); knows nothing of tags, keys or storage.

/**
 * Size ratio above which intersect/subtract/union search the larger list by galloping instead of merging. Merging
 * costs |a|+|b|; galloping costs about |small|·log2(|large|/|small|), which wins from a ratio of a few tens.
 */
const GALLOP_RATIO = 32;

/** Ranges at most this many times the total id count are unioned through a bitset instead of sorting. */
const BITSET_RANGE_FACTOR = 64;

/**
 * First index `i` in `[from, end)` with `ids[i] >= target`, or `end` when there is none. Probes 1, 2, 4, … ahead
 * of `from`, then binary-searches the last step, so it costs O(log distance). `ids` must be sorted ascending.
 */
export function gallopIds(ids: Uint32Array, from: number, end: number, target: number): number {
  if (from >= end || ids[from]! >= target) return from;
  let lo = from; // ids[lo] < target always holds
  let step = 1;
  let hi = from + 1;
  while (hi < end && ids[hi]! < target) {
    lo = hi;
    step <<= 1;
    hi = lo + step;
  }
  if (hi > end) hi = end;
  // Invariant: ids[lo] < target, and hi === end or ids[hi] >= target.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** True when sorted `ids` contains `id` (binary search). */
export function containsId(ids: Uint32Array, id: number): boolean {
  const i = gallopIds(ids, 0, ids.length, id);
  return i < ids.length && ids[i] === id;
}

/** True when the sorted lists share at least one id; stops at the first common one. */
export function hasCommonId(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length > b.length) return hasCommonId(b, a);
  const al = a.length;
  const bl = b.length;
  if (al === 0) return false;
  if (bl > al * GALLOP_RATIO) {
    let j = 0;
    for (let i = 0; i < al; i++) {
      j = gallopIds(b, j, bl, a[i]!);
      if (j === bl) return false;
      if (b[j] === a[i]) return true;
    }
    return false;
  }
  let i = 0;
  let j = 0;
  while (i < al && j < bl) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/** Ids in both sorted lists, as a new array the caller owns (never aliases `a` or `b`). */
export function intersectIds(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length > b.length) return intersectIds(b, a);
  const al = a.length;
  const bl = b.length;
  const out = new Uint32Array(al);
  let n = 0;
  if (bl > al * GALLOP_RATIO) {
    let j = 0;
    for (let i = 0; i < al && j < bl; i++) {
      const x = a[i]!;
      j = gallopIds(b, j, bl, x);
      if (j < bl && b[j] === x) out[n++] = x;
    }
  } else {
    let i = 0;
    let j = 0;
    while (i < al && j < bl) {
      const x = a[i]!;
      const y = b[j]!;
      if (x === y) {
        out[n++] = x;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
  }
  return n === al ? out : out.slice(0, n);
}

/** Ids of sorted `a` that are not in sorted `b`, as a new array the caller owns. */
export function subtractIds(a: Uint32Array, b: Uint32Array): Uint32Array {
  const al = a.length;
  const bl = b.length;
  const out = new Uint32Array(al);
  let n = 0;
  if (al > bl * GALLOP_RATIO) {
    // Few removals from a long list: copy the runs of `a` between the ids of `b`.
    let i = 0;
    for (let j = 0; j < bl && i < al; j++) {
      const y = b[j]!;
      const k = gallopIds(a, i, al, y);
      out.set(a.subarray(i, k), n);
      n += k - i;
      i = k < al && a[k] === y ? k + 1 : k;
    }
    out.set(a.subarray(i, al), n);
    n += al - i;
  } else if (bl > al * GALLOP_RATIO) {
    let j = 0;
    for (let i = 0; i < al; i++) {
      const x = a[i]!;
      j = gallopIds(b, j, bl, x);
      if (j === bl || b[j] !== x) out[n++] = x;
    }
  } else {
    let i = 0;
    let j = 0;
    while (i < al) {
      const x = a[i]!;
      if (j === bl || x < b[j]!) {
        out[n++] = x;
        i++;
      } else if (x === b[j]) {
        i++;
        j++;
      } else j++;
    }
  }
  return n === al ? out : out.slice(0, n);
}

/** Ids in either sorted list, as a new array the caller owns. */
export function unionIds(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length < b.length) return unionIds(b, a);
  const al = a.length;
  const bl = b.length;
  const out = new Uint32Array(al + bl);
  let n = 0;
  let i = 0;
  if (al > bl * GALLOP_RATIO) {
    // Insert the few ids of `b` between runs of `a`.
    for (let j = 0; j < bl; j++) {
      const y = b[j]!;
      const k = gallopIds(a, i, al, y);
      out.set(a.subarray(i, k), n);
      n += k - i;
      i = k;
      out[n++] = y;
      if (i < al && a[i] === y) i++;
    }
  } else {
    let j = 0;
    while (i < al && j < bl) {
      const x = a[i]!;
      const y = b[j]!;
      if (x < y) {
        out[n++] = x;
        i++;
      } else if (y < x) {
        out[n++] = y;
        j++;
      } else {
        out[n++] = x;
        i++;
        j++;
      }
    }
    while (j < bl) out[n++] = b[j++]!;
  }
  out.set(a.subarray(i, al), n);
  n += al - i;
  return n === out.length ? out : out.slice(0, n);
}

/** Ids in every sorted list (an empty input gives an empty result), as a new array the caller owns. */
export function intersectManyIds(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return new Uint32Array(0);
  const order = lists.slice().sort((x, y) => x.length - y.length);
  let acc: Uint32Array = order[0]!.slice();
  for (let i = 1; i < order.length && acc.length > 0; i++) acc = intersectIds(acc, order[i]!);
  return acc;
}

/**
 * Ids in any of the sorted lists, as a new array the caller owns. Many lists over a dense id range go through a
 * bitset (O(total + range/32)); sparse ones are concatenated and sorted.
 */
export function unionManyIds(lists: readonly Uint32Array[]): Uint32Array {
  let total = 0;
  let count = 0;
  let only: Uint32Array | undefined;
  let minId = 0xffffffff;
  let maxId = 0;
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i]!;
    if (l.length === 0) continue;
    total += l.length;
    count++;
    only = l;
    if (l[0]! < minId) minId = l[0]!;
    if (l[l.length - 1]! > maxId) maxId = l[l.length - 1]!;
  }
  if (count === 0 || only === undefined) return new Uint32Array(0);
  if (count === 1) return only.slice();
  if (count === 2) {
    let first: Uint32Array | undefined;
    for (let i = 0; i < lists.length; i++) if (lists[i]!.length > 0 && lists[i] !== only) first = lists[i];
    if (first !== undefined) return unionIds(first, only);
  }
  const range = maxId - minId + 1;
  if (range <= total * BITSET_RANGE_FACTOR) return unionByBitset(lists, total, minId, range);
  const all = new Uint32Array(total);
  let n = 0;
  for (let i = 0; i < lists.length; i++) {
    all.set(lists[i]!, n);
    n += lists[i]!.length;
  }
  all.sort();
  return dedupeSorted(all);
}

function unionByBitset(lists: readonly Uint32Array[], total: number, minId: number, range: number): Uint32Array {
  const bits = new Uint32Array((range + 31) >>> 5);
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i]!;
    for (let j = 0; j < l.length; j++) {
      const off = l[j]! - minId;
      bits[off >>> 5]! |= 1 << (off & 31);
    }
  }
  const out = new Uint32Array(total);
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      out[n++] = minId + w * 32 + (31 - Math.clz32(low));
      word ^= low;
    }
  }
  return n === total ? out : out.slice(0, n);
}

/** Removes adjacent duplicates of a sorted array in place; returns the deduplicated prefix (may alias `ids`). */
function dedupeSorted(ids: Uint32Array): Uint32Array {
  if (ids.length < 2) return ids;
  let n = 1;
  for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[n - 1]) ids[n++] = ids[i]!;
  return n === ids.length ? ids : ids.slice(0, n);
}

/**
 * Removes the ids of sorted `drop` from the first `length` entries of sorted `ids`, in place; returns the new length.
 * Entries past the returned length are garbage.
 */
export function subtractIdsInPlace(ids: Uint32Array, length: number, drop: Uint32Array): number {
  let n = 0;
  let j = 0;
  const dl = drop.length;
  for (let i = 0; i < length; i++) {
    const x = ids[i]!;
    if (j < dl && drop[j]! < x) j = gallopIds(drop, j, dl, x);
    if (j < dl && drop[j] === x) continue;
    ids[n++] = x;
  }
  return n;
}
