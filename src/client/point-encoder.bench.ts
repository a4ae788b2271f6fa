// Encoder throughput: TSBS-like cpu points (10 tags, 10 float fields, 100 hosts, ns times) → line protocol.
// Run: node --import tsx src/client/point-encoder.bench.ts. Uses globals only (browser-safe like the client).
import { PointEncoder } from "./point-encoder.ts";
import type { Point } from "./point-encoder.ts";

const HOSTS = 100;
const POINTS = 200_000;
const ROUNDS = 7;

const points: Point[] = [];
for (let i = 0; i < POINTS; i++) {
  const h = i % HOSTS;
  const tags: Record<string, string> = { hostname: `host_${h}`, region: "eu-west-1", datacenter: "eu-west-1a" };
  for (let t = 0; t < 7; t++) tags[`tag${t}`] = `value_${(h * 7 + t) % 13}`;
  const fields: Record<string, number> = {};
  for (let f = 0; f < 10; f++) fields[`usage_${f}`] = Math.round(Math.random() * 10_000) / 100;
  points.push({ measurement: "cpu", tags, fields, time: 1_714_564_800_000_000_000n + BigInt(i) * 10_000_000_000n });
}

const timings: number[] = [];
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  const encoder = new PointEncoder();
  const start = performance.now();
  for (let i = 0; i < POINTS; i++) sink += encoder.encode(points[i]!, "ns").length;
  timings.push(performance.now() - start);
}
timings.sort((a, b) => a - b);
const medianMs = timings[ROUNDS >> 1]!;
console.log(
  `point encoder: ${Math.round(POINTS / (medianMs / 1000)).toLocaleString("en")} points/s, ` +
    `${Math.round((medianMs * 1e6) / POINTS)} ns/point (10 fields), median of ${ROUNDS}; sink ${sink % 7}`,
);
