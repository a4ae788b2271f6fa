// Label-rewriting and label-ordering functions: label_replace, label_join, sort_by_label, sort_by_label_desc.
// Regexes run on SafeRegex (linear time); submatches for `$1` come from the capture VM in capture-regex.ts.
import { InvalidError, SafeRegex, isTsdbError } from "../../../base/index.ts";
import type { Labels, Sample, Value } from "../values.ts";
import { CaptureRegex, expandTemplate, templateUsesGroups } from "./capture-regex.ts";
import { compareStrings } from "../labels.ts";
import { compareLabelSets } from "./label-set.ts";
import type { PromFunctionDef } from "./prom-function-def.ts";
import { stringArg, vectorArg } from "./range-function.ts";

/** Prometheus 3.x (UTF-8 validation scheme): any non-empty valid UTF-8 string names a label. */
function isValidLabelName(name: string): boolean {
  return name.length > 0 && !LONE_SURROGATE.test(name);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badLabel(fn: string, which: string, name: string): InvalidError {
  return new InvalidError("PROMQL_EXEC_BAD_LABEL_NAME", `invalid ${which} label name in ${fn}(): ${name}`);
}

/** `labels` with `name` set to `value`; an empty value removes the label, as Prometheus's label builder does. */
function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Labels = {};
  for (const k in labels) if (k !== name) out[k] = labels[k]!;
  if (value !== "") out[name] = value;
  return out;
}

/** Compiled label_replace regexes by source: a range query compiles the same one at every step. */
const REGEX_CACHE = new Map<string, SafeRegex>();
const CAPTURE_CACHE = new Map<string, CaptureRegex>();
/** Bounds the caches (entries); both are cleared when full. */
const REGEX_CACHE_MAX = 256;

/** Compiles a label_replace regex the way Prometheus does: `^(?s:re)$`. */
function compileLabelRegex(re: string): SafeRegex {
  let r = REGEX_CACHE.get(re);
  if (r === undefined) {
    r = compileUncached(re);
    if (REGEX_CACHE.size >= REGEX_CACHE_MAX) REGEX_CACHE.clear();
    REGEX_CACHE.set(re, r);
  }
  return r;
}

function compileCapture(re: string): CaptureRegex {
  let r = CAPTURE_CACHE.get(re);
  if (r === undefined) {
    r = CaptureRegex.compile(`(?s:${re})`);
    if (CAPTURE_CACHE.size >= REGEX_CACHE_MAX) CAPTURE_CACHE.clear();
    CAPTURE_CACHE.set(re, r);
  }
  return r;
}

function compileUncached(re: string): SafeRegex {
  try {
    return SafeRegex.compile(`(?s:${re})`, { anchored: true });
  } catch (cause) {
    if (isTsdbError(cause) && cause.code === "BASE_BAD_REGEX") {
      throw new InvalidError("PROMQL_EXEC_BAD_REGEX", `invalid regular expression in label_replace(): ${re}`, {
        cause,
      });
    }
    throw cause;
  }
}

const labelReplace: PromFunctionDef = {
  name: "label_replace",
  argTypes: ["vector", "string", "string", "string", "string"],
  optionalArgs: 0,
  variadic: false,
  returnType: "vector",
  call(args): Value {
    const samples = vectorArg(args[0], "label_replace", 0);
    const dst = stringArg(args[1], "label_replace", 1);
    const repl = stringArg(args[2], "label_replace", 2);
    const src = stringArg(args[3], "label_replace", 3);
    const re = stringArg(args[4], "label_replace", 4);
    const matcher = compileLabelRegex(re);
    if (!isValidLabelName(dst)) throw badLabel("label_replace", "destination", dst);
    const capture = templateUsesGroups(repl) ? compileCapture(re) : null;
    const out = new Array<Sample>(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      const value = s.labels[src] ?? "";
      if (!matcher.test(value)) {
        out[i] = s;
        continue;
      }
      // SafeRegex decided the match; the capture VM only locates the groups (null leaves them empty).
      const groups = capture === null ? null : capture.match(value);
      const res = expandTemplate(repl, value, groups, capture === null ? [""] : capture.names);
      out[i] = { labels: withLabel(s.labels, dst, res), t: s.t, v: s.v };
    }
    return { kind: "vector", samples: out };
  },
};

