// PromQL parser: tokens → syntax tree, with Prometheus's operator precedence and its type checks (function
// argument types, binary operand types, aggregation parameters). Errors carry Prometheus-style positions.
import type { InvalidError } from "../../base/index.ts";
import { SafeRegex, isTsdbError } from "../../base/index.ts";
import { exprKind, kindName } from "./ast.ts";
import type { AggregateOp, AtModifier, BinaryOp, Expr, LabelMatcher, VectorMatching, VectorSelector } from "./ast.ts";
import { parseError, tokenize } from "./lexer.ts";
import type { Token } from "./lexer.ts";
import type { PromFunctionDef } from "./functions/index.ts";
import { checkBinary, checkCall } from "./parser-checks.ts";

const AGGREGATORS: ReadonlySet<string> = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "stddev",
  "stdvar",
  "group",
  "topk",
  "bottomk",
  "quantile",
  "count_values",
]);
const PARAM_AGGREGATORS: ReadonlySet<string> = new Set(["topk", "bottomk", "quantile", "count_values"]);

/** Binary operator precedence, higher binds tighter (Prometheus's parser). */
const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  "==": 3,
  "!=": 3,
  "<=": 3,
  "<": 3,
  ">=": 3,
  ">": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
  atan2: 5,
  "^": 6,
};
const POW_PRECEDENCE = 6;
const SET_OPS: ReadonlySet<string> = new Set(["and", "or", "unless"]);
const KEYWORD_OPS: ReadonlySet<string> = new Set(["and", "or", "unless", "atan2"]);
/** Words that are keywords in expression position (Prometheus lexes them as such, case-insensitively). */
const KEYWORDS: ReadonlySet<string> = new Set([
  ...AGGREGATORS,
  "and",
  "or",
  "unless",
  "atan2",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
]);

/** Longest nesting accepted, so hostile input cannot overflow the stack. */
const MAX_DEPTH = 500;

/**
 * Parses a PromQL expression. `functions` is the function table calls are checked against. Throws InvalidError
 * `PROMQL_PARSE` with a message `line:col: parse error: ...` for any syntax or type error.
 */
export function parsePromQL(input: string, functions: ReadonlyMap<string, PromFunctionDef>): Expr {
  const parser = new Parser(input, tokenize(input), functions);
  return parser.parseTop();
}

class Parser {
  private readonly input: string;
  private readonly tokens: Token[];
  private readonly functions: ReadonlyMap<string, PromFunctionDef>;
  private i = 0;
  private depth = 0;

  constructor(input: string, tokens: Token[], functions: ReadonlyMap<string, PromFunctionDef>) {
    this.input = input;
    this.tokens = tokens;
    this.functions = functions;
  }

