// Benchmark: decoding a Prometheus remote-write request of 5,000 series (1 sample each, node-exporter-like labels):
// snappy sync vs async, protobufjs reflection decode (+ mapping to a WriteBatch) vs the Reader-based decoder,
// cold (first sight of the series) and warm (series cache hit, as on every scrape after the first).
// Run: node --import tsx src/ingest/remote-write/remote-write.bench.ts [series] [rounds] [case-substring]
// Cases share one heap, and the reflection decoder's garbage slows later cases; pass a case name to run one alone.
import os from "node:os";
import { uncompress, uncompressSync } from "snappy";
import { FieldType, WriteBatch, formatSeriesKey } from "../../storage/index.ts";
import { decodeRemoteWrite } from "./remote-write-decoder.ts";
import { WriteRequestType, encodeWriteRequest, encodeWriteRequestProto } from "./remote-write.test-support.ts";
import type { TestWriteRequest } from "./remote-write.test-support.ts";

const SERIES = Number(process.argv[2] ?? 5_000);
const ROUNDS = Number(process.argv[3] ?? 30);

function makeRequest(series: number, round: number): TestWriteRequest {
  const timeseries: TestWriteRequest["timeseries"] = [];
  for (let i = 0; i < series; i++) {
    timeseries.push({
      labels: [
        { name: "__name__", value: `node_metric_${i % 250}` },
        { name: "cpu", value: String(i % 16) },
        { name: "instance", value: `host-${Math.floor(i / 250)}:9100` },
        { name: "job", value: "node" },
        { name: "mode", value: ["user", "system", "idle", "iowait"][i % 4]! },
      ],
      samples: [{ value: i * 1.5 + round, timestamp: 1_700_000_000_000 + round * 15_000 }],
    });
  }
  return { timeseries };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const ONLY = process.argv[4] ?? "";

function time(name: string, fn: (round: number) => void): void {
  if (!name.includes(ONLY)) return;
  const ms: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn(r);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const m = median(ms);
  console.log(`${name.padEnd(44)} median ${m.toFixed(3)} ms  ${((m * 1e6) / SERIES).toFixed(0)} ns/series`);
}

/** The reflection alternative: decode to objects (Long timestamps), then map to the batch as the decoder does. */
function reflectionDecode(raw: Uint8Array, batch: WriteBatch): number {
  const req = WriteRequestType.toObject(WriteRequestType.decode(raw), { longs: Number }) as TestWriteRequest;
  let samples = 0;
  for (const ts of req.timeseries) {
    let measurement = "";
    const tags: Array<[string, string]> = [];
    for (const l of ts.labels) {
      if (l.name === "__name__") measurement = l.value;
      else if (l.value !== "") tags.push([l.name, l.value]);
    }
    const key = formatSeriesKey(measurement, tags);
    for (const s of ts.samples ?? []) {
      const sec = Math.floor(s.timestamp / 1000);
      batch.addPoint(key, measurement, sec, (s.timestamp - sec * 1000) * 1e6);
      batch.addNumber("value", FieldType.Float, s.value);
      samples++;
    }
  }
  return samples;
}

const bodies = Array.from({ length: ROUNDS }, (_, r) => encodeWriteRequest(makeRequest(SERIES, r)));
const raws = Array.from({ length: ROUNDS }, (_, r) => encodeWriteRequestProto(makeRequest(SERIES, r)));
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"}; ${SERIES} series x 1 sample`);
console.log(`body ${bodies[0]!.length} bytes snappy, ${raws[0]!.length} bytes protobuf`);
const batch = new WriteBatch();
let sink = 0;
time("snappy uncompressSync (external buffer)", (r) => {
  sink += (uncompressSync(bodies[r]!, { asBuffer: true }) as Buffer).length;
});
time("snappy uncompressSync (copyOutputData)", (r) => {
  sink += (uncompressSync(bodies[r]!, { asBuffer: true, copyOutputData: true }) as Buffer).length;
});
const asyncMs: number[] = [];
for (let r = 0; r < (ONLY === "" || "async".includes(ONLY) ? ROUNDS : 0); r++) {
  const t0 = process.hrtime.bigint();
  sink += ((await uncompress(bodies[r]!, { asBuffer: true })) as Buffer).length;
  asyncMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
if (asyncMs.length > 0)
  console.log(`${"snappy uncompress (async)".padEnd(44)} median ${median(asyncMs).toFixed(3)} ms`);
time("protobufjs reflection decode + map", (r) => {
  batch.reset();
  sink += reflectionDecode(raws[r]!, batch);
});
// The decoder keeps a series cache; a fresh label set per round measures the cold path.
const coldBodies = Array.from({ length: ROUNDS }, (_, r) => {
  const req = makeRequest(SERIES, r);
  for (const ts of req.timeseries) ts.labels.push({ name: "round", value: String(r) });
  return encodeWriteRequest(req);
});
time("decodeRemoteWrite (cold: new series)", (r) => {
  batch.reset();
  sink += decodeRemoteWrite(coldBodies[r]!, batch).samples;
});
time("decodeRemoteWrite (warm: cached series)", (r) => {
  batch.reset();
  sink += decodeRemoteWrite(bodies[r]!, batch).samples;
});
if (sink === 0) console.log("unreachable");