const labelJoin: PromFunctionDef = {
  name: "label_join",
  argTypes: ["vector", "string", "string", "string"],
  optionalArgs: 1,
  variadic: true,
  returnType: "vector",
  call(args): Value {
    const samples = vectorArg(args[0], "label_join", 0);
    const dst = stringArg(args[1], "label_join", 1);
    const sep = stringArg(args[2], "label_join", 2);
    const srcs: string[] = [];
    for (let i = 3; i < args.length; i++) {
      const src = stringArg(args[i], "label_join", i);
      if (!isValidLabelName(src)) throw badLabel("label_join", "source", src);
      srcs.push(src);
    }
    if (!isValidLabelName(dst)) throw badLabel("label_join", "destination", dst);
    const out = new Array<Sample>(samples.length);
    const vals = new Array<string>(srcs.length);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      for (let j = 0; j < srcs.length; j++) vals[j] = s.labels[srcs[j]!] ?? "";
      out[i] = { labels: withLabel(s.labels, dst, vals.join(sep)), t: s.t, v: s.v };
    }
    return { kind: "vector", samples: out };
  },
};

const NAT_CHUNK = /\d+|\D+/g;

/** Splits into maximal runs of ASCII digits and of other characters (natsort's chunkify). */
function chunkify(s: string): string[] {
  return s.match(NAT_CHUNK) ?? [];
}

/** Go `strconv.Atoi` on a digit run: undefined when it overflows int64. */
function atoi(chunk: string): bigint | undefined {
  if (!/^[0-9]+$/.test(chunk)) return undefined;
  const v = BigInt(chunk);
  return v > 9223372036854775807n ? undefined : v;
}

/**
 * facette/natsort `Compare` (the version Prometheus vendors): true when `a` sorts before `b`, comparing digit runs
 * as integers and other runs as strings. Not a strict order for equal-valued runs ("a01" vs "a1"), as upstream.
 */
function natLess(a: string, b: string): boolean {
  const ca = chunkify(a);
  const cb = chunkify(b);
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i]!;
    const y = cb[i]!;
    const xi = atoi(x);
    const yi = atoi(y);
    if (xi !== undefined && yi !== undefined) {
      if (xi !== yi) return xi < yi;
    } else if (x !== y) return compareStrings(x, y) < 0;
    if (i === ca.length - 1) return true;
    if (i === cb.length - 1) return false;
  }
  return false;
}

function sortByLabel(name: string, desc: boolean): PromFunctionDef {
  return {
    name,
    argTypes: ["vector", "string"],
    optionalArgs: 1,
    variadic: true,
    returnType: "vector",
    call(args): Value {
      const samples = vectorArg(args[0], name, 0).slice();
      const keys: string[] = [];
      for (let i = 1; i < args.length; i++) keys.push(stringArg(args[i], name, i));
      const sign = desc ? -1 : 1;
      samples.sort((a, b) => {
        for (let k = 0; k < keys.length; k++) {
          const x = a.labels[keys[k]!] ?? "";
          const y = b.labels[keys[k]!] ?? "";
          if (x === y) continue;
          return natLess(x, y) ? -sign : sign;
        }
        // Equal on the given labels: order by the whole label set for a deterministic result.
        return sign * compareLabelSets(a.labels, b.labels);
      });
      return { kind: "vector", samples };
    },
  };
}

/** label_replace, label_join, sort_by_label, sort_by_label_desc. */
export const LABEL_FUNCTIONS: readonly PromFunctionDef[] = [
  labelReplace,
  labelJoin,
  sortByLabel("sort_by_label", false),
  sortByLabel("sort_by_label_desc", true),
];
