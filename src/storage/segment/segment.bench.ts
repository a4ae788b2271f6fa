// Benchmark of segment write and block read on TSBS-like data: 100 series × 10 int fields, one day at 10 s
// (8640 points per column), values a random walk in [0, 100]. Run: node --import tsx src/storage/segment/segment.bench.ts
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FieldType } from "../model/index.ts";
import { DecodedBlock, SegmentReader, SegmentWriter } from "./index.ts";
import { SEGMENT_TRAILER_SIZE } from "./segment-format.ts";

const SERIES = 100;
const FIELDS = 10;
const POINTS = 8640;
const INTERVAL_NS = 10e9;
const RUNS = 5;

// mulberry32: a fixed-seed PRNG so every run measures the same bytes.
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

/** TSBS-style random walk: step round(N(0, 1)), clamped to [0, 100]. */
function makeColumns(kind: "int" | "float"): Float64Array[] {
  const rand = rng(42);
  const cols: Float64Array[] = [];
  for (let c = 0; c < SERIES * FIELDS; c++) {
    const v = new Float64Array(POINTS);
    let x = Math.floor(rand() * 101);
    for (let i = 0; i < POINTS; i++) {
      const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      x = Math.min(100, Math.max(0, kind === "int" ? x + Math.round(normal) : x + normal));
      v[i] = x;
    }
    cols.push(v);
  }
  return cols;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function writeOnce(file: string, cols: Float64Array[], offsets: Float64Array, type: FieldType): Promise<number> {
  const w = await SegmentWriter.create(file, 1_700_000_000_000_000_000n, 86_400e9);
  for (let s = 0; s < SERIES; s++) {
    for (let f = 0; f < FIELDS; f++) {
      const meta = {
        seriesId: s + 1,
        seriesKey: `cpu,hostname=host_${s},region=eu-west-1`,
        fieldId: f,
        fieldName: `usage_${f}`,
        type,
      };
      if (w.addColumn(meta, offsets, cols[s * FIELDS + f], 0, POINTS)) await w.drain();
    }
  }
  return (await w.finish()).byteLength;
}

function readAll(r: SegmentReader, out: DecodedBlock): number {
  let sink = 0;
  for (let b = 0; b < r.blockCount; b++) {
    r.readBlock(b, out);
    sink += out.offsets[out.count - 1];
  }
  return sink;
}

async function bench(kind: "int" | "float", dir: string): Promise<void> {
  const cols = makeColumns(kind);
  const offsets = new Float64Array(POINTS).map((_, i) => i * INTERVAL_NS);
  const total = SERIES * FIELDS * POINTS;
  const file = path.join(dir, `${kind}.seg`);
  const type = kind === "int" ? FieldType.Int : FieldType.Float;
  const writeMs: number[] = [];
  let size = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const t0 = performance.now();
    size = await writeOnce(file, cols, offsets, type);
    if (run > 0) writeMs.push(performance.now() - t0);
  }
  const bytes = fs.readFileSync(file);
  const footerOffset = Number(bytes.readBigUInt64LE(bytes.length - SEGMENT_TRAILER_SIZE));
  const footerBytes = bytes.length - SEGMENT_TRAILER_SIZE - footerOffset;
  const r = await SegmentReader.open(file);
  const out = new DecodedBlock();
  const readMs: number[] = [];
  let sink = 0;
  for (let run = 0; run < RUNS + 2; run++) {
    const t0 = performance.now();
    sink += readAll(r, out);
    if (run > 1) readMs.push(performance.now() - t0);
  }
  const openMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    await (await SegmentReader.open(file)).close();
    openMs.push(performance.now() - t0);
  }
  const blocks = r.blockCount;
  await r.close();
  const w = median(writeMs) / 1000;
  const rd = median(readMs) / 1000;
  console.log(
    JSON.stringify({
      data: `${kind} random walk [0,100], ${SERIES}×${FIELDS} columns × ${POINTS} points, 10 s interval`,
      fileBytes: size,
      bytesPerValue: +(size / total).toFixed(4),
      blocks,
      footerBytes,
      footerBytesPerBlock: +(footerBytes / blocks).toFixed(1),
      blockOverheadBytesPerBlock: 5,
      writeMs: +(w * 1000).toFixed(1),
      writeMBps: +(size / w / 1e6).toFixed(1),
      writePointsPerSec: Math.round(total / w),
      readBlockMs: +(rd * 1000).toFixed(1),
      readEncodedMBps: +(footerOffset / rd / 1e6).toFixed(1),
      readDecodedMBps: +((total * 16) / rd / 1e6).toFixed(1),
      readPointsPerSec: Math.round(total / rd),
      openMs: +median(openMs).toFixed(2),
      sink: sink > 0,
    }),
  );
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
try {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}`);
  await bench("int", dir);
  await bench("float", dir);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
