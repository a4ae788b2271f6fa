import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isTsdbError } from "../../base/index.ts";
import type { Expr } from "./ast.ts";
import { exprKind } from "./ast.ts";
import { PROM_FUNCTIONS } from "./functions/index.ts";
import { parsePromQL } from "./parser.ts";

const parse = (q: string): Expr => parsePromQL(q, PROM_FUNCTIONS);

/** A compact rendering of the tree, to assert precedence and modifiers. */
function show(e: Expr): string {
  switch (e.type) {
    case "number":
      return String(e.value);
    case "string":
      return JSON.stringify(e.value);
    case "selector": {
      const m = e.matchers.map((x) => `${x.name}${x.op}${JSON.stringify(x.value)}`).join(",");
      const range = e.rangeMs > 0 ? `[${e.rangeMs}]` : "";
      const off = e.offsetMs !== 0 ? ` offset ${e.offsetMs}` : "";
      const at = e.at !== undefined ? ` @ ${e.at}` : "";
      return `{${m}}${range}${off}${at}`;
    }
    case "subquery":
      return `(${show(e.expr)})[${e.rangeMs}:${e.stepMs}]${e.offsetMs !== 0 ? ` offset ${e.offsetMs}` : ""}${e.at !== undefined ? ` @ ${e.at}` : ""}`;
    case "call":
      return `${e.name}(${e.args.map(show).join(", ")})`;
    case "aggregate":
      return `${e.op} ${e.without ? "without" : "by"}(${e.grouping.join(",")}) (${e.param !== undefined ? show(e.param) + ", " : ""}${show(e.expr)})`;
    case "binary": {
      const mods = [
        e.returnBool ? "bool" : "",
        e.matching !== undefined && (e.matching.on || e.matching.labels.length > 0)
          ? `${e.matching.on ? "on" : "ignoring"}(${e.matching.labels.join(",")})`
          : "",
        e.matching !== undefined && e.matching.card !== "one-to-one" && e.matching.card !== "many-to-many"
          ? `${e.matching.card}(${e.matching.include.join(",")})`
          : "",
      ]
        .filter((x) => x !== "")
        .join(" ");
      return `(${show(e.lhs)} ${e.op}${mods === "" ? "" : " " + mods} ${show(e.rhs)})`;
    }
    case "unary":
      return `${e.op}${show(e.expr)}`;
    case "paren":
      return show(e.expr);
  }
}