  parseTop(): Expr {
    if (this.peek().kind === "eof") throw this.error(this.peek().pos, "no expression found in input");
    const e = this.parseExpr(0);
    const t = this.peek();
    if (t.kind !== "eof") throw this.unexpected(t);
    return e;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private error(pos: number, msg: string): InvalidError {
    return parseError(this.input, pos, msg);
  }

  private unexpected(t: Token, context = ""): InvalidError {
    const where = context === "" ? "" : ` ${context}`;
    if (t.kind === "eof") {
      if (this.openParens() > 0) return this.error(t.pos, "unclosed left parenthesis");
      return this.error(t.pos, `unexpected end of input${where}`);
    }
    return this.error(t.pos, `unexpected ${describe(t)}${where}`);
  }

  /** Parentheses opened and not closed before the cursor (only computed on errors). */
  private openParens(): number {
    let depth = 0;
    for (let k = 0; k < this.i; k++) {
      const t = this.tokens[k]!;
      if (t.kind === "punct" && t.text === "(") depth++;
      else if (t.kind === "punct" && t.text === ")") depth--;
    }
    return depth;
  }

  private isPunct(t: Token, p: string): boolean {
    return t.kind === "punct" && t.text === p;
  }

  private expectPunct(p: string, context: string): Token {
    const t = this.next();
    if (!this.isPunct(t, p)) throw this.unexpected(t, context);
    return t;
  }

  /** The binary operator at the cursor, if any. */
  private binaryOp(): string | undefined {
    const t = this.peek();
    if (t.kind === "op" && t.text !== "=" && PRECEDENCE[t.text] !== undefined) return t.text;
    if (t.kind === "ident" && KEYWORD_OPS.has(t.text.toLowerCase())) return t.text.toLowerCase();
    return undefined;
  }

  private parseExpr(minPrec: number): Expr {
    if (++this.depth > MAX_DEPTH) throw this.error(this.peek().pos, "expression nested too deeply");
    let lhs = this.parseUnary();
    for (;;) {
      const op = this.binaryOp();
      if (op === undefined) break;
      const prec = PRECEDENCE[op]!;
      if (prec < minPrec) break;
      const opTok = this.next();
      const modifiers = this.parseBinaryModifiers(op);
      const rhs = this.parseExpr(op === "^" ? prec : prec + 1);
      lhs = checkBinary(this.input, op as BinaryOp, lhs, rhs, modifiers, opTok.pos);
    }
    this.depth--;
    return lhs;
  }

  private parseBinaryModifiers(op: string): { returnBool: boolean; matching: VectorMatching | undefined } {
    let returnBool = false;
    if (this.peekWord("bool")) {
      this.next();
      returnBool = true;
    }
    let matching: VectorMatching | undefined;
    if (this.peekWord("on") || this.peekWord("ignoring")) {
      const on = this.next().text.toLowerCase() === "on";
      const labels = this.parseLabelList("grouping opts");
      matching = { card: SET_OPS.has(op) ? "many-to-many" : "one-to-one", on, labels, include: [] };
      if (this.peekWord("group_left") || this.peekWord("group_right")) {
        const groupTok = this.next();
        const left = groupTok.text.toLowerCase() === "group_left";
        if (SET_OPS.has(op)) throw this.error(groupTok.pos, `no grouping allowed for "${op}" operation`);
        matching.card = left ? "many-to-one" : "one-to-many";
        if (this.isPunct(this.peek(), "(")) matching.include = this.parseLabelList("grouping opts");
      }
    }
    return { returnBool, matching };
  }

  private peekWord(word: string): boolean {
    const t = this.peek();
    return t.kind === "ident" && t.text.toLowerCase() === word;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === "op" && (t.text === "-" || t.text === "+")) {
      this.next();
      const operand = this.parseExpr(POW_PRECEDENCE);
      const kind = exprKind(operand);
      if (kind !== "scalar" && kind !== "vector")
        throw this.error(t.pos, "unary expression only allowed on expressions of type scalar or instant vector");
      if (operand.type === "number") return { ...operand, value: t.text === "-" ? -operand.value : operand.value };
      return { type: "unary", op: t.text as "-" | "+", expr: operand, pos: t.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** Applies `[range]`, `[range:step]`, `offset` and `@` modifiers following a primary expression. */
  private parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (this.isPunct(t, "[")) e = this.parseRangeOrSubquery(e);
      else if (this.peekWord("offset")) e = this.parseOffset(e);
      else if (this.isPunct(t, "@")) e = this.parseAt(e);
      else return e;
    }
  }

  private parseRangeOrSubquery(e: Expr): Expr {
    const open = this.next();
    const rangeMs = this.parseDuration("in range", true);
    const t = this.next();
    if (this.isPunct(t, "]")) {
      if (e.type !== "selector" || e.rangeMs > 0)
        throw this.error(open.pos, "ranges only allowed for vector selectors");
      if (e.offsetMs !== 0 || e.at !== undefined)
        throw this.error(open.pos, "no offset or @ modifiers allowed before range");
      return { ...e, rangeMs };
    }
    if (!this.isPunct(t, ":")) throw this.unexpectedRange(t);
    let stepMs = 0;
    if (!this.isPunct(this.peek(), "]")) stepMs = this.parseDuration("in subquery step", true);
    const close = this.next();
    if (!this.isPunct(close, "]")) throw this.unexpectedRange(close);
    const kind = exprKind(e);
    if (kind !== "vector")
      throw this.error(open.pos, `subquery is only allowed on instant vector, got ${kindName(kind)}`);
    return { type: "subquery", expr: e, rangeMs, stepMs, offsetMs: 0, at: undefined, pos: e.pos };
  }

  private unexpectedRange(t: Token): InvalidError {
    if (t.kind === "eof") return this.error(t.pos, "unclosed left bracket");
    return this.unexpected(t, "in subquery or range selector");
  }

  /** A duration or number of seconds in ms; `positive` rejects zero and negatives. */
  private parseDuration(context: string, positive: boolean): number {
    const t = this.next();
    if (t.kind !== "number") {
      if (t.kind === "eof") throw this.error(t.pos, `unexpected end of input ${context}, expected duration`);
      throw this.unexpected(t, `${context}, expected duration`);
    }
    const ms = Math.round(t.num * 1000);
    if (!Number.isFinite(ms)) throw this.error(t.pos, `duration out of range: "${t.text}"`);
    if (positive && ms <= 0) throw this.error(t.pos, "duration must be greater than 0");
    return ms;
  }

  private parseOffset(e: Expr): Expr {
    const kw = this.next();
    let sign = 1;
    const t = this.peek();
    if (t.kind === "op" && (t.text === "-" || t.text === "+")) {
      this.next();
      if (t.text === "-") sign = -1;
    }
    const ms = sign * this.parseDuration("in offset", false);
    if (e.type !== "selector" && e.type !== "subquery")
      throw this.error(
        kw.pos,
        "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
      );
    if (e.offsetMs !== 0) throw this.error(kw.pos, "offset may not be set multiple times");
    return { ...e, offsetMs: ms };
  }

  private parseAt(e: Expr): Expr {
    const at = this.next();
    let value: AtModifier;
    const t = this.next();
    if (t.kind === "ident" && (t.text === "start" || t.text === "end")) {
      this.expectPunct("(", "in @");
      this.expectPunct(")", "in @");
      value = t.text;
    } else {
      let sign = 1;
      let num = t;
      if (t.kind === "op" && (t.text === "-" || t.text === "+")) {
        sign = t.text === "-" ? -1 : 1;
        num = this.next();
      }
      if (num.kind !== "number") throw this.unexpected(num, "in @, expected timestamp");
      const ms = Math.round(sign * num.num * 1000);
      if (!Number.isFinite(ms) || Math.abs(ms) > 9.2e18)
        throw this.error(num.pos, "timestamp out of bounds for @ modifier");
      value = ms;
    }
    if (e.type !== "selector" && e.type !== "subquery")
      throw this.error(
        at.pos,
        "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
      );
    if (e.at !== undefined) throw this.error(e.pos, "@ <timestamp> may not be set multiple times");
    return { ...e, at: value };
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "number":
        this.next();
        return { type: "number", value: t.num, pos: t.pos };
      case "string":
        this.next();
        return { type: "string", value: t.str, pos: t.pos };
      case "punct":
        if (t.text === "(") return this.parseParen();
        if (t.text === "{") return this.parseSelector(undefined, t.pos);
        throw this.unexpected(t);
      case "ident":
        return this.parseIdentExpr();
      default:
        throw this.unexpected(t);
    }
  }

