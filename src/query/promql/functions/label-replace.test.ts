import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Labels, Value } from "../values.ts";
import { CaptureRegex, expandTemplate } from "./capture-regex.ts";
import { PROM_FUNCTIONS } from "./index.ts";

const CTX = { timeMs: 0, rangeMs: 0, startMs: 0, endMs: 0 };
const str = (v: string): Value => ({ kind: "string", t: 0, v });

function labelReplace(labels: Labels, dst: string, repl: string, src: string, re: string): Labels {
  const input: Value = { kind: "vector", samples: [{ labels, t: 0, v: 1 }] };
  const out = PROM_FUNCTIONS.get("label_replace")!.call([input, str(dst), str(repl), str(src), str(re)], CTX);
  assert.equal(out.kind, "vector");
  return out.kind === "vector" ? out.samples[0]!.labels : {};
}

describe("label_replace", () => {
  const src = { __name__: "up", src: "host-1:8080" };
  const cases = [
    { name: "numbered groups", input: ["port", "$2", "src", "(.*):(.*)"], want: { ...src, port: "8080" } },
    { name: "braced group before text", input: ["h", "${1}_x", "src", "([a-z]+)-.*"], want: { ...src, h: "host_x" } },
    { name: "$1x names group 1x, which is empty", input: ["h", "$1x", "src", "(h.*)"], want: src },
    { name: "named group and $$", input: ["h", "$$$name", "src", "(?P<name>[a-z]+).*"], want: { ...src, h: "$host" } },
    { name: "$0 is the whole value", input: ["h", "[$0]", "src", "host.*"], want: { ...src, h: "[host-1:8080]" } },
    { name: "a non-match leaves the sample alone", input: ["h", "x", "src", "db.*"], want: src },
    { name: "the match is anchored", input: ["h", "x", "src", "host"], want: src },
    { name: "an empty result deletes the label", input: ["src", "", "src", ".*"], want: { __name__: "up" } },
    { name: "a missing source label is matched as empty", input: ["h", "e", "nope", ""], want: { ...src, h: "e" } },
    {
      name: "dot matches newline as in (?s)",
      input: ["h", "$1", "v", "a(.)b"],
      want: { v: "a\nb", h: "\n" },
      labels: { v: "a\nb" },
    },
    { name: "case-insensitive flag", input: ["h", "$1", "src", "(?i)(HOST)-.*"], want: { ...src, h: "host" } },
    {
      name: "lazy vs greedy groups",
      input: ["h", "$1|$2", "src", "(.*?)(\\d.*)"],
      want: { ...src, h: "host-|1:8080" },
    },
    {
      name: "may set the metric name",
      input: ["__name__", "renamed", "src", ".*"],
      want: { ...src, __name__: "renamed" },
    },
    {
      name: "unicode class",
      input: ["h", "$1", "v", "(\\p{Greek}+)!"],
      want: { v: "αβ!", h: "αβ" },
      labels: { v: "αβ!" },
    },
  ];
  for (const { name, input, want, labels } of cases) {
    it(name, () => assert.deepEqual(labelReplace(labels ?? src, input[0]!, input[1]!, input[2]!, input[3]!), want));
  }
  it("rejects a bad regex as an execution error", () => {
    assert.throws(
      () => labelReplace(src, "h", "$1", "src", "(a"),
      (e: { code?: string }) => e.code === "PROMQL_EXEC_BAD_REGEX",
    );
    assert.throws(
      () => labelReplace(src, "h", "$1", "src", "(a)\\1"),
      (e: { code?: string }) => e.code === "PROMQL_EXEC_BAD_REGEX",
    );
  });
  it("rejects an empty destination label", () => {
    assert.throws(
      () => labelReplace(src, "", "x", "src", ".*"),
      (e: { code?: string }) => e.code === "PROMQL_EXEC_BAD_LABEL_NAME",
    );
  });
  it("runs a catastrophic-backtracking pattern in linear time", () => {
    const value = "a".repeat(20_000) + "!";
    const start = performance.now();
    assert.deepEqual(labelReplace({ v: value }, "h", "$1", "v", "((a+)+)!"), { v: value, h: value.slice(0, -1) });
    assert.ok(performance.now() - start < 2000);
  });
});

describe("expandTemplate (Go Regexp.ExpandString)", () => {
  const groups = Int32Array.from([0, 3, 0, 1, -1, -1]);
  const names = ["", "first", ""];
  const cases = [
    { name: "plain text", input: "abc", want: "abc" },
    { name: "$1 and ${1}", input: "$1-${1}", want: "x-x" },
    { name: "a group that did not participate is empty", input: "<$2>", want: "<>" },
    { name: "an out-of-range group is empty", input: "<$9>", want: "<>" },
    { name: "named group", input: "$first/${first}", want: "x/x" },
    { name: "$$ is a dollar", input: "$$1", want: "$1" },
    { name: "a dollar before a non-name stays", input: "$-${", want: "$-${" },
    { name: "an unclosed brace stays literal", input: "${1", want: "${1" },
    { name: "leading zeros make a name, not a number", input: "$01", want: "" },
  ];
  for (const { name, input, want } of cases)
    it(name, () => assert.equal(expandTemplate(input, "xyz", groups, names), want));
});

describe("CaptureRegex agrees with JavaScript's backtracking semantics on simple patterns", () => {
  // Leftmost-first (Perl) submatches; both engines implement them, JavaScript by backtracking. The patterns are
  // fixed and small, and inputs short, so the backtracking reference is safe here. Patterns where a group inside a
  // repeat skips the last iteration are left out: JavaScript resets such groups, Go keeps their last value.
  const patterns = [
    "(a*)(a*)",
    "(a|ab)(c|bcd)(d*)",
    "(a+?)(b*)(.*)",
    "((a|b)*)c?",
    "(a|b)*(c|d)",
    "(a{1,2})(a{0,3}?)(b|$)",
    "([ab]+)(\\w?)d*",
  ];
  for (const p of patterns) {
    it(p, () => {
      const ours = CaptureRegex.compile(`(?s:${p})`);
      const js = new RegExp(`^(?:${p})$`, "s");
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom("a", "b", "c", "d"), maxLength: 8 }), (s) => {
          const m = js.exec(s);
          const g = ours.match(s);
          if (m === null) return g === null;
          if (g === null) return false;
          for (let i = 0; i < m.length; i++) {
            const want = m[i] === undefined ? undefined : m[i];
            const got = g[2 * i]! < 0 ? undefined : s.slice(g[2 * i]!, g[2 * i + 1]!);
            if (want !== got) return false;
          }
          return true;
        }),
        { seed: 42, numRuns: 300 },
      );
    });
  }
});
