// Type checks the PromQL parser applies to binary operations and function calls, with Prometheus's messages.
import { exprKind, kindName } from "./ast.ts";
import type { Binary, BinaryOp, Expr, VectorMatching } from "./ast.ts";
import { parseError } from "./lexer.ts";
import type { PromFunctionDef } from "./functions/index.ts";

const COMPARISONS: ReadonlySet<string> = new Set(["==", "!=", ">", "<", ">=", "<="]);
const SET_OPS: ReadonlySet<string> = new Set(["and", "or", "unless"]);

/** True for `==`, `!=`, `>`, `<`, `>=`, `<=`. */
export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

/** True for `and`, `or`, `unless`. */
function isSetOp(op: BinaryOp): boolean {
  return SET_OPS.has(op);
}

/**
 * Builds a binary node after checking operand kinds and modifiers as Prometheus does. Throws InvalidError
 * `PROMQL_PARSE` naming the first violation.
 */
export function checkBinary(
  input: string,
  op: BinaryOp,
  lhs: Expr,
  rhs: Expr,
  modifiers: { returnBool: boolean; matching: VectorMatching | undefined },
  pos: number,
): Binary {
  const lk = exprKind(lhs);
  const rk = exprKind(rhs);
  const setOp = isSetOp(op);
  if (modifiers.returnBool && !isComparison(op))
    throw parseError(input, pos, "bool modifier can only be used on comparison operators");
  if ((lk !== "scalar" && lk !== "vector") || (rk !== "scalar" && rk !== "vector"))
    throw parseError(input, lhs.pos, "binary expression must contain only scalar and instant vector types");
  if (setOp && (lk === "scalar" || rk === "scalar"))
    throw parseError(input, lhs.pos, `set operator "${op}" not allowed in binary scalar expression`);
  if (isComparison(op) && lk === "scalar" && rk === "scalar" && !modifiers.returnBool)
    throw parseError(input, pos, "comparisons between scalars must use BOOL modifier");
  let matching = modifiers.matching;
  if (matching !== undefined && (lk !== "vector" || rk !== "vector"))
    throw parseError(input, lhs.pos, "vector matching only allowed between instant vectors");
  if (matching === undefined && lk === "vector" && rk === "vector")
    matching = { card: setOp ? "many-to-many" : "one-to-one", on: false, labels: [], include: [] };
  if (matching !== undefined && matching.on) {
    for (const l of matching.include) {
      if (matching.labels.includes(l))
        throw parseError(input, pos, `label "${l}" must not occur in ON and GROUP clause at once`);
    }
  }
  return { type: "binary", op, lhs, rhs, returnBool: modifiers.returnBool, matching, pos };
}

/** Checks a call's argument count and kinds against its definition. Throws InvalidError `PROMQL_PARSE`. */
export function checkCall(input: string, def: PromFunctionDef, args: Expr[], pos: number): void {
  const name = def.name;
  const max = def.variadic ? Infinity : def.argTypes.length;
  const min = def.argTypes.length - def.optionalArgs;
  if (args.length < min || args.length > max) {
    let msg: string;
    if (min === max) msg = `expected ${min} argument(s) in call to "${name}", got ${args.length}`;
    else if (args.length < min) msg = `expected at least ${min} argument(s) in call to "${name}", got ${args.length}`;
    else msg = `expected at most ${max} argument(s) in call to "${name}", got ${args.length}`;
    throw parseError(input, pos, msg);
  }
  for (let i = 0; i < args.length; i++) {
    const want = def.argTypes[Math.min(i, def.argTypes.length - 1)]!;
    const got = exprKind(args[i]!);
    if (want !== got)
      throw parseError(
        input,
        args[i]!.pos,
        `expected type ${kindName(want)} in call to function "${name}", got ${kindName(got)}`,
      );
  }
}
