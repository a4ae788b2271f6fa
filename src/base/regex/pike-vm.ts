// Set-of-states NFA simulation (a Pike VM without captures): each input character is examined once against at most
// every instruction, so time is O(program × input) and there is no backtracking. Knows nothing of caching.
import { isWordChar } from "./char-set.ts";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_END_LINE,
  ASSERT_END_TEXT,
  ASSERT_NOT_WORD_BOUNDARY,
  ASSERT_WORD_BOUNDARY,
} from "./regex-node.ts";
import type { RegexProgram } from "./regex-program.ts";
import { OP_ASSERT, OP_MATCH, OP_SET, OP_SPLIT } from "./regex-program.ts";

/** Facts about the character before a position, which decide `^`, `\b` and friends. Bit flags. */
export const PREV_BEGIN = 1;
export const PREV_NEWLINE = 2;
export const PREV_WORD = 4;

/** Zero-width assertions that hold between a character with `prevFlags` and `next` (-1 at end of input). */
export function emptyFlags(prevFlags: number, next: number): number {
  let f = 0;
  if (prevFlags & PREV_BEGIN) f |= ASSERT_BEGIN_TEXT | ASSERT_BEGIN_LINE;
  if (prevFlags & PREV_NEWLINE) f |= ASSERT_BEGIN_LINE;
  if (next < 0) f |= ASSERT_END_TEXT | ASSERT_END_LINE;
  else if (next === 10) f |= ASSERT_END_LINE;
  const nextWord = next >= 0 && isWordChar(next);
  f |= ((prevFlags & PREV_WORD) !== 0) !== nextWord ? ASSERT_WORD_BOUNDARY : ASSERT_NOT_WORD_BOUNDARY;
  return f;
}

/** The PREV_* flags for the position after character `cp`. */
export function prevFlagsAfter(cp: number): number {
  return (cp === 10 ? PREV_NEWLINE : 0) | (isWordChar(cp) ? PREV_WORD : 0);
}

/**
 * Runs a program over a string. Holds scratch sized to the program, so one instance serves one caller at a time
 * (calls must not interleave; JavaScript's single thread guarantees that for synchronous use).
 * Also exposes its two primitives, {@link closure} and {@link advance}, which the lazy DFA uses to build states.
 */
export class PikeVm {
  /** The program; shared, immutable. */
  readonly prog: RegexProgram;
  /** True: a match must start at 0 and end at the input's end. False: a match may lie anywhere. */
  readonly anchored: boolean;
  /**
   * True when a match may begin at any position, so the start is re-added after every character: unanchored and
   * not begin-anchored (a leading `^` or `\A` cannot hold past position 0, and re-adding would only cost time).
   */
  readonly restartEachChar: boolean;
  /** Instructions visited plus characters tested since construction; tests bound work with it. Only grows. */
  steps: number;
  /** Consuming (SET) instructions found by the last {@link closure}: `consumers[0..consumerCount)`. */
  readonly consumers: Int32Array;
  consumerCount: number;
  /** Successor list built by the last {@link advance}: `next[0..nextCount)`, no duplicates, unsorted. */
  next: Int32Array;
  nextCount: number;
  /** Other list buffer, swapped with `next` while running. */
  private spare: Int32Array;
  /** Generation marks per instruction: visited by the current closure / queued by the current advance. */
  private readonly seen: Int32Array;
  private readonly queued: Int32Array;
  private generation: number;
  private readonly stack: Int32Array;

  constructor(prog: RegexProgram, anchored: boolean) {
    const n = prog.length;
    this.prog = prog;
    this.anchored = anchored;
    this.steps = 0;
    this.consumers = new Int32Array(n);
    this.consumerCount = 0;
    this.next = new Int32Array(n + 1);
    this.nextCount = 0;
    this.spare = new Int32Array(n + 1);
    this.seen = new Int32Array(n);
    this.queued = new Int32Array(n);
    this.generation = 0;
    // Each instruction is expanded once and pushes at most two successors.
    this.stack = new Int32Array(2 * n + n + 2);
    this.restartEachChar = !anchored && this.canStartAfterBegin();
  }

