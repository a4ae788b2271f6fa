import { open } from "lmdb";
import { splitSeriesKey } from "../series-key-split.ts";
import { MeasurementPostings } from "../measurement-postings.ts";
const dir = "/tmp/strata-create-200000";
const env = open({ path: dir, maxDbs: 8 });
const series = env.openDB<string, number>({ name: "series", keyEncoding: "uint32", encoding: "string" });
const stage = Number(process.argv[2]);
const t = performance.now();
const parts: string[] = [];
const m = new Map<string, number>();
const idToKey: string[] = [""];
const mp = new MeasurementPostings("cpu");
let s = 0;
for (const { key: id, value } of series.getRange()) {
  if (stage >= 1) splitSeriesKey(value, parts);
  if (stage >= 2) { m.set(value, id); idToKey.push(value); }
  if (stage >= 3) mp.add(id, parts, parts.length);
  s += id;
}
console.log("stage", stage, "ms", (performance.now() - t).toFixed(0), s);
await env.close();
