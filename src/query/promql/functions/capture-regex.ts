// Submatch extraction for label_replace: a Pike VM with capture slots over the tree of capture-regex-parser.ts,
// giving Go's leftmost-first submatches of an anchored match in O(program × input × groups) time, with no
// backtracking. SafeRegex stays the judge of whether a value matches; this only finds the groups.
import { InvalidError } from "../../../base/index.ts";
import type { CaptureNode, CharClass } from "./capture-regex-parser.ts";
import {
  ASSERT_BEGIN_LINE,
  ASSERT_BEGIN_TEXT,
  ASSERT_END_LINE,
  ASSERT_END_TEXT,
  ASSERT_NOT_WORD,
  ASSERT_WORD,
  parseCaptureRegex,
} from "./capture-regex-parser.ts";

/** Entries of a CaptureRegex's result memo. */
const MEMO_MAX = 16_384;
/** Most instructions a compiled pattern may have; bounds memory and per-character work. */
const MAX_PROGRAM = 100_000;

const OP_CHAR = 0;
const OP_SPLIT = 1;
const OP_JMP = 2;
const OP_SAVE = 3;
const OP_ASSERT = 4;
const OP_MATCH = 5;

/** True when code point `cp` is in `cls`. */
function classHas(cls: CharClass, cp: number): boolean {
  let hit = rangesHave(cls.ranges, cp) || propsHave(cls.props, cp);
  if (!hit && cls.fold) {
    const s = String.fromCodePoint(cp);
    const lo = s.toLowerCase();
    const up = s.toUpperCase();
    if (lo.length === s.length && lo !== s)
      hit = rangesHave(cls.ranges, lo.codePointAt(0)!) || propsHave(cls.props, lo.codePointAt(0)!);
    if (!hit && up.length === s.length && up !== s) {
      hit = rangesHave(cls.ranges, up.codePointAt(0)!) || propsHave(cls.props, up.codePointAt(0)!);
    }
  }
  return hit !== cls.negated;
}

function rangesHave(r: number[], cp: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (cp >= r[i]! && cp <= r[i + 1]!) return true;
  return false;
}

function propsHave(props: RegExp[], cp: number): boolean {
  if (props.length === 0) return false;
  const s = String.fromCodePoint(cp);
  for (let i = 0; i < props.length; i++) if (props[i]!.test(s)) return true;
  return false;
}

function isWordChar(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
}

/** Thompson construction into parallel arrays. */
class Compiler {
  readonly op: number[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly classes: CharClass[] = [];
  readonly pattern: string;

  constructor(pattern: string) {
    this.pattern = pattern;
  }

  emit(op: number, x: number, y: number): number {
    if (this.op.length >= MAX_PROGRAM) {
      throw new InvalidError(
        "PROMQL_EXEC_BAD_REGEX",
        `regular expression too large for label_replace(): ${this.pattern}`,
      );
    }
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    return this.op.length - 1;
  }

  /** Emits `n`; every instruction jumps forward to the next one emitted unless it says otherwise. */
  node(n: CaptureNode): void {
    switch (n.t) {
      case "empty":
        return;
      case "class":
        this.classes.push(n.cls);
        this.emit(OP_CHAR, this.classes.length - 1, 0);
        return;
      case "assert":
        this.emit(OP_ASSERT, n.kind, 0);
        return;
      case "group":
        this.emit(OP_SAVE, 2 * n.index, 0);
        this.node(n.sub);
        this.emit(OP_SAVE, 2 * n.index + 1, 0);
        return;
      case "concat":
        for (const s of n.subs) this.node(s);
        return;
      case "alt": {
        const jumps: number[] = [];
        for (let i = 0; i < n.subs.length; i++) {
          if (i < n.subs.length - 1) {
            const split = this.emit(OP_SPLIT, 0, 0);
            this.x[split] = split + 1;
            this.node(n.subs[i]!);
            jumps.push(this.emit(OP_JMP, 0, 0));
            this.y[split] = this.op.length;
          } else this.node(n.subs[i]!);
        }
        for (const j of jumps) this.x[j] = this.op.length;
        return;
      }
      case "repeat":
        this.repeat(n.sub, n.min, n.max, n.greedy);
        return;
    }
  }

  repeat(sub: CaptureNode, min: number, max: number, greedy: boolean): void {
    for (let i = 0; i < min; i++) this.node(sub);
    if (max < 0) {
      // sub*: L: split(body, out); body; jmp L
      const split = this.emit(OP_SPLIT, 0, 0);
      this.node(sub);
      this.emit(OP_JMP, split, 0);
      this.setSplit(split, split + 1, this.op.length, greedy);
      return;
    }
    const splits: number[] = [];
    for (let i = min; i < max; i++) {
      splits.push(this.emit(OP_SPLIT, 0, 0));
      this.node(sub);
    }
    for (const s of splits) this.setSplit(s, s + 1, this.op.length, greedy);
  }

  setSplit(pc: number, body: number, out: number, greedy: boolean): void {
    this.x[pc] = greedy ? body : out;
    this.y[pc] = greedy ? out : body;
  }
}

/**
 * A compiled pattern that reports the submatches of a whole-input match. Immutable apart from a bounded memo
 * of past results.
 */
export class CaptureRegex {
  /** Capture group names by index (index 0 is the whole match, name ""); immutable. */
  readonly names: readonly string[];
  private readonly op: Int32Array;
  private readonly x: Int32Array;
  private readonly y: Int32Array;
  private readonly classes: CharClass[];
  private readonly slots: number;
  /** Results of {@link match} by input; label values repeat across a range query's steps. Cleared when full. */
  private readonly memo: Map<string, Int32Array | null>;