  private parseParen(): Expr {
    const open = this.next();
    const e = this.parseExpr(0);
    const close = this.next();
    if (!this.isPunct(close, ")")) {
      if (close.kind === "eof") throw this.error(close.pos, "unclosed left parenthesis");
      throw this.unexpected(close, "in paren expression");
    }
    return { type: "paren", expr: e, pos: open.pos };
  }

  private parseIdentExpr(): Expr {
    const t = this.next();
    const lower = t.text.toLowerCase();
    if (lower === "inf" || lower === "nan")
      return { type: "number", value: lower === "inf" ? Infinity : NaN, pos: t.pos };
    if (AGGREGATORS.has(lower)) return this.parseAggregate(lower as AggregateOp, t);
    if (KEYWORDS.has(lower)) throw this.unexpected(t);
    if (this.isPunct(this.peek(), "(")) return this.parseCall(t);
    return this.parseSelector(t.text, t.pos);
  }

  private parseCall(nameTok: Token): Expr {
    const def = this.functions.get(nameTok.text);
    if (def === undefined) throw this.error(nameTok.pos, `unknown function with name "${nameTok.text}"`);
    this.next();
    const args: Expr[] = [];
    if (!this.isPunct(this.peek(), ")")) {
      for (;;) {
        args.push(this.parseExpr(0));
        const sep = this.next();
        if (this.isPunct(sep, ")")) break;
        if (!this.isPunct(sep, ",")) {
          if (sep.kind === "eof") throw this.error(sep.pos, "unclosed left parenthesis");
          throw this.unexpected(sep, "in call");
        }
      }
    } else {
      this.next();
    }
    checkCall(this.input, def, args, nameTok.pos);
    return { type: "call", name: nameTok.text, def, args, pos: nameTok.pos };
  }

