// SafeRegex against JS RegExp on a pattern × input table, plus literals, errors, limits and Unicode handling.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidError } from "../errors.ts";
import { LazyDfa } from "./lazy-dfa.ts";
import { PikeVm } from "./pike-vm.ts";
import { parseRegex } from "./regex-parser.ts";
import { compileProgram } from "./regex-program.ts";
import { SafeRegex } from "./safe-regex.ts";

/** An RE2 pattern and the JS RegExp source (with flags) that means the same; `js` defaults to `re2`. */
interface Pair {
  re2: string;
  js?: string;
  flags?: string;
}

// Patterns whose RE2 meaning equals the JS meaning under the `u` flag (given inputs free of \r, \u2028, \u2029).
const PAIRS: Pair[] = [
  { re2: "" },
  { re2: "a" },
  { re2: "abc" },
  { re2: "a|b" },
  { re2: "ab|cd" },
  { re2: "a*" },
  { re2: "a+" },
  { re2: "a?" },
  { re2: "a{2}" },
  { re2: "a{2,}" },
  { re2: "a{1,3}" },
  { re2: "a{0}" },
  { re2: "a{0,0}b" },
  { re2: "(ab){2,3}" },
  { re2: "(a|b)*c" },
  { re2: "(?:ab)+" },
  { re2: "a*?" },
  { re2: "a+?b" },
  { re2: "a??b" },
  { re2: "a{1,2}?b" },
  { re2: "[abc]" },
  { re2: "[^abc]" },
  { re2: "[a-z]+" },
  { re2: "[^a-z]" },
  { re2: "[a-]" },
  { re2: "[]a]", js: "[\\]a]" },
  { re2: "[\\]]" },
  { re2: "[\\-x]" },
  { re2: "[\\d_]" },
  { re2: "[^\\n]" },
  { re2: "." },
  { re2: ".*" },
  { re2: ".+" },
  { re2: "a.c" },
  { re2: "^a" },
  { re2: "a$" },
  { re2: "^$" },
  { re2: "^a|b$" },
  { re2: "\\Aa", js: "^a" },
  { re2: "a\\z", js: "a$" },
  { re2: "\\d+" },
  { re2: "\\D" },
  { re2: "\\w+" },
  { re2: "\\W" },
  { re2: "\\s", js: "[\\t\\n\\f\\r ]" },
  { re2: "\\S+", js: "[^\\t\\n\\f\\r ]+" },
  { re2: "\\bfoo\\b" },
  { re2: "\\Bo" },
  { re2: "\\b" },
  { re2: "\\.", js: "\\." },
  { re2: "a\\+b" },
  { re2: "\\x41" },
  { re2: "\\x{263a}", js: "\\u{263a}" },
  { re2: "\\x{1F600}", js: "\\u{1F600}" },
  { re2: "\\t|\\n" },
  { re2: "\\012", js: "\\n" },
  { re2: "\\Q.*\\E", js: "\\.\\*" },
  { re2: "a{,2}", js: "a\\{,2\\}" },
  { re2: "a{", js: "a\\{" },
  { re2: "x}", js: "x\\}" },
  { re2: "host_1[0-9]+|web-.*" },
  { re2: "us-(east|west)-[12]" },
  { re2: "cpu[0-9]{1,2}" },
  { re2: "(?i)abc", js: "abc", flags: "i" },
  { re2: "(?i)k", js: "k", flags: "i" },
  { re2: "(?i)[a-z]+", js: "[a-z]+", flags: "i" },
  { re2: "(?i)[^k]", js: "[^k]", flags: "i" },
  { re2: "(?i)σ", js: "σ", flags: "i" },
  { re2: "(?i)\\w+", js: "\\w+", flags: "i" },
  { re2: "(?i)\\W", js: "\\W", flags: "i" },
  { re2: "(?i)é", js: "é", flags: "i" },
  { re2: "(?i)\\x{10400}", js: "\\u{10400}", flags: "i" },
  { re2: "a(?i)b", js: "a[bB]" },
  { re2: "(?i:a)b", js: "[aA]b" },
  { re2: "(?i)a(?-i)b", js: "[aA]b" },
  { re2: "(?i)a|b", js: "a|b", flags: "i" },
  { re2: "(?s).+", js: ".+", flags: "s" },
  { re2: "(?s:.)a", js: "[\\s\\S]a" },
  { re2: "(?m)^bar$", js: "^bar$", flags: "m" },
  { re2: "(?m)^b", js: "^b", flags: "m" },
  { re2: "(?m)a$", js: "a$", flags: "m" },
  { re2: "(?m)\\Ab", js: "(?<![\\s\\S])b" },
  { re2: "(?U)a+", js: "a+" },
  { re2: "(?P<name>a)+", js: "(?<name>a)+" },
  { re2: "(?<n>b)c" },
  { re2: "[[:alpha:]]+", js: "[A-Za-z]+" },
  { re2: "[[:digit:][:upper:]]", js: "[0-9A-Z]" },
  { re2: "[[:^alpha:]]", js: "[^A-Za-z]" },
  { re2: "[^[:space:]x]", js: "[^\\t\\n\\v\\f\\r x]" },
  { re2: "[[:punct:]]", js: "[!-\\/:-@\\[-`{-~]" },
  { re2: "[[:word:]]+", js: "\\w+" },
  { re2: "x*y*z*" },
  { re2: "(a*)*" },
  { re2: "(a|)+b" },
  { re2: "(|a)b" },
  { re2: "()" },
  { re2: "((a)|b)+" },
  { re2: "\\p{Greek}+", js: "\\p{Script=Greek}+" },
  { re2: "\\pL+", js: "\\p{L}+" },
  { re2: "\\PL", js: "\\P{L}" },
  { re2: "\\p{^Lu}", js: "\\P{Lu}" },
  { re2: "[\\p{Nd}x]", js: "[\\p{Nd}x]" },
  { re2: "(?i)\\p{Lu}", js: "\\p{Lu}", flags: "i" },
  { re2: "😀+" },
  { re2: "[😀-😂]" },
  { re2: "[^😀]" },
  { re2: "a😀?b" },
];