  private constructor(c: Compiler, names: string[]) {
    this.op = Int32Array.from(c.op);
    this.x = Int32Array.from(c.x);
    this.y = Int32Array.from(c.y);
    this.classes = c.classes;
    this.names = names;
    this.slots = 2 * names.length;
    this.memo = new Map();
  }

  /**
   * Compiles `pattern` (RE2 syntax). Callers wanting Prometheus's behaviour pass `"(?s:" + re + ")"`.
   * @throws InvalidError `PROMQL_EXEC_BAD_REGEX` for unreadable or oversized patterns.
   */
  static compile(pattern: string): CaptureRegex {
    const parsed = parseCaptureRegex(pattern);
    const c = new Compiler(pattern);
    c.node({ t: "group", index: 0, sub: parsed.node });
    c.emit(OP_MATCH, 0, 0);
    const names = parsed.names.slice(0, parsed.groupCount + 1);
    for (let i = 0; i < names.length; i++) names[i] ??= "";
    return new CaptureRegex(c, names);
  }

  /**
   * Matches all of `input`; returns UTF-16 offsets `[start0, end0, start1, end1, ...]` (-1 for groups that did
   * not take part) with Go's leftmost-first preference, or null when there is no match. The result is shared
   * between calls with the same input: callers must not mutate it.
   */
  match(input: string): Int32Array | null {
    const hit = this.memo.get(input);
    if (hit !== undefined) return hit;
    const r = this.run(input);
    if (this.memo.size >= MEMO_MAX) this.memo.clear();
    this.memo.set(input, r);
    return r;
  }

  private run(input: string): Int32Array | null {
    const cps: number[] = [];
    const offs: number[] = [];
    for (let i = 0; i < input.length;) {
      const cp = input.codePointAt(i)!;
      cps.push(cp);
      offs.push(i);
      i += cp > 0xffff ? 2 : 1;
    }
    offs.push(input.length);
    const n = cps.length;
    const progLen = this.op.length;
    const seen = new Int32Array(progLen).fill(-1);
    let clistPc: number[] = [];
    let clistCaps: Int32Array[] = [];
    const init = new Int32Array(this.slots).fill(-1);
    this.addThread(0, init, 0, cps, offs, seen, clistPc, clistCaps);
    for (let i = 0; i < n; i++) {
      const nextPc: number[] = [];
      const nextCaps: Int32Array[] = [];
      const cp = cps[i]!;
      for (let k = 0; k < clistPc.length; k++) {
        const pc = clistPc[k]!;
        if (this.op[pc] === OP_CHAR && classHas(this.classes[this.x[pc]!]!, cp)) {
          this.addThread(pc + 1, clistCaps[k]!, i + 1, cps, offs, seen, nextPc, nextCaps);
        }
      }
      clistPc = nextPc;
      clistCaps = nextCaps;
      if (clistPc.length === 0) return null;
    }
    for (let k = 0; k < clistPc.length; k++) if (this.op[clistPc[k]!] === OP_MATCH) return clistCaps[k]!;
    return null;
  }

