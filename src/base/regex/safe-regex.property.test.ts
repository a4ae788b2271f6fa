// Property: on random small regex trees built only from constructs RE2 and JS (`u` flag) read alike, and random
// strings, SafeRegex.test equals RegExp.test, anchored and unanchored.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LazyDfa } from "./lazy-dfa.ts";
import { parseRegex } from "./regex-parser.ts";
import { compileProgram } from "./regex-program.ts";
import { SafeRegex } from "./safe-regex.ts";

/** A generated regex in both syntaxes. */
interface Rendered {
  re2: string;
  js: string;
}

const PLAIN_CHARS = ["a", "b", "c", "-", "1", " ", "_", "\n", "😀"];
const FOLD_CHARS = ["a", "A", "k", "K", "\u212a", "s", "S", "ſ", "1", "-", "ß", "ẞ"];

function escapeChar(ch: string, inClass: boolean): string {
  if (ch === "\n") return "\\n";
  if (ch === "-" && inClass) return "\\-";
  return ch;
}

/**
 * Arbitrary regex trees over `chars`; `boundaries` adds \b (left out under (?i), where JS widens \w). `\B` is left
 * out: V8 tries positions inside a surrogate pair, where `\B` holds, so `/\B/u.test("a😀a")` is true there while
 * RE2 (and SafeRegex) see no such position. `dotJs` renders `.` for JS.
 */
function regexArb(chars: string[], boundaries: boolean, dotJs = "[^\\n]"): fc.Arbitrary<Rendered> {
  const same = (s: string): Rendered => ({ re2: s, js: s });
  const char = fc.constantFrom(...chars);
  const leaf = fc.oneof(
    { weight: 6, arbitrary: char.map((c) => same(escapeChar(c, false))) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.boolean(), fc.uniqueArray(char, { minLength: 1, maxLength: 3 }))
        .map(([neg, cs]) => same(`[${neg ? "^" : ""}${cs.map((c) => escapeChar(c, true)).join("")}]`)),
    },
    { weight: 1, arbitrary: fc.constantFrom("[a-c]", "[^a-c]", "[0-9a]", "\\d", "\\D", "\\w", "\\W").map(same) },
    { weight: 1, arbitrary: fc.constant({ re2: ".", js: dotJs }) },
    { weight: 1, arbitrary: fc.constantFrom(...(boundaries ? ["^", "$", "\\b"] : ["^", "$"])).map(same) },
  );
  const { node } = fc.letrec<{ node: Rendered }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((xs) => ({
        re2: xs.map((x) => x.re2).join(""),
        js: xs.map((x) => x.js).join(""),
      })),
      fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map((xs) => ({
        re2: `(?:${xs.map((x) => x.re2).join("|")})`,
        js: `(?:${xs.map((x) => x.js).join("|")})`,
      })),
      fc
        .tuple(tie("node"), fc.constantFrom("*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}"), fc.boolean())
        .map(([x, q, lazy]) => {
          const op = q + (lazy ? "?" : "");
          return { re2: `(?:${x.re2})${op}`, js: `(?:${x.js})${op}` };
        }),
      tie("node").map((x) => ({ re2: `(${x.re2})`, js: `(${x.js})` })),
    ),
  }));
  return node;
}

function check(r: Rendered, reFlags: string, jsFlags: string, inputs: string[]): void {
  const pattern = reFlags === "" ? r.re2 : `(?${reFlags})${r.re2}`;
  const loose = SafeRegex.compile(pattern, { anchored: false });
  const whole = SafeRegex.compile(pattern, { anchored: true });
  const jsLoose = new RegExp(r.js, "u" + jsFlags);
  const jsWhole = new RegExp(`^(?:${r.js})$`, "u" + jsFlags);
  // SafeRegex may answer a finite language by set lookup; check the automaton on its own as well.
  const prog = compileProgram(parseRegex(pattern), pattern);
  const dfaLoose = new LazyDfa(prog, false);
  const dfaWhole = new LazyDfa(prog, true);
  for (const s of inputs) {
    const wantLoose = jsLoose.test(s);
    const wantWhole = jsWhole.test(s);
    assert.equal(loose.test(s), wantLoose, `unanchored ${pattern} on ${JSON.stringify(s)}`);
    assert.equal(whole.test(s), wantWhole, `anchored ${pattern} on ${JSON.stringify(s)}`);
    assert.equal(dfaLoose.test(s), wantLoose, `dfa unanchored ${pattern} on ${JSON.stringify(s)}`);
    assert.equal(dfaWhole.test(s), wantWhole, `dfa anchored ${pattern} on ${JSON.stringify(s)}`);
  }
}

void describe("SafeRegex equals RegExp on random regexes", () => {
  void it("for case-sensitive trees with assertions", () => {
    const inputs = fc.array(fc.string({ unit: fc.constantFrom(...PLAIN_CHARS), maxLength: 8 }), { maxLength: 10 });
    fc.assert(
      fc.property(regexArb(PLAIN_CHARS, true), inputs, (r, ss) => check(r, "", "", ss)),
      { seed: 42, numRuns: 1500 },
    );
  });

  void it("for case-insensitive trees (simple case folding)", () => {
    const inputs = fc.array(fc.string({ unit: fc.constantFrom(...FOLD_CHARS), maxLength: 6 }), { maxLength: 10 });
    fc.assert(
      fc.property(regexArb(FOLD_CHARS, false), inputs, (r, ss) => check(r, "i", "i", ss)),
      { seed: 42, numRuns: 800 },
    );
  });

  void it("for dot-all trees", () => {
    const inputs = fc.array(fc.string({ unit: fc.constantFrom(...PLAIN_CHARS), maxLength: 8 }), { maxLength: 10 });
    const dotAll = regexArb(PLAIN_CHARS, true, ".");
    fc.assert(
      fc.property(dotAll, inputs, (r, ss) => check(r, "s", "s", ss)),
      { seed: 42, numRuns: 500 },
    );
  });
});