const INPUTS = [
  "",
  "a",
  "aa",
  "aaa",
  "ab",
  "abc",
  "abcabc",
  "ABC",
  "aBc",
  "b",
  "ac",
  "abab",
  "ababab",
  "c",
  "bc",
  "aab",
  "host_1",
  "host_12",
  "host_1x",
  "web-",
  "web-01",
  "xweb-1",
  "foo",
  "foo bar",
  "bar foo baz",
  "foobar",
  "foo\nbar",
  "\n",
  "a\nb",
  "bar\n",
  "123",
  "12ab34",
  "_",
  "a_b",
  "ſ",
  "K",
  "k",
  "\u212a",
  "é",
  "É",
  "αβγ",
  "ΑΒΓ",
  "σ",
  "Σ",
  "ς",
  "😀",
  "a😀b",
  "ab😀",
  "😁",
  "\u{10400}",
  "\u{10428}",
  "\ud800",
  "x\udc00y",
  "{",
  "a{2}",
  "a{,2}",
  "x}",
  "[]",
  "]",
  "-",
  "a.b",
  "a+b",
  "x-y",
  ".*",
  "   ",
  "\t",
  "\t\n",
  "cpu0",
  "cpu10",
  "cpu123",
  "us-east-1",
  "us-west-2",
  "eu-west-2",
  "☺",
  "A",
  "xyz",
  "zzz",
  "xxyz",
];

function jsRegExp(p: Pair, anchored: boolean): RegExp {
  const body = p.js ?? p.re2;
  const flags = p.flags ?? "";
  // Under the m flag JS's ^ and $ are line anchors, so anchor with lookarounds there. (Not everywhere: V8 lets
  // a lookbehind see a position inside a surrogate pair.)
  const wrapped = flags.includes("m") ? `(?<![\\s\\S])(?:${body})(?![\\s\\S])` : `^(?:${body})$`;
  return new RegExp(anchored ? wrapped : body, "u" + (p.flags ?? ""));
}

