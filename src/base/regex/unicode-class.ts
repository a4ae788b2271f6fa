// Unicode classes `\pL`, `\p{Greek}` as code-point sets, read out of the host's own RegExp `\p{…}` tables once per
// name and cached. Knows nothing of parsing beyond the name.
import { CharSet, MAX_CODE_POINT } from "./char-set.ts";

const cache = new Map<string, CharSet | null>();

/**
 * The set named by an RE2 Unicode class name: `Any`, a general category (`L`, `Lu`, `Nd`, …) or a script
 * (`Greek`, `Han`, …). Returns undefined for an unknown name. The returned set is shared: copy before mutating.
 * First use of a name scans all code points through the host RegExp (tens of milliseconds); later uses are cached.
 */
export function findUnicodeClass(name: string): CharSet | undefined {
  let set = cache.get(name);
  if (set === undefined) {
    set = buildUnicodeClass(name);
    cache.set(name, set);
  }
  return set ?? undefined;
}

function buildUnicodeClass(name: string): CharSet | null {
  if (name === "Any") return new CharSet([0, MAX_CODE_POINT]);
  if (!/^[A-Za-z_]+$/.test(name)) return null;
  // JS accepts scripts only as `sc=Name`; general categories as `gc=Name`. Binary properties are not RE2 syntax.
  const re = compileProperty("gc=" + name) ?? compileProperty("sc=" + name);
  if (re === null) return null;
  const set = new CharSet();
  scanRuns(re, 0, 0xd7ff, set);
  scanRuns(re, 0xe000, 0xffff, set);
  scanRuns(re, 0x10000, MAX_CODE_POINT, set);
  // Lone surrogates cannot be laid out in one string without pairing up, so test them one by one.
  const single = new RegExp(re.source, "u");
  for (let cp = 0xd800; cp <= 0xdfff; cp++) if (single.test(String.fromCharCode(cp))) set.addRange(cp, cp);
  return set.normalize();
}

function compileProperty(body: string): RegExp | null {
  try {
    return new RegExp("\\p{" + body + "}+", "gu");
  } catch {
    // The host rejects unknown property names with a SyntaxError: that is the "unknown name" answer.
    return null;
  }
}

/** Adds to `set` every run of [lo, hi] that `re` matches, by matching over a string of all those code points. */
function scanRuns(re: RegExp, lo: number, hi: number, set: CharSet): void {
  const units = lo >= 0x10000 ? 2 : 1;
  const parts: string[] = [];
  for (let cp = lo; cp <= hi; cp += 4096) {
    const codes: number[] = [];
    for (let x = cp; x <= Math.min(hi, cp + 4095); x++) codes.push(x);
    parts.push(String.fromCodePoint(...codes));
  }
  const text = parts.join("");
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const first = lo + m.index / units;
    set.addRange(first, first + m[0].length / units - 1);
  }
}
