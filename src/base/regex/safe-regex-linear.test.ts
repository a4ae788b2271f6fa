// Work bounds: catastrophic-backtracking patterns finish within O(program × input) steps on both the Pike VM and
// the lazy DFA, measured by step counters (not wall time), and the DFA cache stays bounded.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LazyDfa, MAX_DFA_STATES } from "./lazy-dfa.ts";
import { PikeVm } from "./pike-vm.ts";
import { parseRegex } from "./regex-parser.ts";
import { compileProgram } from "./regex-program.ts";
import { SafeRegex } from "./safe-regex.ts";

const CATASTROPHIC = [
  {
    name: "nested plus before $",
    input: { p: "(a+)+$", s: "a".repeat(30) + "b" },
    want: { unanchored: false, anchored: false },
  },
  {
    name: "nested star before b",
    input: { p: "(a*)*b", s: "a".repeat(5000) },
    want: { unanchored: false, anchored: false },
  },
  {
    name: "overlapping alternation",
    input: { p: "(a|aa)+$", s: "a".repeat(5000) + "b" },
    want: { unanchored: false, anchored: false },
  },
  {
    name: "adjacent pluses",
    input: { p: "(x+x+)+y", s: "x".repeat(5000) },
    want: { unanchored: false, anchored: false },
  },
  {
    name: "repeated dot-star",
    input: { p: "(.*a){20}", s: "a".repeat(19) + "b".repeat(5000) },
    want: { unanchored: false, anchored: false },
  },
  {
    name: "optional run",
    input: { p: "^(a?){25}a{25}$", s: "a".repeat(25) },
    want: { unanchored: true, anchored: true },
  },
  {
    name: "word-space run",
    input: { p: "(\\w+\\s?)+$", s: "word ".repeat(1000) + "!" },
    want: { unanchored: false, anchored: false },
  },
  {
    name: "email-like",
    input: {
      p: "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
      s: "a".repeat(3000) + "!",
    },
    want: { unanchored: false, anchored: false },
  },
];

/** Generous linear bound: every instruction visited a few times per character. */
function bound(programSize: number, inputLength: number): number {
  return 4 * (programSize + 2) * (inputLength + 2);
}

void describe("catastrophic patterns run in linear steps", () => {
  for (const { name, input, want } of CATASTROPHIC) {
    for (const anchored of [false, true]) {
      const expected = anchored ? want.anchored : want.unanchored;
      void it(`${name} (anchored ${anchored}) on the Pike VM`, () => {
        const prog = compileProgram(parseRegex(input.p), input.p);
        const vm = new PikeVm(prog, anchored);
        assert.equal(vm.test(input.s), expected);
        assert.ok(vm.steps <= bound(prog.length, input.s.length), `${vm.steps} steps`);
      });
      void it(`${name} (anchored ${anchored}) on the lazy DFA`, () => {
        const prog = compileProgram(parseRegex(input.p), input.p);
        const dfa = new LazyDfa(prog, anchored);
        assert.equal(dfa.test(input.s), expected);
        assert.ok(dfa.scanned + dfa.vm.steps <= bound(prog.length, input.s.length), `${dfa.vm.steps} steps`);
        assert.equal(SafeRegex.compile(input.p, { anchored }).test(input.s), expected);
      });
    }
  }
});

void describe("lazy DFA cache", () => {
  // (a|b)*a(a|b){13} needs 2^14 DFA states: more than the cache holds.
  const pattern = "(a|b)*a(a|b){13}";
  const js = new RegExp(pattern);
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const inputs: string[] = [];
  for (let i = 0; i < 20; i++) {
    let s = "";
    for (let j = 0; j < 3000; j++) s += random() < 0.5 ? "a" : "b";
    inputs.push(s + "b".repeat(13 + (i % 2)));
  }

  void it("stays within its state limit, resets and still answers correctly", () => {
    const prog = compileProgram(parseRegex(pattern), pattern);
    const dfa = new LazyDfa(prog, true);
    for (const s of inputs) {
      assert.equal(dfa.test(s), js.test(s) && /^[ab]*$/.test(s) && new RegExp(`^(?:${pattern})$`).test(s));
      assert.ok(dfa.states <= MAX_DFA_STATES);
    }
    assert.ok(dfa.resets > 0, "expected the cache to overflow");
  });

  void it("falls back to the Pike VM within linear steps when resets keep coming", () => {
    const prog = compileProgram(parseRegex(pattern), pattern);
    const dfa = new LazyDfa(prog, false);
    let total = 0;
    for (const s of inputs) {
      assert.equal(dfa.test(s), js.test(s));
      total += s.length;
    }
    assert.ok(dfa.scanned + dfa.vm.steps <= bound(prog.length, total));
  });

  void it("merges characters no instruction tells apart into one class", () => {
    const prog = compileProgram(parseRegex("host_1[0-9]+|web-.*"), "");
    // Classes: h o s t _ 1 [02-9] w e b - \n, other word chars, other non-word chars.
    assert.ok(new LazyDfa(prog, false).classes <= 16);
  });
});
