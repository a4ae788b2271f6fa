// The benchmark's query mix on the TSBS cpu data set, modelled on TSBS's devops queries (single-groupby-1-1-1,
// single-groupby-5-1-12, cpu-max-all-8, double-groupby-1, lastpoint, high-cpu-1), as native queries.
import type { NativeQuery } from "../src/storage/index.ts";
import { CPU_FIELDS, TSBS_START_SEC } from "./tsbs-cpu.ts";

/** One benchmark query: a name, what it does, and a builder drawing hosts and windows from `random`. */
export interface CpuQuery {
  name: string;
  description: string;
  build(random: () => number): NativeQuery;
}

const HOUR_NS = 3_600_000_000_000n;
const START_NS = BigInt(TSBS_START_SEC) * 1_000_000_000n;

/** The six queries over a data set of `hosts` hosts and `hours` hours. */
export function cpuQueries(hosts: number, hours: number): CpuQuery[] {
  const host = (random: () => number): string => `host_${Math.floor(random() * hosts)}`;
  // A window of `span` whole hours inside the data set (the whole data set when it is shorter).
  const window = (random: () => number, span: number): { start: string; end: string } => {
    const width = Math.min(span, hours);
    const first = Math.floor(random() * (hours - width + 1));
    return { start: ns(START_NS + BigInt(first) * HOUR_NS), end: ns(START_NS + BigInt(first + width) * HOUR_NS) };
  };
  const hostIs = (name: string): NativeQuery["where"] => [{ key: "hostname", op: "=", value: name }];
  return [
    {
      name: "1-host-1-hour",
      description: "max(usage_user) per minute, 1 host, 1 h",
      build: (r) => ({
        measurement: "cpu",
        fields: ["usage_user"],
        aggregate: "max",
        where: hostIs(host(r)),
        ...window(r, 1),
        groupBy: { time: "1m" },
      }),
    },
    {
      name: "1-host-12-hours-5-fields",
      description: "max of 5 fields per minute, 1 host, 12 h",
      build: (r) => ({
        measurement: "cpu",
        fields: CPU_FIELDS.slice(0, 5),
        aggregate: "max",
        where: hostIs(host(r)),
        ...window(r, 12),
        groupBy: { time: "1m" },
      }),
    },
    {
      name: "8-hosts-8-hours-all-fields",
      description: "max of 10 fields per hour, 8 hosts (regex), 8 h",
      build: (r) => ({
        measurement: "cpu",
        fields: [...CPU_FIELDS],
        aggregate: "max",
        where: [{ key: "hostname", op: "=~", value: `^(${pickHosts(r, hosts, 8).join("|")})$` }],
        ...window(r, 8),
        groupBy: { time: "1h" },
      }),
    },
    {
      name: "all-hosts-12-hours-by-host",
      description: "mean(usage_user) per hour per host, all hosts, 12 h",
      build: (r) => ({
        measurement: "cpu",
        fields: ["usage_user"],
        aggregate: "mean",
        ...window(r, 12),
        groupBy: { time: "1h", tags: ["hostname"] },
      }),
    },
    {
      name: "lastpoint",
      description: "last of every field per host, whole range",
      build: () => ({ measurement: "cpu", aggregate: "last", groupBy: { tags: ["hostname"] } }),
    },
    {
      name: "high-cpu-1-host",
      description: "rows with usage_user > 90, 1 host, 12 h",
      build: (r) => ({
        measurement: "cpu",
        fields: [...CPU_FIELDS],
        where: hostIs(host(r)),
        fieldWhere: [{ field: "usage_user", op: ">", value: 90 }],
        ...window(r, 12),
      }),
    },
  ];
}

// `count` distinct host names (all hosts when there are fewer), by a partial Fisher-Yates shuffle.
function pickHosts(random: () => number, hosts: number, count: number): string[] {
  const ids = Array.from({ length: hosts }, (_, i) => i);
  const n = Math.min(count, hosts);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (hosts - i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, n).map((i) => `host_${i}`);
}

function ns(value: bigint): string {
  return value.toString();
}
