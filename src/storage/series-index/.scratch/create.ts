import fs from "node:fs";
import { formatSeriesKey } from "../../model/index.ts";
import type { Tag } from "../../model/index.ts";
import { SeriesIndex } from "../index.ts";
const REGIONS = ["us-east-1","us-west-1","us-west-2","eu-west-1","eu-central-1","ap-southeast-1","ap-southeast-2","ap-northeast-1","sa-east-1"];
function tsbsKey(i: number): string {
  const region = REGIONS[i % REGIONS.length]!;
  const tags: Tag[] = [["hostname", `host_${i}`],["region", region],["datacenter", `${region}${"abc"[i % 3]}`],["rack", String(i % 100)],["os", ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"][i % 3]!],["arch", ["x64", "x86"][i % 2]!],["team", ["SF", "NYC", "LON", "CHI"][i % 4]!],["service", String(i % 20)],["service_version", String(i % 2)],["service_environment", ["production", "staging", "test"][i % 3]!]];
  return formatSeriesKey("cpu", tags);
}
const n = Number(process.argv[2] ?? 200000);
const mode = process.argv[3] ?? "create";
const dir = "/tmp/strata-create-" + n;
const keys: string[] = [];
if (mode === "create") for (let i = 0; i < n; i++) keys.push(tsbsKey(i));
if (mode === "create") {
  fs.rmSync(dir, { recursive: true, force: true });
  const index = await SeriesIndex.open(dir, { maxSeries: 0 });
  const t = performance.now();
  for (let i = 0; i < n; i++) index.getOrCreateSeries(keys[i]!);
  const t1 = performance.now();
  await index.flushed();
  console.log("create us/series", ((t1 - t) * 1000) / n, "flushed", ((performance.now() - t) * 1000) / n);
  await index.close();
} else {
  const t = performance.now();
  const index = await SeriesIndex.open(dir, { maxSeries: 0 });
  console.log("reopen ms", performance.now() - t, index.seriesCount());
  await index.close();
}