  private parseAggregate(op: AggregateOp, opTok: Token): Expr {
    let grouping: string[] | undefined;
    let without = false;
    const takeGrouping = (): void => {
      const kw = this.next();
      without = kw.text.toLowerCase() === "without";
      grouping = this.parseLabelList("grouping opts");
    };
    if (this.peekWord("by") || this.peekWord("without")) takeGrouping();
    const open = this.next();
    if (!this.isPunct(open, "(")) throw this.unexpected(open, "in aggregation");
    const args: Expr[] = [];
    if (!this.isPunct(this.peek(), ")")) {
      for (;;) {
        args.push(this.parseExpr(0));
        const sep = this.next();
        if (this.isPunct(sep, ")")) break;
        if (!this.isPunct(sep, ",")) {
          if (sep.kind === "eof") throw this.error(sep.pos, "unclosed left parenthesis");
          throw this.unexpected(sep, "in aggregation");
        }
      }
    } else {
      this.next();
    }
    if (grouping === undefined && (this.peekWord("by") || this.peekWord("without"))) takeGrouping();
    const wantArgs = PARAM_AGGREGATORS.has(op) ? 2 : 1;
    if (args.length !== wantArgs) {
      if (args.length === 0) throw this.error(opTok.pos, "no arguments for aggregate expression provided");
      throw this.error(
        opTok.pos,
        `wrong number of arguments for aggregate expression provided, expected ${wantArgs}, got ${args.length}`,
      );
    }
    const expr = args[wantArgs - 1]!;
    const param = wantArgs === 2 ? args[0] : undefined;
    const exprK = exprKind(expr);
    if (exprK !== "vector")
      throw this.error(expr.pos, `expected type instant vector in aggregation expression, got ${kindName(exprK)}`);
    if (param !== undefined) {
      const want = op === "count_values" ? "string" : "scalar";
      const got = exprKind(param);
      if (got !== want)
        throw this.error(param.pos, `expected type ${want} in aggregation parameter, got ${kindName(got)}`);
    }
    return { type: "aggregate", op, expr, param, grouping: grouping ?? [], without, pos: opTok.pos };
  }

  /** `( label, "label", ... )` with an optional trailing comma. */
  private parseLabelList(context: string): string[] {
    const open = this.next();
    if (!this.isPunct(open, "(")) throw this.unexpected(open, `in ${context}, expected "("`);
    const labels: string[] = [];
    for (;;) {
      const t = this.next();
      if (this.isPunct(t, ")")) return labels;
      if (t.kind === "ident" && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(t.text)) labels.push(t.text);
      else if (t.kind === "string") labels.push(t.str);
      else if (t.kind === "eof") throw this.error(t.pos, "unclosed left parenthesis");
      else throw this.unexpected(t, `in ${context}, expected label`);
      const sep = this.next();
      if (this.isPunct(sep, ")")) return labels;
      if (!this.isPunct(sep, ",")) {
        if (sep.kind === "eof") throw this.error(sep.pos, "unclosed left parenthesis");
        throw this.unexpected(sep, `in ${context}, expected "," or ")"`);
      }
    }
  }

