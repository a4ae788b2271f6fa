import { open } from "lmdb";
import { splitSeriesKey } from "../series-key-split.ts";
import { MeasurementPostings } from "../measurement-postings.ts";
const dir = "/tmp/strata-create-200000";
const env = open({ path: dir, maxDbs: 8 });
const series = env.openDB<string, number>({ name: "series", keyEncoding: "uint32", encoding: "string" });
const keys: string[] = [];
for (const { value } of series.getRange()) keys.push(value);
await env.close();
const buf = Buffer.from(keys.join("\n"));
const offs: number[] = [0];
for (let i = 0; i < buf.length; i++) if (buf[i] === 10) offs.push(i + 1);
offs.push(buf.length + 1);
const stage = Number(process.argv[2]);
const t = performance.now();
const parts: string[] = [];
const m = new Map<string, number>();
const idToKey: string[] = [""];
const mp = new MeasurementPostings("cpu");
for (let i = 0; i + 1 < offs.length; i++) {
  const value = buf.toString("utf8", offs[i]!, offs[i + 1]! - 1);
  const id = i + 1;
  if (stage >= 1) splitSeriesKey(value, parts);
  if (stage >= 2) { m.set(value, id); idToKey.push(value); }
  if (stage >= 3) mp.add(id, parts, parts.length);
}
console.log("stage", stage, "ms", (performance.now() - t).toFixed(0), m.size);