  /** True when something is reachable from the start where every assertion but "beginning of text" holds. */
  private canStartAfterBegin(): boolean {
    const all = ASSERT_BEGIN_LINE | ASSERT_END_LINE | ASSERT_END_TEXT | ASSERT_WORD_BOUNDARY | ASSERT_NOT_WORD_BOUNDARY;
    const matched = this.closure(Int32Array.of(this.prog.start), 1, all);
    const some = matched || this.consumerCount > 0;
    this.steps = 0;
    return some;
  }

  /**
   * Follows empty transitions from `list[0..count)` where the assertions in `flags` hold, collecting consuming
   * instructions into `consumers`. Returns true when MATCH is reachable.
   */
  closure(list: Int32Array, count: number, flags: number): boolean {
    const { op, out, arg } = this.prog;
    const seen = this.seen;
    const stack = this.stack;
    const gen = this.bump();
    let sp = 0;
    let matched = false;
    let nc = 0;
    for (let i = count - 1; i >= 0; i--) stack[sp++] = list[i]!;
    let visited = 0;
    while (sp > 0) {
      const pc = stack[--sp];
      if (seen[pc] === gen) continue;
      seen[pc] = gen;
      visited++;
      switch (op[pc]) {
        case OP_SET:
          this.consumers[nc++] = pc;
          break;
        case OP_SPLIT:
          stack[sp++] = arg[pc]!;
          stack[sp++] = out[pc]!;
          break;
        case OP_ASSERT:
          if ((flags & arg[pc]) !== 0) stack[sp++] = out[pc]!;
          break;
        case OP_MATCH:
          matched = true;
          break;
      }
    }
    this.consumerCount = nc;
    this.steps += visited;
    return matched;
  }

  /** Moves every consumer that accepts `cp` to its successor, into `next` (plus the start if `restartEachChar`). */
  advance(cp: number): void {
    const prog = this.prog;
    const out = prog.out;
    const arg = prog.arg;
    const queued = this.queued;
    const gen = this.bump();
    const next = this.next;
    let n = 0;
    for (let i = 0; i < this.consumerCount; i++) {
      const pc = this.consumers[i];
      if (prog.setHas(arg[pc], cp)) {
        const to = out[pc];
        if (queued[to] !== gen) {
          queued[to] = gen;
          next[n++] = to;
        }
      }
    }
    if (this.restartEachChar && queued[prog.start] !== gen) next[n++] = prog.start;
    this.nextCount = n;
    this.steps += this.consumerCount;
  }

  /** True when the program matches `input` (whole input when anchored, anywhere otherwise). */
  test(input: string): boolean {
    const first = this.spare;
    first[0] = this.prog.start;
    return this.run(input, 0, first, 1, PREV_BEGIN);
  }

  /**
   * Continues a match at UTF-16 offset `pos` from the pending instructions `list[0..count)` (not yet closed over)
   * with `prevFlags` describing the character before `pos`. `list` may be one of this VM's buffers.
   */
  run(input: string, pos: number, list: Int32Array, count: number, prevFlags: number): boolean {
    const n = input.length;
    let cur = list;
    let curCount = count;
    let prev = prevFlags;
    for (let i = pos; i < n;) {
      let cp = input.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff && i < n) {
        const lo = input.charCodeAt(i);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      const matched = this.closure(cur, curCount, emptyFlags(prev, cp));
      if (matched && !this.anchored) return true;
      if (this.consumerCount === 0 && !this.restartEachChar) return false;
      if (cur === this.next) this.swap();
      this.advance(cp);
      cur = this.next;
      curCount = this.nextCount;
      this.swap();
      prev = prevFlagsAfter(cp);
    }
    return this.closure(cur, curCount, emptyFlags(prev, -1));
  }

  /** Exchanges `next` and `spare`, so `advance` never overwrites the list being read. */
  private swap(): void {
    const t = this.next;
    this.next = this.spare;
    this.spare = t;
  }

  private bump(): number {
    // Generation marks avoid clearing `seen`/`queued` per step; on wrap-around clear them once.
    if (this.generation === 0x7fffffff) {
      this.seen.fill(0);
      this.queued.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }
}