  private parseSelector(name: string | undefined, pos: number): VectorSelector {
    const matchers: LabelMatcher[] = [];
    let metricName = name;
    if (this.isPunct(this.peek(), "{")) {
      this.next();
      for (;;) {
        const t = this.next();
        if (this.isPunct(t, "}")) break;
        if (t.kind === "eof") throw this.error(t.pos, "unexpected end of input inside braces");
        let label: string;
        if (t.kind === "ident" && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(t.text)) label = t.text;
        else if (t.kind === "string") label = t.str;
        else throw this.unexpected(t, "in label matching, expected label");
        const opTok = this.peek();
        if (t.kind === "string" && (this.isPunct(opTok, ",") || this.isPunct(opTok, "}"))) {
          if (metricName !== undefined)
            throw this.error(t.pos, `metric name must not be set twice: "${metricName}" or "${t.str}"`);
          metricName = t.str;
        } else {
          this.next();
          if (opTok.kind !== "op" || !["=", "!=", "=~", "!~"].includes(opTok.text)) {
            if (opTok.kind === "eof") throw this.error(opTok.pos, "unexpected end of input inside braces");
            throw this.unexpected(opTok, "in label matching, expected label matching operator");
          }
          const v = this.next();
          if (v.kind !== "string") {
            if (v.kind === "eof") throw this.error(v.pos, "unexpected end of input inside braces");
            throw this.unexpected(v, "in label matching, expected string");
          }
          matchers.push({ name: label, op: opTok.text as LabelMatcher["op"], value: v.str });
        }
        const sep = this.next();
        if (this.isPunct(sep, "}")) break;
        if (!this.isPunct(sep, ",")) {
          if (sep.kind === "eof") throw this.error(sep.pos, "unexpected end of input inside braces");
          throw this.unexpected(sep, `in label matching, expected "," or "}"`);
        }
      }
    }
    return finishSelector(this.input, metricName, matchers, pos);
  }
}

/** Adds the metric-name matcher and applies Prometheus's selector checks. */
function finishSelector(
  input: string,
  name: string | undefined,
  matchers: LabelMatcher[],
  pos: number,
): VectorSelector {
  if (name !== undefined) {
    const named = matchers.find((m) => m.name === "__name__");
    if (named !== undefined)
      throw parseError(input, pos, `metric name must not be set twice: "${name}" or "${named.value}"`);
    matchers = [{ name: "__name__", op: "=", value: name }, ...matchers];
  }
  for (const m of matchers) {
    if (m.op !== "=~" && m.op !== "!~") continue;
    try {
      SafeRegex.compile(m.value, { anchored: true });
    } catch (error) {
      if (!isTsdbError(error)) throw error;
      throw parseError(input, pos, `error parsing regexp: ${error.message}`);
    }
  }
  // A selector must not match every series: at least one matcher must reject the empty value.
  if (!matchers.some((m) => !matchesEmpty(m)))
    throw parseError(input, pos, "vector selector must contain at least one non-empty matcher");
  return { type: "selector", name, matchers, rangeMs: 0, offsetMs: 0, at: undefined, pos };
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case "=":
      return m.value === "";
    case "!=":
      return m.value !== "";
    case "=~":
      return safeTest(m.value, "");
    case "!~":
      return !safeTest(m.value, "");
  }
}

function safeTest(pattern: string, value: string): boolean {
  return SafeRegex.compile(pattern, { anchored: true }).test(value);
}

function describe(t: Token): string {
  switch (t.kind) {
    case "ident": {
      const lower = t.text.toLowerCase();
      if (KEYWORDS.has(lower)) return `<${lower}>`;
      return `identifier "${t.text}"`;
    }
    case "number":
      return t.isDuration ? `duration "${t.text}"` : `number "${t.text}"`;
    case "string":
      return `string ${JSON.stringify(t.str)}`;
    case "op":
      return `<op:${t.text}>`;
    case "punct":
      return punctName(t.text);
    default:
      return "end of input";
  }
}

function punctName(p: string): string {
  switch (p) {
    case "(":
      return `left parenthesis "("`;
    case ")":
      return `right parenthesis ")"`;
    case "{":
      return `left brace "{"`;
    case "}":
      return `right brace "}"`;
    case "[":
      return `left bracket "["`;
    case "]":
      return `right bracket "]"`;
    case ",":
      return `","`;
    case ":":
      return `colon ":"`;
    default:
      return `"${p}"`;
  }
}
