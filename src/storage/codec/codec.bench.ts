// Codec micro-benchmark: encode/decode ns/point and bytes/point on fixed 8192-point blocks (STYLE §7).
// Run: node --import tsx src/storage/codec/codec.bench.ts
import * as os from "node:os";
import {
  ByteWriter,
  decodeBools,
  decodeFloats,
  decodeInts,
  decodeStrings,
  decodeTimestamps,
  encodeBools,
  encodeFloats,
  encodeInts,
  encodeStrings,
  encodeTimestamps,
} from "./index.ts";

const N = 8192;
const WARMUP = 30;
const RUNS = 21;
const SEC = 1_000_000_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(1);
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
function seq(f: (i: number) => number): Float64Array {
  const v = new Float64Array(N);
  for (let i = 0; i < N; i++) v[i] = f(i);
  return v;
}

interface Column {
  name: string;
  encode: (out: ByteWriter) => void;
  decode: (src: Uint8Array) => number;
}
function numeric(
  name: string,
  values: Float64Array,
  enc: (v: Float64Array, s: number, e: number, out: ByteWriter) => void,
  dec: (src: Uint8Array, n: number, out: Float64Array) => number,
): Column {
  const out = new Float64Array(N);
  return { name, encode: (w) => enc(values, 0, N, w), decode: (src) => dec(src, N, out) };
}

let walkX = 50;
let gaugeX = 50;
let counter = 0;
let t = 0;
let tg = 0;
const strs = ["us-east-1", "us-west-2", "eu-central-1", "ap-south-1"];
const stringValues = Array.from({ length: N }, (_, i) => strs[Math.floor(i / 700) % 4]);
const stringOut = new Array<string>(N).fill("");
const COLUMNS: Column[] = [
  numeric(
    "ts regular 10 s",
    seq((i) => i * 10 * SEC),
    encodeTimestamps,
    decodeTimestamps,
  ),
  numeric(
    "ts 10 s + jitter (ms)",
    seq((i) => i * 10 * SEC + Math.floor(r() * 1000) * 1e6),
    encodeTimestamps,
    decodeTimestamps,
  ),
  numeric(
    "ts 10 s + jitter (ns)",
    seq((i) => i * 10 * SEC + Math.floor(r() * SEC)),
    encodeTimestamps,
    decodeTimestamps,
  ),
  numeric(
    "ts large gaps",
    seq(() => (tg += r() < 0.02 ? Math.floor(r() * 86400) * SEC : 10 * SEC)),
    encodeTimestamps,
    decodeTimestamps,
  ),
  numeric(
    "ts irregular ns",
    seq(() => (t += 1 + Math.floor(r() * 2 ** 40))),
    encodeTimestamps,
    decodeTimestamps,
  ),
  numeric(
    "int TSBS walk [0,100]",
    seq(() => (walkX = Math.max(0, Math.min(100, Math.round(walkX + gaussian()))))),
    encodeInts,
    decodeInts,
  ),
  numeric(
    "int constant",
    seq(() => 42),
    encodeInts,
    decodeInts,
  ),
  numeric(
    "int counter",
    seq(() => (counter += Math.floor(r() * 1000))),
    encodeInts,
    decodeInts,
  ),
  numeric(
    "int random 32-bit",
    seq(() => Math.floor(r() * 2 ** 32)),
    encodeInts,
    decodeInts,
  ),
  numeric(
    "float random",
    seq(() => r() * 100),
    encodeFloats,
    decodeFloats,
  ),
  numeric(
    "float gauge 2 decimals",
    seq(() => Math.round((gaugeX += gaussian() * 0.3) * 100) / 100),
    encodeFloats,
    decodeFloats,
  ),
  numeric(
    "float constant",
    seq(() => 0.5),
    encodeFloats,
    decodeFloats,
  ),
  numeric(
    "float TSBS walk as float",
    seq(() => (walkX = Math.max(0, Math.min(100, Math.round(walkX + gaussian()))))),
    encodeFloats,
    decodeFloats,
  ),
  numeric(
    "float slow sine",
    seq((i) => Math.sin(i / 500) * 20),
    encodeFloats,
    decodeFloats,
  ),
  numeric(
    "bool runs",
    seq((i) => Math.floor(i / 37) % 2),
    encodeBools,
    decodeBools,
  ),
  {
    name: "string 4 distinct",
    encode: (w) => encodeStrings(stringValues, 0, N, w),
    decode: (src) => decodeStrings(src, N, stringOut),
  },
];

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}
function timeNs(fn: () => void, reps: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - start) / reps;
}

let sink = 0;
const w = new ByteWriter(N * 10);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}, ${N} points per block`);
console.log("| data set | id | bytes/point | bits/point | encode ns/pt | decode ns/pt |");
console.log("|---|---|---|---|---|---|");
for (const c of COLUMNS) {
  const enc = () => {
    w.reset();
    c.encode(w);
  };
  enc();
  const bytes = w.bytes().slice();
  const dec = () => {
    sink += c.decode(bytes);
  };
  for (let i = 0; i < WARMUP; i++) {
    enc();
    dec();
  }
  const encRuns: number[] = [];
  const decRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    encRuns.push(timeNs(enc, 5) / N);
    decRuns.push(timeNs(dec, 5) / N);
  }
  const bpp = bytes.length / N;
  console.log(
    `| ${c.name} | 0x${bytes[0].toString(16)} | ${bpp.toFixed(4)} | ${(bpp * 8).toFixed(2)} | ${median(encRuns).toFixed(1)} | ${median(decRuns).toFixed(1)} |`,
  );
}
if (sink === 0) console.log("(sink)");