void describe("SafeRegex agrees with JS RegExp", () => {
  for (const anchored of [false, true]) {
    void it(`on ${PAIRS.length} patterns × ${INPUTS.length} inputs (anchored ${anchored})`, () => {
      for (const p of PAIRS) {
        const re = SafeRegex.compile(p.re2, { anchored });
        // SafeRegex answers finite languages by set lookup; check both automata on every pattern too.
        const prog = compileProgram(parseRegex(p.re2), p.re2);
        const dfa = new LazyDfa(prog, anchored);
        const vm = new PikeVm(prog, anchored);
        const js = jsRegExp(p, anchored);
        for (const input of INPUTS) {
          const want = js.test(input);
          const what = `pattern ${p.re2} on ${JSON.stringify(input)}`;
          assert.equal(re.test(input), want, what);
          assert.equal(dfa.test(input), want, "dfa " + what);
          assert.equal(vm.test(input), want, "pike " + what);
        }
      }
    });
  }

  void it("gives the same answer on a second pass, from a warm DFA cache", () => {
    for (const p of PAIRS.slice(0, 40)) {
      const re = SafeRegex.compile(p.re2, { anchored: false });
      const first = INPUTS.map((s) => re.test(s));
      assert.deepEqual(
        INPUTS.map((s) => re.test(s)),
        first,
      );
    }
  });
});

void describe("SafeRegex anchoring", () => {
  const table = [
    { name: "anchored needs the whole input", input: { p: "abc", anchored: true, s: "xabcx" }, want: false },
    { name: "unanchored finds a substring", input: { p: "abc", anchored: false, s: "xabcx" }, want: true },
    {
      name: "anchored alternation covers each branch whole",
      input: { p: "a|bc", anchored: true, s: "bc" },
      want: true,
    },
    { name: "anchored alternation is grouped", input: { p: "a|bc", anchored: true, s: "abc" }, want: false },
    { name: "$ without (?m) is end of text only", input: { p: "a$", anchored: false, s: "a\n" }, want: false },
    {
      name: "(?m) inside does not weaken the outer anchor",
      input: { p: "(?m)a$", anchored: true, s: "a\n" },
      want: false,
    },
    { name: "empty pattern anchored matches only empty", input: { p: "", anchored: true, s: "x" }, want: false },
    { name: "empty pattern unanchored matches anything", input: { p: "", anchored: false, s: "x" }, want: true },
    { name: "dot does not match newline by default", input: { p: ".", anchored: true, s: "\n" }, want: false },
    { name: "dot matches \\r, unlike JS", input: { p: "a.b", anchored: true, s: "a\rb" }, want: true },
    { name: "dot matches \\u2028, unlike JS", input: { p: ".", anchored: true, s: "\u2028" }, want: true },
    { name: "(?m)^ does not treat \\r as a line end", input: { p: "(?m)^b", anchored: false, s: "a\rb" }, want: false },
    { name: "surrogate pair is one character for dot", input: { p: "a.b", anchored: true, s: "a😀b" }, want: true },
    { name: "a lone surrogate is one character", input: { p: "a.b", anchored: true, s: "a\ud83db" }, want: true },
    { name: "\\s excludes \\v as in RE2", input: { p: "\\s", anchored: true, s: "\v" }, want: false },
    { name: "\\s excludes no-break space as in RE2", input: { p: "\\s", anchored: true, s: "\u00a0" }, want: false },
    { name: "\\b is ASCII-only", input: { p: "\\bé", anchored: false, s: "xé" }, want: true },
  ];
  for (const { name, input, want } of table) {
    void it(name, () => assert.equal(SafeRegex.compile(input.p, { anchored: input.anchored }).test(input.s), want));
  }
});

