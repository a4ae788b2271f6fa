// Public entry of the PromQL function library: the table of functions the evaluator calls by name.
// Knows nothing of parsing, selection or storage; see prom-function-def.ts for the calling contract.
import { DATE_FUNCTIONS } from "./date-functions.ts";
import { HISTOGRAM_FUNCTIONS } from "./histogram-quantile.ts";
import { LABEL_FUNCTIONS } from "./label-functions.ts";
import { MATH_FUNCTIONS } from "./math-functions.ts";
import { OVER_TIME_FUNCTIONS } from "./over-time-functions.ts";
import type { PromFunctionDef } from "./prom-function-def.ts";
import { RATE_FUNCTIONS } from "./rate-functions.ts";
import { VECTOR_FUNCTIONS } from "./vector-functions.ts";

export type { FunctionContext, PromFunctionDef, RangeReduction } from "./prom-function-def.ts";

function buildTable(): ReadonlyMap<string, PromFunctionDef> {
  const table = new Map<string, PromFunctionDef>();
  const groups = [
    RATE_FUNCTIONS,
    OVER_TIME_FUNCTIONS,
    MATH_FUNCTIONS,
    VECTOR_FUNCTIONS,
    DATE_FUNCTIONS,
    HISTOGRAM_FUNCTIONS,
    LABEL_FUNCTIONS,
  ];
  for (const group of groups) for (const def of group) table.set(def.name, def);
  return table;
}

/**
 * Every supported PromQL function by name (Prometheus 3.x float semantics; native histograms are not supported).
 * Immutable; shared by all queries. Unknown names are absent, so the parser reports them.
 */
export const PROM_FUNCTIONS: ReadonlyMap<string, PromFunctionDef> = buildTable();