  /** Follows the epsilon closure of `pc` at code point position `i`, appending CHAR/MATCH threads in priority order. */
  private addThread(
    pc0: number,
    caps0: Int32Array,
    i: number,
    cps: number[],
    offs: number[],
    seen: Int32Array,
    outPc: number[],
    outCaps: Int32Array[],
  ): void {
    const stackPc: number[] = [pc0];
    const stackCaps: Int32Array[] = [caps0];
    while (stackPc.length > 0) {
      const pc = stackPc.pop()!;
      const caps = stackCaps.pop()!;
      if (seen[pc] === i) continue;
      seen[pc] = i;
      switch (this.op[pc]) {
        case OP_CHAR:
        case OP_MATCH:
          outPc.push(pc);
          outCaps.push(caps);
          break;
        case OP_JMP:
          stackPc.push(this.x[pc]!);
          stackCaps.push(caps);
          break;
        case OP_SPLIT:
          // Push the lower-priority branch first so the preferred one is explored first.
          stackPc.push(this.y[pc]!, this.x[pc]!);
          stackCaps.push(caps, caps);
          break;
        case OP_SAVE: {
          const c = caps.slice();
          c[this.x[pc]!] = offs[i]!;
          stackPc.push(pc + 1);
          stackCaps.push(c);
          break;
        }
        case OP_ASSERT:
          if (assertHolds(this.x[pc]!, i, cps)) {
            stackPc.push(pc + 1);
            stackCaps.push(caps);
          }
          break;
      }
    }
  }
}

function assertHolds(kind: number, i: number, cps: number[]): boolean {
  const prev = i > 0 ? cps[i - 1]! : -1;
  const next = i < cps.length ? cps[i]! : -1;
  switch (kind) {
    case ASSERT_BEGIN_TEXT:
      return i === 0;
    case ASSERT_END_TEXT:
      return i === cps.length;
    case ASSERT_BEGIN_LINE:
      return i === 0 || prev === 10;
    case ASSERT_END_LINE:
      return i === cps.length || next === 10;
    case ASSERT_WORD:
    case ASSERT_NOT_WORD: {
      const boundary = (prev >= 0 && isWordChar(prev)) !== (next >= 0 && isWordChar(next));
      return kind === ASSERT_WORD ? boundary : !boundary;
    }
    default:
      return false;
  }
}

/**
 * Go `Regexp.ExpandString`: copies `template`, replacing `$n`, `${n}`, `$name`, `${name}` with the submatch
 * (empty when absent or unknown) and `$$` with `$`; a `$` not followed by a valid reference stays literal.
 * In `$name` the name is the longest run of letters, digits and `_`, so `$1x` names group "1x".
 */
export function expandTemplate(
  template: string,
  input: string,
  groups: Int32Array | null,
  names: readonly string[],
): string {
  let out = "";
  let rest = template;
  for (;;) {
    const d = rest.indexOf("$");
    if (d < 0) break;
    out += rest.slice(0, d);
    rest = rest.slice(d + 1);
    if (rest.startsWith("$")) {
      out += "$";
      rest = rest.slice(1);
      continue;
    }
    const m = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (m === null) {
      out += "$";
      continue;
    }
    rest = rest.slice(m[0].length);
    const name = m[1] ?? m[2]!;
    let idx = -1;
    if (/^(?:0|[1-9][0-9]{0,7})$/.test(name)) idx = Number(name);
    else if (!/^[0-9]+$/.test(name)) idx = names.indexOf(name, 1);
    if (groups !== null && idx >= 0 && 2 * idx + 1 < groups.length && groups[2 * idx]! >= 0) {
      out += input.slice(groups[2 * idx]!, groups[2 * idx + 1]!);
    }
  }
  return out + rest;
}

/** True when `template` refers to a submatch (anything but literal text and `$$`). */
export function templateUsesGroups(template: string): boolean {
  return /\$(?!\$)/.test(template.replace(/\$\$/g, ""));
}
