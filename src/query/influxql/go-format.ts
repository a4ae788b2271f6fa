// Value formatting exactly as InfluxDB 1.x's Go encoders print it: encoding/json numbers and strings, strconv's
// 'f' floats for CSV, RFC3339Nano times and epoch conversion. Pure functions, no I/O.
import { formatRfc3339 } from "../../base/index.ts";

const HEX = "0123456789abcdef";

/** A JSON string literal as Go's encoding/json writes it (HTML-safe: <, >, & and U+2028/9 escaped). */
export function goJsonString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      esc = c === 10 ? "\\n" : c === 13 ? "\\r" : c === 9 ? "\\t" : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 34) esc = '\\"';
    else if (c === 92) esc = "\\\\";
    else if (c === 60) esc = "\\u003c";
    else if (c === 62) esc = "\\u003e";
    else if (c === 38) esc = "\\u0026";
    else if (c === 0x2028) esc = "\\u2028";
    else if (c === 0x2029) esc = "\\u2029";
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = "\ufffd"; // a lone surrogate is invalid UTF-8 to Go, which writes U+FFFD
    }
    if (esc !== null) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

/**
 * A float64 as Go's encoding/json prints it: shortest round-trip digits, exponent form below 1e-6 and from 1e21
 * (which JavaScript's Number#toString shares), "-0" for negative zero. Non-finite values print as null: InfluxDB
 * never sends them.
 */
export function goJsonFloat(v: number): string {
  if (!Number.isFinite(v)) return "null";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  return String(v);
}

/** A float64 as Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function goFixedFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : v < 0 ? "-Inf" : "NaN";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const negative = s.startsWith("-");
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const intLen = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${"0".repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + "0".repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return negative ? `-${out}` : out;
}

/** Nanoseconds per unit of the `epoch` query parameter (InfluxDB 1.x: ns, u, µ, ms, s, m, h; others mean ns). */
export function epochDivisor(epoch: string | undefined): bigint {
  switch (epoch) {
    case "u":
    case "µ":
    case "us":
      return 1_000n;
    case "ms":
      return 1_000_000n;
    case "s":
      return 1_000_000_000n;
    case "m":
      return 60_000_000_000n;
    case "h":
      return 3_600_000_000_000n;
    default:
      return 1n;
  }
}

/**
 * A time cell: RFC3339Nano (trailing zeros trimmed) without `epoch`, else the integer count of epoch units
 * (truncated toward zero, as Go's integer division).
 */
export function formatTimeValue(ns: bigint, epoch: string | undefined): string {
  if (epoch === undefined || epoch === "") return `"${fastRfc3339(ns)}"`;
  return String(ns / epochDivisor(epoch));
}

const NS = 1_000_000_000n;
/** Days since the epoch of 0000-01-01 and 9999-12-31: the range toISOString prints as YYYY-MM-DD. */
const MIN_DAY = -719_528;
const MAX_DAY = 2_932_896;
let cachedDay = Number.NaN;
let cachedDate = "";

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * RFC3339Nano with trailing zeros trimmed, as formatRfc3339 but without a Date per call: rows of one day share
 * the cached date part (the JSON encoder formats every row's time; see encode-response).
 */
export function fastRfc3339(ns: bigint): string {
  let sec = ns / NS;
  let nsec = ns - sec * NS;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += NS;
  }
  const s = Number(sec);
  const day = Math.floor(s / 86_400);
  if (day < MIN_DAY || day > MAX_DAY) return formatRfc3339(ns);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  const r = s - day * 86_400;
  const clock = `${cachedDate}T${pad2(Math.floor(r / 3600))}:${pad2(Math.floor((r % 3600) / 60))}:${pad2(r % 60)}`;
  if (nsec === 0n) return `${clock}Z`;
  return `${clock}.${String(nsec).padStart(9, "0").replace(/0+$/, "")}Z`;
}
