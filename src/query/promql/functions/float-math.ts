// Float arithmetic that must match Prometheus (Go) bit for bit where it can: Kahan-Neumaier sums, quantiles,
// Go's log2/log10 formulas and Go's strconv.ParseFloat syntax. Knows nothing of series or labels.

/**
 * A Kahan-Neumaier running sum, as Prometheus's `kahansum.Inc`. Mutable; `sum` and `c` are public so callers can
 * read both halves (Prometheus returns `sum + c` unless `sum` is infinite).
 */
export class KahanSum {
  sum: number;
  c: number;

  constructor() {
    this.sum = 0;
    this.c = 0;
  }

  /** Adds `inc`. */
  add(inc: number): void {
    const t = this.sum + inc;
    if (t === Infinity || t === -Infinity) this.c = 0;
    else if (Math.abs(this.sum) >= Math.abs(inc)) this.c += this.sum - t + inc;
    else this.c += inc - t + this.sum;
    this.sum = t;
  }

  /** The compensated total: `sum + c`, or `sum` when that is infinite. */
  value(): number {
    return this.sum === Infinity || this.sum === -Infinity ? this.sum : this.sum + this.c;
  }
}

/** Go's `kahansum.Inc` as a pure function: returns the new sum and writes the new compensation to `out[0]`. */
export function kahanInc(inc: number, sum: number, c: number, out: Float64Array): number {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  out[0] = c;
  return t;
}

/** Prometheus's value order for quantiles: NaN first, then ascending. */
function byValueNaNFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

/**
 * Prometheus `quantile(q, values)`: linear interpolation between closest ranks. NaN for no values or NaN `q`;
 * -Inf for q < 0; +Inf for q > 1. Sorts `values` in place (the caller owns it).
 */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(byValueNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const SQRT2_HALF = Math.SQRT1_2;
const FREXP_VIEW = new DataView(new ArrayBuffer(8));
/** Scratch result of {@link frexp}: the exponent. */
let frexpExp = 0;

/** Go `math.Frexp` for finite positive `x`: returns the fraction in [0.5, 1) and leaves the exponent in frexpExp. */
function frexp(x: number): number {
  let e = 0;
  let v = x;
  if (v < 2.2250738585072014e-308) {
    // Subnormal: scale into the normal range first.
    v *= 2 ** 52;
    e = -52;
  }
  FREXP_VIEW.setFloat64(0, v);
  const hi = FREXP_VIEW.getUint32(0);
  frexpExp = e + ((hi >>> 20) & 0x7ff) - 1022;
  FREXP_VIEW.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return FREXP_VIEW.getFloat64(0);
}

/**
 * Go `math.Log` (FreeBSD e_log.c as Go ports it; amd64's assembly computes the same steps), which differs from
 * V8's `Math.log` in the last bit for some inputs.
 */
export function goLog(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  let f1 = frexp(x);
  let ki = frexpExp;
  if (f1 < SQRT2_HALF) {
    f1 *= 2;
    ki--;
  }
  const f = f1 - 1;
  const k = ki;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 =
    s2 *
    (6.66666666666673513e-1 +
      s4 * (2.857142874366239149e-1 + s4 * (1.818357216161805012e-1 + s4 * 1.479819860511658591e-1)));
  const t2 = s4 * (3.999999999940941908e-1 + s4 * (2.222219843214978396e-1 + s4 * 1.531383769920937332e-1));
  const r = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
}

/** Go `math.Log2`: exact for powers of two, else `Log(frac) / ln2 + exp` on the frexp split. */
export function goLog2(x: number): number {
  if (!(x > 0) || x === Infinity) return goLog(x);
  const frac = frexp(x);
  const e = frexpExp;
  if (frac === 0.5) return e - 1;
  return goLog(frac) * Math.LOG2E + e;
}

/** Go `math.Log10`: `Log(x) * (1/ln10)`; Math.LOG10E and Math.LOG2E are the correctly rounded constants Go folds. */
export function goLog10(x: number): number {
  return goLog(x) * Math.LOG10E;
}

const GO_DECIMAL = /^[+-]?(?:\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?$/;
const GO_HEX = /^([+-]?)0[xX]((?:_?[0-9a-fA-F])*)\.?((?:[0-9a-fA-F]_?)*)[pP]([+-]?\d+)$/;
const GO_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Go `strconv.ParseFloat(s, 64)`: decimal or hex-float syntax, `Inf`/`Infinity`/`NaN` in any case, no spaces;
 * underscores only between digits of prefixed forms. Returns undefined where Go returns a syntax error
 * or a range error (overflow).
 */
export function parseGoFloat(s: string): number | undefined {
  const special = GO_SPECIAL.exec(s);
  if (special !== null) {
    if (special[2]!.toLowerCase() === "nan") return special[1] === "" ? NaN : undefined;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (s.indexOf("_") < 0 && GO_DECIMAL.test(s)) return finiteOrUndefined(Number(s));
  const hex = GO_HEX.exec(s);
  if (hex === null) return undefined;
  const intDigits = hex[2]!.replace(/_/g, "");
  const fracDigits = hex[3]!.replace(/_/g, "");
  if (intDigits.length + fracDigits.length === 0) return undefined;
  let mant = 0;
  for (const ch of intDigits + fracDigits) mant = mant * 16 + parseInt(ch, 16);
  const v = mant * 2 ** (Number(hex[4]) - 4 * fracDigits.length);
  return finiteOrUndefined(hex[1] === "-" ? -v : v);
}

/** Go reports overflow to ±Inf as a range error, which callers treat like a syntax error. */
function finiteOrUndefined(v: number): number | undefined {
  return v === Infinity || v === -Infinity ? undefined : v;
}
