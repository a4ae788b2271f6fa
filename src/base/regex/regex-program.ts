// Thompson compilation of a RegexNode tree into a flat NFA program held in typed arrays, with a size limit that
// bounds the memory and per-character work of matching. Knows nothing of how the program is run.
import type { RegexNode } from "./regex-node.ts";
import { regexError } from "./regex-parser.ts";

/** Most instructions a program may have; bounds matcher memory and per-character work (RE2 caps size too). */
const MAX_PROGRAM_SIZE = 10_000;

/** Opcodes. SET consumes one character in `sets[arg]`; SPLIT forks to `out` and `arg`; ASSERT checks `arg`. */
export const OP_MATCH = 0;
export const OP_SET = 1;
export const OP_SPLIT = 2;
export const OP_ASSERT = 3;

/**
 * A compiled NFA. Instruction `pc` is `op[pc]` with successor `out[pc]` and operand `arg[pc]`. Immutable after
 * {@link compileProgram} returns; safe to share between matchers.
 */
export class RegexProgram {
  /** Opcode per instruction. */
  readonly op: Uint8Array;
  /** Successor per instruction (-1 for MATCH). */
  readonly out: Int32Array;
  /** SET: set index; SPLIT: second successor; ASSERT: one ASSERT_* bit. */
  readonly arg: Int32Array;
  /** Entry instruction. */
  readonly start: number;
  /** Distinct character sets as normalized `[lo, hi, …]` code-point ranges. */
  readonly sets: readonly Int32Array[];
  /** For each set, a 128-bit ASCII membership bitmap: four words per set. */
  readonly asciiBits: Uint32Array;
  /** OR of every ASSERT_* kind the program uses. */
  readonly assertKinds: number;

  constructor(op: Uint8Array, out: Int32Array, arg: Int32Array, start: number, sets: Int32Array[]) {
    this.op = op;
    this.out = out;
    this.arg = arg;
    this.start = start;
    this.sets = sets;
    this.asciiBits = new Uint32Array(sets.length * 4);
    let kinds = 0;
    for (let pc = 0; pc < op.length; pc++) if (op[pc] === OP_ASSERT) kinds |= arg[pc];
    this.assertKinds = kinds;
    for (let s = 0; s < sets.length; s++) {
      const r = sets[s];
      for (let i = 0; i < r.length && r[i] < 128; i += 2) {
        const hi = Math.min(r[i + 1], 127);
        for (let cp = r[i]; cp <= hi; cp++) this.asciiBits[s * 4 + (cp >> 5)] |= 1 << (cp & 31);
      }
    }
  }

  /** Number of instructions. */
  get length(): number {
    return this.op.length;
  }

  /** True when character `cp` is in set `s`. */
  setHas(s: number, cp: number): boolean {
    if (cp < 128) return (this.asciiBits[s * 4 + (cp >> 5)] & (1 << (cp & 31))) !== 0;
    const r = this.sets[s];
    let lo = 0;
    let hi = (r.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < r[2 * mid]) hi = mid - 1;
      else if (cp > r[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

/**
 * Compiles `node` to a program.
 * @throws InvalidError `BASE_BAD_REGEX` when the program would exceed {@link MAX_PROGRAM_SIZE} instructions;
 *   compilation stops at the limit, so its own work is bounded too.
 */
export function compileProgram(node: RegexNode, pattern: string): RegexProgram {
  const b = new ProgramBuilder(pattern);
  const match = b.emit(OP_MATCH, -1, 0);
  const start = b.compile(node, match);
  return new RegexProgram(
    Uint8Array.from(b.op),
    Int32Array.from(b.out),
    Int32Array.from(b.arg),
    start,
    b.sets.map((s) => Int32Array.from(s)),
  );
}

/** Builds a program back to front: each node compiles given the instruction that follows it. */
class ProgramBuilder {
  /** Instruction columns; grow until the builder is done. */
  readonly op: number[] = [];
  readonly out: number[] = [];
  readonly arg: number[] = [];
  /** Distinct sets and their index by content, so `[0-9]` used twice is one set. */
  readonly sets: number[][] = [];
  private readonly setIndex = new Map<string, number>();
  private readonly pattern: string;

  constructor(pattern: string) {
    this.pattern = pattern;
  }

  emit(op: number, out: number, arg: number): number {
    if (this.op.length >= MAX_PROGRAM_SIZE) {
      regexError(this.pattern, 0, `regex too large: more than ${MAX_PROGRAM_SIZE} instructions`);
    }
    this.op.push(op);
    this.out.push(out);
    this.arg.push(arg);
    return this.op.length - 1;
  }

  /** Returns the entry of `node` compiled to continue at `next`. */
  compile(node: RegexNode, next: number): number {
    switch (node.kind) {
      case "empty":
        return next;
      case "set":
        return this.emit(OP_SET, next, this.internSet(node.set.ranges));
      case "assert":
        return this.emit(OP_ASSERT, next, node.assert);
      case "concat": {
        let cur = next;
        for (let i = node.items.length - 1; i >= 0; i--) cur = this.compile(node.items[i], cur);
        return cur;
      }
      case "alternate": {
        const n = node.items.length;
        let cur = this.compile(node.items[n - 1], next);
        for (let i = n - 2; i >= 0; i--) {
          const entry = this.compile(node.items[i], next);
          cur = this.emit(OP_SPLIT, entry, cur);
        }
        return cur;
      }
      case "repeat":
        return this.compileRepeat(node.sub, node.min, node.max, next);
    }
  }

  private compileRepeat(sub: RegexNode, min: number, max: number, next: number): number {
    let cur = next;
    let copies = min;
    if (max < 0) {
      // x* is a loop on a SPLIT; x+ enters the body first. The loop carries one of the mandatory copies.
      const loop = this.emit(OP_SPLIT, -1, next);
      const body = this.compile(sub, loop);
      this.out[loop] = body;
      if (min === 0) return loop;
      cur = body;
      copies = min - 1;
    } else {
      // x{n,m}: the m-n optional copies nest, x(x(x)?)?, so each may stop early.
      for (let i = 0; i < max - min; i++) cur = this.emit(OP_SPLIT, this.compile(sub, cur), next);
    }
    for (let i = 0; i < copies; i++) cur = this.compile(sub, cur);
    return cur;
  }

  private internSet(ranges: readonly number[]): number {
    const key = ranges.join(",");
    let idx = this.setIndex.get(key);
    if (idx === undefined) {
      idx = this.sets.length;
      this.sets.push(ranges.slice());
      this.setIndex.set(key, idx);
    }
    return idx;
  }
}