describe("parsePromQL", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    { name: "number literals", input: "0x1F + 1e3 + .5 + 1_000", want: "(((31 + 1000) + 0.5) + 1000)" },
    { name: "Inf and NaN are numbers", input: "Inf + -inf + NaN", want: "((Infinity + -Infinity) + NaN)" },
    { name: "durations as numbers", input: "1h30m + 500ms", want: "(5400 + 0.5)" },
    { name: "precedence of * over +", input: "1 + 2 * 3", want: "(1 + (2 * 3))" },
    { name: "^ is right-associative", input: "2 ^ 3 ^ 2", want: "(2 ^ (3 ^ 2))" },
    { name: "unary minus binds looser than ^", input: "-a ^ 2", want: `-({__name__="a"} ^ 2)` },
    { name: "unary minus on a number folds", input: "-2 * 3", want: "(-2 * 3)" },
    {
      name: "and binds tighter than or",
      input: "a or b and c",
      want: `({__name__="a"} or ({__name__="b"} and {__name__="c"}))`,
    },
    {
      name: "comparison below arithmetic",
      input: "a > b + 1",
      want: `({__name__="a"} > ({__name__="b"} + 1))`,
    },
    {
      name: "selector matchers",
      input: `foo{a="b", c!="d", e=~"f.*", g!~"h",}`,
      want: `{__name__="foo",a="b",c!="d",e=~"f.*",g!~"h"}`,
    },
    { name: "name-only matcher set", input: `{__name__=~"foo.+"}`, want: `{__name__=~"foo.+"}` },
    {
      name: "quoted metric name (UTF-8)",
      input: `{"metric.name", "la.bel"="x"}`,
      want: `{__name__="metric.name",la.bel="x"}`,
    },
    { name: "metric names with colons", input: "a:b:c", want: `{__name__="a:b:c"}` },
    { name: "keywords as label names", input: `foo{by="x", on="y"}`, want: `{__name__="foo",by="x",on="y"}` },
    { name: "range selector", input: "foo[5m]", want: `{__name__="foo"}[300000]` },
    { name: "range in float seconds", input: "foo[1.5]", want: `{__name__="foo"}[1500]` },
    {
      name: "offset and @",
      input: "foo[5m] offset 1h @ 100",
      want: `{__name__="foo"}[300000] offset 3600000 @ 100000`,
    },
    { name: "negative offset", input: "foo offset -5m", want: `{__name__="foo"} offset -300000` },
    {
      name: "@ start() and end()",
      input: "foo @ start() + foo @ end()",
      want: `({__name__="foo"} @ start + {__name__="foo"} @ end)`,
    },
    { name: "subquery", input: "rate(foo[1m])[1h:5m]", want: `(rate({__name__="foo"}[60000]))[3600000:300000]` },
    { name: "subquery without step", input: "foo[1h:] offset 5m", want: `({__name__="foo"})[3600000:0] offset 300000` },
    { name: "aggregation by before", input: "sum by (a, b) (x)", want: `sum by(a,b) ({__name__="x"})` },
    { name: "aggregation without after", input: "sum(x) without (a)", want: `sum without(a) ({__name__="x"})` },
    { name: "parameterised aggregation", input: "topk(3, x)", want: `topk by() (3, {__name__="x"})` },
    { name: "count_values", input: `count_values("v", x)`, want: `count_values by() ("v", {__name__="x"})` },
    {
      name: "case-insensitive keywords",
      input: "SUM BY (a) (x) AND ON (a) y",
      want: `(sum by(a) ({__name__="x"}) and on(a) {__name__="y"})`,
    },
    { name: "bool modifier", input: "a > bool 1", want: `({__name__="a"} > bool 1)` },
    {
      name: "group_left with labels",
      input: "a * on(x) group_left(y, z) b",
      want: `({__name__="a"} * on(x) many-to-one(y,z) {__name__="b"})`,
    },
    {
      name: "group_right without labels",
      input: "a / ignoring(x) group_right b",
      want: `({__name__="a"} / ignoring(x) one-to-many() {__name__="b"})`,
    },
    { name: "comments", input: "# leading\nfoo # trailing", want: `{__name__="foo"}` },
    {
      name: "string escapes",
      input: `label_replace(a, "d", "\\x41\\u00e9\\n", "s", "r")`,
      want: `label_replace({__name__="a"}, "d", "Aé\\n", "s", "r")`,
    },
    {
      name: "raw strings",
      input: "label_replace(a, `d`, `\\n`, `s`, `r`)",
      want: `label_replace({__name__="a"}, "d", "\\\\n", "s", "r")`,
    },
    {
      name: "optional function args",
      input: "round(a) + round(a, 5)",
      want: `(round({__name__="a"}) + round({__name__="a"}, 5))`,
    },
  ];
  for (const c of cases) {
    it(`parses ${c.name}`, () => assert.equal(show(parse(c.input)), c.want));
  }

  it("types range functions and subqueries", () => {
    assert.equal(exprKind(parse("rate(x[5m])")), "vector");
    assert.equal(exprKind(parse("x[5m]")), "matrix");
    assert.equal(exprKind(parse("x[5m:]")), "matrix");
    assert.equal(exprKind(parse("1 + 2")), "scalar");
    assert.equal(exprKind(parse(`"s"`)), "string");
  });

  const errors: Array<{ name: string; input: string; want: string }> = [
    { name: "unclosed brace", input: "foo{", want: "1:5: parse error: unexpected end of input inside braces" },
    { name: "unclosed paren", input: "sum(", want: "1:5: parse error: unclosed left parenthesis" },
    { name: "missing operand", input: "1 +", want: "1:4: parse error: unexpected end of input" },
    { name: "unclosed bracket", input: "foo[5m", want: "1:7: parse error: unclosed left bracket" },
    {
      name: "wrong argument type",
      input: "rate(foo)",
      want: `1:6: parse error: expected type range vector in call to function "rate", got instant vector`,
    },
    {
      name: "scalar comparison without bool",
      input: "1 == 1",
      want: "1:3: parse error: comparisons between scalars must use BOOL modifier",
    },
    {
      name: "set operator on scalar",
      input: "a and 1",
      want: `1:1: parse error: set operator "and" not allowed in binary scalar expression`,
    },
    {
      name: "string operand",
      input: `"a" + 1`,
      want: "1:1: parse error: binary expression must contain only scalar and instant vector types",
    },
    {
      name: "empty selector",
      input: "{}",
      want: "1:1: parse error: vector selector must contain at least one non-empty matcher",
    },
    {
      name: "empty-matching selector",
      input: `{a=~".*"}`,
      want: "1:1: parse error: vector selector must contain at least one non-empty matcher",
    },
    {
      name: "name set twice",
      input: `foo{__name__="bar"}`,
      want: `1:1: parse error: metric name must not be set twice: "foo" or "bar"`,
    },
    {
      name: "range of a range",
      input: "foo[5m][5m]",
      want: "1:8: parse error: ranges only allowed for vector selectors",
    },
    {
      name: "@ set twice",
      input: "foo @ 1 @ 2",
      want: "1:1: parse error: @ <timestamp> may not be set multiple times",
    },
    {
      name: "too many args",
      input: "rate(foo[5m], 1)",
      want: `1:1: parse error: expected 1 argument(s) in call to "rate", got 2`,
    },
    {
      name: "unknown function",
      input: "unknownfn(x)",
      want: `1:1: parse error: unknown function with name "unknownfn"`,
    },
    { name: "two groupings", input: "sum by (a) (x) without (b)", want: "1:16: parse error: unexpected <without>" },
    {
      name: "label in on and group",
      input: "a + on(b) group_left(b) c",
      want: `1:3: parse error: label "b" must not occur in ON and GROUP clause at once`,
    },
    {
      name: "vector topk parameter",
      input: "topk(x, y)",
      want: "1:6: parse error: expected type scalar in aggregation parameter, got instant vector",
    },
    { name: "bad duration", input: "foo[1h30]", want: `1:5: parse error: bad number or duration syntax: "1h30"` },
    { name: "unknown escape", input: `foo{a='\\q'}`, want: "1:7: parse error: unknown escape sequence U+0071 'q'" },
    { name: "zero range", input: "foo[0s]", want: "1:5: parse error: duration must be greater than 0" },
    { name: "trailing identifier", input: "foo bar", want: `1:5: parse error: unexpected identifier "bar"` },
    {
      name: "bool on arithmetic",
      input: "a + bool b",
      want: "1:3: parse error: bool modifier can only be used on comparison operators",
    },
    {
      name: "grouping on set operator",
      input: "a and on(x) group_left b",
      want: `1:13: parse error: no grouping allowed for "and" operation`,
    },
    {
      name: "offset on an aggregation",
      input: "sum(a) offset 5m",
      want: "1:8: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
    },
    {
      name: "subquery of a range",
      input: "a[5m][1h:]",
      want: "1:6: parse error: subquery is only allowed on instant vector, got range vector",
    },
    { name: "empty input", input: "  ", want: "1:3: parse error: no expression found in input" },
    { name: "bad regex", input: `a{b=~"("}`, want: "" },
    { name: "error on line 2", input: "a +\n  )", want: `2:3: parse error: unexpected right parenthesis ")"` },
  ];
  for (const c of errors) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => parse(c.input),
        (e: unknown) => isTsdbError(e) && e.code === "PROMQL_PARSE" && (c.want === "" || e.message === c.want),
      );
    });
  }
});

