// Recursive-descent parsing of InfluxQL expressions (operators by precedence, calls, literals, casts, bound
// parameters) on top of the token stream. Statement grammar lives in parser.ts.
import { parseDuration } from "../../base/index.ts";
import type { BinaryOp, CastType, Expr } from "./ast.ts";
import { Lexer, parseError, tokenText } from "./lexer.ts";
import type { Token } from "./lexer.ts";

/** Precedence of binary operators, as influxql's Token.Precedence (higher binds tighter). */
const PRECEDENCE: Record<string, number> = {
  OR: 1,
  AND: 2,
  "=": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "=~": 4,
  "!~": 4,
  "+": 5,
  "-": 5,
  "|": 5,
  "^": 5,
  "*": 6,
  "/": 6,
  "%": 6,
  "&": 6,
};

const CASTS = new Set<string>(["field", "tag", "float", "integer", "string", "boolean", "unsigned"]);

/** Longest nesting accepted, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 200;

/** Token-level reader shared by the expression and statement parsers. */
export class TokenReader {
  readonly lexer: Lexer;
  readonly params: Record<string, unknown>;
  private depth = 0;

  constructor(text: string, params: Record<string, unknown>) {
    this.lexer = new Lexer(text);
    this.params = params;
  }

  /** The next token. */
  scan(): Token {
    return this.lexer.next();
  }

  /** The next token without consuming it. */
  peek(): Token {
    const at = this.lexer.offset;
    const t = this.lexer.next();
    this.lexer.reset(at);
    return t;
  }

  /** Puts back a token obtained from `scan`. */
  unscan(t: Token): void {
    this.lexer.reset(t.start);
  }

  /** Consumes the next token when it has kind `kind`. */
  accept(kind: string): boolean {
    const t = this.scan();
    if (t.kind === kind) return true;
    this.unscan(t);
    return false;
  }

  /** Throws `found X, expected <list> at line L, char C`. */
  fail(t: Token, expected: string): never {
    parseError(`found ${tokenText(t)}, expected ${expected} at line ${t.line}, char ${t.char}`);
  }

  /** Consumes a token of `kind` or fails with `expected`. */
  expect(kind: string, expected = kind): Token {
    const t = this.scan();
    if (t.kind !== kind) this.fail(t, expected);
    return t;
  }

  /** An identifier (quoted or not); keywords are not identifiers. */
  ident(): string {
    const t = this.scan();
    if (t.kind !== "IDENT") this.fail(t, "identifier");
    return t.lit;
  }

  /** A non-negative integer literal (LIMIT, OFFSET…). */
  int(): number {
    const t = this.scan();
    if (t.kind !== "INTEGER") this.fail(t, "integer");
    const n = Number(t.lit);
    if (!Number.isSafeInteger(n)) parseError(`unable to parse integer at line ${t.line}, char ${t.char}`);
    return n;
  }

  /** Parses a full expression. */
  expr(): Expr {
    if (++this.depth > MAX_DEPTH) parseError("expression nested too deeply");
    try {
      let lhs = this.unary();
      for (;;) {
        const t = this.scan();
        const prec = PRECEDENCE[t.kind];
        if (prec === undefined) {
          this.unscan(t);
          return lhs;
        }
        const rhs = t.kind === "=~" || t.kind === "!~" ? this.regexOperand() : this.unary();
        lhs = insertBinary(lhs, t.kind as BinaryOp, rhs, prec);
      }
    } finally {
      this.depth--;
    }
  }

  private regexOperand(): Expr {
    const r = this.lexer.scanRegex();
    if (r !== null) return { kind: "regex", pattern: r.lit };
    const t = this.scan();
    if (t.kind === "BOUNDPARAM") return this.param(t);
    this.fail(t, "regex");
  }

  /** A unary expression: literal, variable, call, parenthesised expression, wildcard. */
  unary(): Expr {
    if (++this.depth > MAX_DEPTH) parseError("expression nested too deeply");
    try {
      return this.unaryInner();
    } finally {
      this.depth--;
    }
  }

