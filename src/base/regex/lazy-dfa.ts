// A lazily built, size-bounded DFA over a RegexProgram: states are sets of NFA instructions made on first use by
// the Pike VM's primitives and cached with their transitions, so typical tag values cost one table lookup per
// character. When the cache keeps overflowing, the rest of the input runs on the Pike VM.
import { isWordChar, MAX_CODE_POINT } from "./char-set.ts";
import { ASSERT_BEGIN_LINE, ASSERT_BEGIN_TEXT, ASSERT_NOT_WORD_BOUNDARY, ASSERT_WORD_BOUNDARY } from "./regex-node.ts";
import type { RegexProgram } from "./regex-program.ts";
import { emptyFlags, PikeVm, PREV_BEGIN, PREV_NEWLINE, PREV_WORD, prevFlagsAfter } from "./pike-vm.ts";

/** Most transition cells (states × character classes) held at once: 4 MiB of Int32. */
const MAX_DFA_CELLS = 1 << 20;
/** Most instruction ids held over all cached states' lists: 4 MiB of Int32. */
const MAX_DFA_LIST_INTS = 1 << 20;
/** Most states held at once, whatever the class count. */
export const MAX_DFA_STATES = 4096;
/** Cache resets allowed within one input before the rest of it runs on the Pike VM (RE2 bails out similarly). */
const MAX_RESETS_PER_INPUT = 3;
/** Work bound for merging character intervals into classes; above it each interval is its own class. */
const MAX_CLASS_MERGE_WORK = 2_000_000;

const UNKNOWN = -1;
/** No instruction is alive and none will start again, so the rest of the input cannot match. */
const DEAD = -2;
/** The cache is full and out of resets: continue on the Pike VM. */
const GIVE_UP = -3;

/**
 * Matches with a lazily built DFA. One instance per compiled regex; not re-entrant (synchronous calls only).
 * Memory is bounded by {@link MAX_DFA_CELLS} transition cells plus each state's instruction list.
 */
export class LazyDfa {
  /** Builds states; also the fallback matcher. Shared scratch, owned. */
  readonly vm: PikeVm;
  /** Characters scanned by {@link test} since construction (cache hits); add `vm.steps` for total work. */
  scanned: number;
  /** Cache resets since construction. */
  resets: number;
  private readonly anchored: boolean;
  private readonly prevMask: number;
  // Character classes: code points that no instruction or assertion can tell apart share a class.
  private readonly intervalStarts: Int32Array;
  private readonly intervalClass: Int32Array;
  private readonly asciiClass: Int32Array;
  private readonly classRep: Int32Array;
  private readonly classCount: number;
  private readonly maxStates: number;
  // The cache; cleared on reset.
  private trans: Int32Array;
  private stateLists: Int32Array[];
  private stateFlags: number[];
  private endMatch: number[];
  private readonly stateIds: Map<string, number>;
  /** Sum of the cached states' list lengths, kept under MAX_DFA_LIST_INTS. */
  private listInts: number;
  private startState: number;

  constructor(prog: RegexProgram, anchored: boolean) {
    this.vm = new PikeVm(prog, anchored);
    this.scanned = 0;
    this.resets = 0;
    this.anchored = anchored;
    const kinds = prog.assertKinds;
    const words = (kinds & (ASSERT_WORD_BOUNDARY | ASSERT_NOT_WORD_BOUNDARY)) !== 0;
    this.prevMask =
      (kinds & (ASSERT_BEGIN_TEXT | ASSERT_BEGIN_LINE) ? PREV_BEGIN : 0) |
      (kinds & ASSERT_BEGIN_LINE ? PREV_NEWLINE : 0) |
      (words ? PREV_WORD : 0);
    const starts = intervalStartsOf(prog);
    this.intervalStarts = starts;
    this.intervalClass = new Int32Array(starts.length);
    const reps: number[] = [];
    classifyIntervals(prog, starts, this.intervalClass, reps);
    this.classRep = Int32Array.from(reps);
    this.classCount = reps.length;
    this.asciiClass = new Int32Array(128);
    for (let cp = 0; cp < 128; cp++) this.asciiClass[cp] = this.classOf(cp);
    this.maxStates = Math.min(MAX_DFA_STATES, Math.floor(MAX_DFA_CELLS / this.classCount));
    this.trans = new Int32Array(Math.min(16, this.maxStates) * this.classCount).fill(UNKNOWN);
    this.stateLists = [];
    this.stateFlags = [];
    this.endMatch = [];
    this.stateIds = new Map();
    this.listInts = 0;
    this.startState = -1;
  }

  /** Number of character classes (columns of the transition table). */
  get classes(): number {
    return this.classCount;
  }

  /** Number of states currently cached. */
  get states(): number {
    return this.stateLists.length;
  }