describe("parsePromQL fuzzing", () => {
  const fragments = [
    "foo",
    "bar",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "5m",
    ":",
    ",",
    "=",
    "!=",
    "=~",
    "!~",
    '"x"',
    "'y'",
    "1",
    "0x1f",
    "+",
    "-",
    "*",
    "/",
    "^",
    "%",
    "==",
    ">",
    "bool",
    "and",
    "or",
    "unless",
    "on",
    "ignoring",
    "group_left",
    "sum",
    "by",
    "without",
    "topk",
    "rate",
    "offset",
    "@",
    "start()",
    "1.5",
    "Inf",
    "#c\n",
    " ",
    "a=",
    "label_join",
  ];
  it("throws only InvalidError PROMQL_PARSE on token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 30 }), (parts) => {
        try {
          parse(parts.join(" "));
        } catch (e) {
          assert.ok(isTsdbError(e) && e.category === "invalid", String(e));
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
  });
  it("throws only InvalidError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parse(s);
        } catch (e) {
          assert.ok(isTsdbError(e) && e.category === "invalid", String(e));
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
  });
  it("rejects deep nesting without overflowing the stack", () => {
    assert.throws(
      () => parse("(".repeat(100_000) + "1" + ")".repeat(100_000)),
      (e: unknown) => isTsdbError(e),
    );
    assert.throws(
      () => parse("-".repeat(100_000) + "1"),
      (e: unknown) => isTsdbError(e),
    );
  });
});