void describe("SafeRegex.literals", () => {
  const table = [
    { name: "a plain literal", input: { p: "foo", anchored: true }, want: ["foo"] },
    {
      name: "an alternation of literals, sorted",
      input: { p: "foo|bar|baz", anchored: true },
      want: ["bar", "baz", "foo"],
    },
    { name: "duplicates removed", input: { p: "a|a", anchored: true }, want: ["a"] },
    { name: "a grouped product", input: { p: "(a|b)_(x|y)", anchored: true }, want: ["a_x", "a_y", "b_x", "b_y"] },
    { name: "small classes and optional parts", input: { p: "x[12]?", anchored: true }, want: ["x", "x1", "x2"] },
    { name: "escaped metacharacters", input: { p: "a\\.b", anchored: true }, want: ["a.b"] },
    { name: "case folding expands", input: { p: "(?i)ab", anchored: true }, want: ["AB", "Ab", "aB", "ab"] },
    { name: "redundant anchors when anchored", input: { p: "^foo$", anchored: true }, want: ["foo"] },
    { name: "unanchored with ^…$", input: { p: "^(foo|bar)$", anchored: false }, want: ["bar", "foo"] },
    { name: "unanchored with \\A…\\z", input: { p: "\\Afoo\\z", anchored: false }, want: ["foo"] },
    { name: "empty pattern anchored", input: { p: "", anchored: true }, want: [""] },
    { name: "unanchored without anchors is a substring match", input: { p: "foo", anchored: false }, want: undefined },
    { name: "only one anchor", input: { p: "^foo", anchored: false }, want: undefined },
    { name: "(?m) anchors are not exact", input: { p: "(?m)^foo$", anchored: false }, want: undefined },
    { name: "an unbounded repeat", input: { p: "fo+", anchored: true }, want: undefined },
    { name: "a large class", input: { p: "host[0-9a-z]", anchored: true }, want: undefined },
    { name: "dot", input: { p: "a.", anchored: true }, want: undefined },
    { name: "too many strings", input: { p: "[0-9]{5}", anchored: true }, want: undefined },
    { name: "a word boundary", input: { p: "\\bfoo", anchored: true }, want: undefined },
  ];
  for (const { name, input, want } of table) {
    void it(`${want === undefined ? "is undefined for" : "lists"} ${name}`, () => {
      const re = SafeRegex.compile(input.p, { anchored: input.anchored });
      assert.deepEqual(re.literals(), want);
      if (want !== undefined) for (const s of want) assert.equal(re.test(s), true);
    });
  }

  void it("matches a 3000-value alternation, beyond the program size limit, by set lookup", () => {
    const values = Array.from({ length: 3000 }, (_, i) => `host-${i}.example.com`);
    const re = SafeRegex.compile(values.map((v) => v.replaceAll(".", "\\.")).join("|"), { anchored: true });
    assert.equal(re.literals()?.length, 3000);
    assert.equal(re.test("host-2999.example.com"), true);
    assert.equal(re.test("host-3000.example.com"), false);
    assert.equal(re.test("xhost-1.example.com"), false);
  });

  void it("returns a copy the caller may change", () => {
    const re = SafeRegex.compile("a|b", { anchored: true });
    re.literals()!.push("c");
    assert.deepEqual(re.literals(), ["a", "b"]);
  });
});

