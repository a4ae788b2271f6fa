// Benchmark of SafeRegex.test on tag-value-like strings and on catastrophic patterns, against JS RegExp.
// Run: node --import tsx src/base/regex/safe-regex.bench.ts
import os from "node:os";
import { SafeRegex } from "./safe-regex.ts";

const RUNS = 7;
let sink = 0;

/** Median wall time in ms of `fn` over RUNS runs, after one warm-up run. */
function median(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[RUNS >> 1];
}

function tagValues(n: number): string[] {
  const out: string[] = [];
  const prefixes = ["host_", "web-", "db-", "cache-", "host_1", "us-east-", "api"];
  for (let i = 0; i < n; i++) out.push(prefixes[i % prefixes.length] + ((i * 7919) % 1000));
  return out;
}

function benchSet(pattern: string, anchored: boolean, values: string[], jsFlags = ""): void {
  const re = SafeRegex.compile(pattern, { anchored });
  const jsSource = pattern.replace(/^\(\?i\)/, "");
  const js = new RegExp(anchored ? `^(?:${jsSource})$` : jsSource, "u" + jsFlags);
  const mine = median(() => {
    for (let i = 0; i < values.length; i++) if (re.test(values[i])) sink++;
  });
  const theirs = median(() => {
    for (let i = 0; i < values.length; i++) if (js.test(values[i])) sink++;
  });
  const ns = (ms: number): string => ((ms * 1e6) / values.length).toFixed(1);
  console.log(
    `${JSON.stringify(pattern).padEnd(28)} anchored=${String(anchored).padEnd(5)} ` +
      `${values.length} strings: SafeRegex ${mine.toFixed(2)} ms (${ns(mine)} ns/string), ` +
      `RegExp ${theirs.toFixed(2)} ms (${ns(theirs)} ns/string)`,
  );
}

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}`);
const values = tagValues(100_000);
for (const anchored of [false, true]) {
  benchSet("host_1[0-9]+|web-.*", anchored, values);
  benchSet("^cpu[0-9]+$", anchored, values);
  benchSet("(?i)US-(east|west)-.*", anchored, values, "i");
  benchSet("db-[0-9]{2,3}|cache-.*7", anchored, values);
}

const compileMs = median(() => {
  for (let i = 0; i < 1000; i++) sink += SafeRegex.compile("host_1[0-9]+|web-.*", { anchored: true }).source.length;
});
console.log(`compile "host_1[0-9]+|web-.*": ${((compileMs * 1e3) / 1000).toFixed(1)} µs each`);

for (const [pattern, input] of [
  ["(a+)+$", "a".repeat(30) + "b"],
  ["(a|aa)+$", "a".repeat(30) + "b"],
  ["(.*a){20}", "a".repeat(19) + "b".repeat(1000)],
] as const) {
  const cold = median(() => {
    if (SafeRegex.compile(pattern, { anchored: false }).test(input)) sink++;
  });
  const re = SafeRegex.compile(pattern, { anchored: false });
  const warm = median(() => {
    if (re.test(input)) sink++;
  });
  console.log(
    `${JSON.stringify(pattern)} on ${input.length} chars: compile+test ${(cold * 1e3).toFixed(1)} µs, ` +
      `warm test ${(warm * 1e3).toFixed(2)} µs`,
  );
}

// JS RegExp doubles its time per extra "a"; stop well before it hangs.
for (const n of [18, 20, 22, 24]) {
  const js = /(a+)+$/;
  const input = "a".repeat(n) + "b";
  const t0 = performance.now();
  if (js.test(input)) sink++;
  console.log(`RegExp /(a+)+$/ on "a"×${n}+"b": ${(performance.now() - t0).toFixed(1)} ms`);
}
console.log(`(sink ${sink})`);
