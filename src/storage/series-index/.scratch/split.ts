import { splitSeriesKey } from "../series-key-split.ts";
const keys: string[] = [];
for (let i = 0; i < 200000; i++) keys.push(Buffer.from(`cpu,arch=x64,datacenter=us-east-1a,hostname=host_${i},os=Ubuntu16.04LTS,rack=${i%100},region=us-east-1,service=${i%20},service_environment=production,service_version=1,team=SF`).toString());
for (let r = 0; r < 3; r++) {
  const parts: string[] = [];
  let t = performance.now();
  for (let i = 0; i < keys.length; i++) splitSeriesKey(keys[i]!, parts);
  console.log("split us", ((performance.now() - t) * 1000 / keys.length).toFixed(3));
  t = performance.now();
  let s = 0;
  for (let i = 0; i < keys.length; i++) s += keys[i]!.split(",").length;
  console.log("native split us", ((performance.now() - t) * 1000 / keys.length).toFixed(3));
  t = performance.now();
  for (let i = 0; i < keys.length; i++) { const k = keys[i]!; let p = 0; for (;;) { const c = k.indexOf(",", p); if (c === -1) break; s += c; p = c + 1; } }
  console.log("indexOf only us", ((performance.now() - t) * 1000 / keys.length).toFixed(3));
}
