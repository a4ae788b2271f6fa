// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that round-trips, never in exponent form.
// Prometheus formats sample values and count_values labels this way.

/** Formats `v` as Go's `FormatFloat(v, 'f', -1, 64)`: "NaN", "+Inf", "-Inf", "-0", "1000000000000000000000". */
export function formatPromFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  // JavaScript's shortest round-trip digits, re-laid out without an exponent.
  const negative = s.startsWith("-");
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const intLen = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (intLen <= 0) out = "0." + "0".repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + "." + digits.slice(intLen);
  return negative ? "-" + out : out;
}