void describe("SafeRegex.compile errors", () => {
  const table = [
    { name: "missing )", input: "(a", want: "BASE_BAD_REGEX" },
    { name: "unexpected )", input: "a)", want: "BASE_BAD_REGEX" },
    { name: "missing ]", input: "[a", want: "BASE_BAD_REGEX" },
    { name: "missing ] after a leading ]", input: "[]", want: "BASE_BAD_REGEX" },
    { name: "nested repetition", input: "a**", want: "BASE_BAD_REGEX" },
    { name: "nested counted repetition", input: "a{2}{3}", want: "BASE_BAD_REGEX" },
    { name: "repetition without argument", input: "*a", want: "BASE_BAD_REGEX" },
    { name: "repetition after |", input: "a|+", want: "BASE_BAD_REGEX" },
    { name: "repetition after (", input: "(?:*)", want: "BASE_BAD_REGEX" },
    { name: "counted repetition without argument", input: "{2}", want: "BASE_BAD_REGEX" },
    { name: "backreference \\1", input: "(a)\\1", want: "BASE_BAD_REGEX" },
    { name: "backreference \\9", input: "\\9", want: "BASE_BAD_REGEX" },
    { name: "named backreference (?P=n)", input: "(?P<n>a)(?P=n)", want: "BASE_BAD_REGEX" },
    { name: "named backreference \\k", input: "\\k<n>", want: "BASE_BAD_REGEX" },
    { name: "lookahead", input: "(?=a)", want: "BASE_BAD_REGEX" },
    { name: "negative lookahead", input: "(?!a)", want: "BASE_BAD_REGEX" },
    { name: "lookbehind", input: "(?<=a)b", want: "BASE_BAD_REGEX" },
    { name: "negative lookbehind", input: "(?<!a)b", want: "BASE_BAD_REGEX" },
    { name: "repeat count above 1000", input: "a{1001}", want: "BASE_BAD_REGEX" },
    { name: "repeat range above 1000", input: "a{1,1001}", want: "BASE_BAD_REGEX" },
    { name: "inverted repeat range", input: "a{3,2}", want: "BASE_BAD_REGEX" },
    { name: "program too large", input: "(a{1000}){1000}", want: "BASE_BAD_REGEX" },
    {
      name: "program too large through classes",
      input: "[a-z]{1000}[0-9]{1000}.{1000}x{1000}y{1000}z{1000}w{1000}v{1000}u{1000}t{1000}s{1000}",
      want: "BASE_BAD_REGEX",
    },
    { name: "nesting too deep", input: "(".repeat(1001) + ")".repeat(1001), want: "BASE_BAD_REGEX" },
    { name: "inverted class range", input: "[z-a]", want: "BASE_BAD_REGEX" },
    { name: "class range ending in a class", input: "[a-\\d]", want: "BASE_BAD_REGEX" },
    { name: "unknown POSIX class", input: "[[:foo:]]", want: "BASE_BAD_REGEX" },
    { name: "unknown unicode class", input: "\\p{Klingon}", want: "BASE_BAD_REGEX" },
    { name: "unterminated unicode class", input: "\\p{Greek", want: "BASE_BAD_REGEX" },
    { name: "trailing backslash", input: "a\\", want: "BASE_BAD_REGEX" },
    { name: "unknown escape \\Z", input: "a\\Z", want: "BASE_BAD_REGEX" },
    { name: "unknown escape \\y", input: "\\y", want: "BASE_BAD_REGEX" },
    { name: "any-byte \\C", input: "\\C", want: "BASE_BAD_REGEX" },
    { name: "bad hex escape", input: "\\xZ1", want: "BASE_BAD_REGEX" },
    { name: "hex escape above U+10FFFF", input: "\\x{110000}", want: "BASE_BAD_REGEX" },
    { name: "empty hex braces", input: "\\x{}", want: "BASE_BAD_REGEX" },
    { name: "unknown flag", input: "(?x)a", want: "BASE_BAD_REGEX" },
    { name: "flag negation without flags", input: "(?i-)a", want: "BASE_BAD_REGEX" },
    { name: "comment group", input: "(?#c)", want: "BASE_BAD_REGEX" },
    { name: "bad capture name", input: "(?P<a-b>x)", want: "BASE_BAD_REGEX" },
    { name: "unterminated capture name", input: "(?P<ab", want: "BASE_BAD_REGEX" },
    { name: "duplicate capture name", input: "(?<n>a)(?<n>b)", want: "BASE_BAD_REGEX" },
  ];
  for (const { name, input, want } of table) {
    void it(`rejects ${name}`, () => {
      assert.throws(
        () => SafeRegex.compile(input, { anchored: false }),
        (e: unknown) => e instanceof InvalidError && e.code === want && e.category === "invalid",
      );
    });
  }

  void it("accepts the largest allowed repeat and what RE2 accepts", () => {
    for (const p of [
      "a{1000}",
      "a{0,1000}",
      "(?i)(?-i)a",
      "(?)",
      "(?i-s:a)",
      "[a-b-c]",
      "^*",
      "\\b+",
      "(?:)*",
      "\\pN",
      "\\_",
      "a{,3}",
    ]) {
      assert.doesNotThrow(() => SafeRegex.compile(p, { anchored: true }), p);
    }
  });
});

void describe("SafeRegex keeps its source", () => {
  void it("exposes the pattern as source", () => {
    assert.equal(SafeRegex.compile("a|b", { anchored: false }).source, "a|b");
  });
});