  private unaryInner(): Expr {
    const t = this.scan();
    switch (t.kind) {
      case "(": {
        const inner = this.expr();
        this.expect(")");
        return { kind: "paren", expr: inner };
      }
      case "*":
        return { kind: "wildcard", ...this.wildcardCast() };
      case "-": {
        const next = this.unary();
        if (next.kind === "number") return { kind: "number", value: -next.value };
        if (next.kind === "integer") return { kind: "integer", value: -next.value };
        if (next.kind === "duration") return { kind: "duration", ns: -next.ns };
        return { kind: "binary", op: "*", lhs: { kind: "integer", value: -1n }, rhs: next };
      }
      case "+":
        return this.unary();
      case "IDENT":
        return this.identExpr(t);
      case "DISTINCT": {
        // `distinct(x)` and the keyword form `DISTINCT x` both mean the distinct() call.
        if (this.accept("(")) return this.call("distinct");
        const arg = this.unary();
        return { kind: "call", name: "distinct", args: [arg] };
      }
      case "STRING":
        return { kind: "string", value: t.lit };
      case "NUMBER":
        return { kind: "number", value: Number(t.lit) };
      case "INTEGER": {
        const v = BigInt(t.lit);
        if (v > 9223372036854775807n) return { kind: "number", value: Number(t.lit) };
        return { kind: "integer", value: v };
      }
      case "DURATION":
        return { kind: "duration", ns: duration(t.lit) };
      case "TRUE":
        return { kind: "bool", value: true };
      case "FALSE":
        return { kind: "bool", value: false };
      case "BOUNDPARAM":
        return this.param(t);
      default: {
        if (t.kind === "/") {
          this.unscan(t);
          const r = this.lexer.scanRegex();
          if (r !== null) return { kind: "regex", pattern: r.lit };
        }
        this.fail(t, "identifier, string, number, bool");
      }
    }
  }

  private wildcardCast(): { cast?: "field" | "tag" } {
    if (!this.accept("::")) return {};
    const t = this.scan();
    if (t.kind === "IDENT" && (t.lit === "field" || t.lit === "tag")) return { cast: t.lit };
    if (t.kind === "FIELD") return { cast: "field" };
    if (t.kind === "TAG") return { cast: "tag" };
    this.fail(t, "field, tag");
  }

  private identExpr(t: Token): Expr {
    if (!t.quoted) {
      const next = this.scan();
      if (next.kind === "(") return this.call(t.lit);
      this.unscan(next);
    }
    const ref: Expr = { kind: "varref", name: t.lit };
    if (this.accept("::")) {
      const c = this.scan();
      const name = c.kind === "IDENT" ? c.lit.toLowerCase() : c.kind.toLowerCase();
      if (!CASTS.has(name)) this.fail(c, "float, integer, string, boolean, field, tag");
      ref.cast = name as CastType;
    }
    return ref;
  }

  private call(name: string): Expr {
    const args: Expr[] = [];
    if (this.accept(")")) return { kind: "call", name: name.toLowerCase(), args };
    for (;;) {
      args.push(this.expr());
      const t = this.scan();
      if (t.kind === ")") break;
      if (t.kind !== ",") this.fail(t, ")");
    }
    return { kind: "call", name: name.toLowerCase(), args };
  }

  private param(t: Token): Expr {
    if (!Object.prototype.hasOwnProperty.call(this.params, t.lit)) parseError(`missing parameter: ${t.lit}`);
    const v = this.params[t.lit];
    if (typeof v === "string") return { kind: "string", value: v };
    if (typeof v === "boolean") return { kind: "bool", value: v };
    if (typeof v === "bigint") return { kind: "integer", value: v };
    if (typeof v === "number") {
      return Number.isSafeInteger(v) ? { kind: "integer", value: BigInt(v) } : { kind: "number", value: v };
    }
    if (v === null) return { kind: "nil" };
    if (typeof v === "object" && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.identifier === "string") return { kind: "varref", name: o.identifier };
      if (typeof o.duration === "string") return { kind: "duration", ns: duration(o.duration) };
      if (typeof o.regex === "string") return { kind: "regex", pattern: o.regex };
    }
    parseError(`unable to bind parameter with type ${typeof v}`);
  }
}

/** Parses an InfluxQL duration literal; influxd reports a bare "invalid duration". */
function duration(text: string): bigint {
  try {
    return parseDuration(text);
  } catch {
    // The base error's detail is replaced by influxd's exact message; nothing else is lost.
    parseError("invalid duration");
  }
}

/** Inserts `op rhs` into `lhs` respecting precedence (left-associative), as influxql's parser does. */
function insertBinary(lhs: Expr, op: BinaryOp, rhs: Expr, prec: number): Expr {
  if (lhs.kind === "binary" && PRECEDENCE[lhs.op]! < prec) {
    return { kind: "binary", op: lhs.op, lhs: lhs.lhs, rhs: insertBinary(lhs.rhs, op, rhs, prec) };
  }
  return { kind: "binary", op, lhs, rhs };
}