  /** True when the program matches `input`. Hot path: one typed-array lookup per character once warm. */
  test(input: string): boolean {
    if (this.maxStates < 2) return this.vm.test(input);
    let resets = 0;
    if (this.startState < 0) this.startState = this.intern(Int32Array.of(this.vm.prog.start), PREV_BEGIN);
    let s = this.startState;
    const n = input.length;
    const nc = this.classCount;
    const ascii = this.asciiClass;
    let trans = this.trans;
    this.scanned += n;
    for (let i = 0; i < n;) {
      const at = i;
      let cp = input.charCodeAt(i++);
      let k: number;
      if (cp < 128) {
        k = ascii[cp]!;
      } else {
        if (cp >= 0xd800 && cp <= 0xdbff && i < n) {
          const lo = input.charCodeAt(i);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
            i++;
          }
        }
        k = this.classOf(cp);
      }
      let t = trans[s * nc + k];
      if (t < 0) {
        if (t === DEAD) return false;
        t = this.fill(s, k);
        if (t === GIVE_UP) {
          const list = this.stateLists[s];
          const flags = this.stateFlags[s];
          if (resets++ >= MAX_RESETS_PER_INPUT) return this.vm.run(input, at, list, list.length, flags);
          this.reset();
          s = this.intern(list, flags);
          t = this.fill(s, k);
        }
        if (t === DEAD) return false;
        trans = this.trans; // fill may have grown the table
      }
      if ((t & 1) !== 0) return true;
      s = t >> 1;
    }
    return this.matchesAtEnd(s);
  }

  /** Computes and caches the transition of state `s` on class `k`; GIVE_UP when the cache is full. */
  private fill(s: number, k: number): number {
    const vm = this.vm;
    const cp = this.classRep[k];
    const list = this.stateLists[s];
    const matched = vm.closure(list, list.length, emptyFlags(this.stateFlags[s], cp));
    vm.advance(cp);
    let t: number;
    if (matched && !this.anchored) {
      t = 1; // a match ends before this character: `test` returns before reading the state id
    } else if (vm.nextCount === 0) {
      t = DEAD;
    } else {
      const nextList = vm.next.slice(0, vm.nextCount).sort();
      const id = this.findOrIntern(nextList, prevFlagsAfter(cp) & this.prevMask);
      if (id < 0) return GIVE_UP;
      t = id << 1;
    }
    this.trans[s * this.classCount + k] = t;
    return t;
  }

  /** Drops every cached state and transition; the arrays keep their capacity. */
  private reset(): void {
    this.resets++;
    this.stateLists = [];
    this.stateFlags = [];
    this.endMatch = [];
    this.stateIds.clear();
    this.listInts = 0;
    this.trans.fill(UNKNOWN);
    this.startState = -1;
  }

  private findOrIntern(list: Int32Array, flags: number): number {
    const key = flags + ":" + list.join(",");
    const id = this.stateIds.get(key);
    if (id !== undefined) return id;
    if (this.stateLists.length >= this.maxStates || this.listInts + list.length > MAX_DFA_LIST_INTS) return -1;
    return this.intern(list, flags, key);
  }

  private intern(list: Int32Array, flags: number, key = flags + ":" + list.join(",")): number {
    const id = this.stateLists.length;
    this.stateLists.push(list);
    this.listInts += list.length;
    this.stateFlags.push(flags);
    this.endMatch.push(UNKNOWN);
    this.stateIds.set(key, id);
    const need = (id + 1) * this.classCount;
    if (need > this.trans.length) {
      const grown = new Int32Array(Math.min(this.maxStates * this.classCount, this.trans.length * 2)).fill(UNKNOWN);
      grown.set(this.trans);
      this.trans = grown;
    }
    return id;
  }

  private matchesAtEnd(s: number): boolean {
    let m = this.endMatch[s];
    if (m === UNKNOWN) {
      const list = this.stateLists[s];
      m = this.vm.closure(list, list.length, emptyFlags(this.stateFlags[s], -1)) ? 1 : 0;
      this.endMatch[s] = m;
    }
    return m === 1;
  }

  /** Code point → class, by binary search over interval starts. */
  private classOf(cp: number): number {
    const starts = this.intervalStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= cp) lo = mid;
      else hi = mid - 1;
    }
    return this.intervalClass[lo];
  }
}

/** Sorted starts of the intervals on which every set, `\n`-ness and word-ness are constant. */
function intervalStartsOf(prog: RegexProgram): Int32Array {
  const cuts = new Set<number>([0, 10, 11]);
  for (const r of prog.sets) {
    for (let i = 0; i < r.length; i += 2) {
      cuts.add(r[i]);
      if (r[i + 1] < MAX_CODE_POINT) cuts.add(r[i + 1] + 1);
    }
  }
  // Word characters: [0-9A-Z_a-z].
  for (const cut of [0x30, 0x3a, 0x41, 0x5b, 0x5f, 0x60, 0x61, 0x7b]) cuts.add(cut);
  return Int32Array.from(cuts).sort();
}

/** Gives intervals with identical membership the same class id; fills `classes` and one representative per class. */
function classifyIntervals(prog: RegexProgram, starts: Int32Array, classes: Int32Array, reps: number[]): void {
  const sets = prog.sets.length;
  if (starts.length * (sets + 1) > MAX_CLASS_MERGE_WORK) {
    for (let j = 0; j < starts.length; j++) {
      classes[j] = j;
      reps.push(starts[j]);
    }
    return;
  }
  const ids = new Map<string, number>();
  for (let j = 0; j < starts.length; j++) {
    const cp = starts[j];
    let sig = cp === 10 ? "n" : isWordChar(cp) ? "w" : "-";
    for (let s = 0; s < sets; s++) sig += prog.setHas(s, cp) ? "1" : "0";
    let id = ids.get(sig);
    if (id === undefined) {
      id = reps.length;
      ids.set(sig, id);
      reps.push(cp);
    }
    classes[j] = id;
  }
}
