// Renders the server benchmark's markdown tables: one row per system for ingest, disk and memory, and one row per
// query with each system's median and Strata's ratios to InfluxDB (InfluxQL) and VictoriaMetrics (PromQL).
import type { QueryFigures } from "./query-runner.ts";
import type { ServerQuerySpec } from "./server-queries.ts";
import type { SystemKey } from "./systems.ts";

/** The parts of the run's JSON report that the tables show. */
export interface ReportView {
  hosts: number;
  hours: number;
  rows: number;
  values: number;
  node: string;
  cpu: string;
  cpus: number;
  batchLines: number;
  concurrency: number;
  runs: number;
  /** Warm-up runs before the measured ones (absent in reports older than the field). */
  warmups?: number;
  skipped: string[];
  systems: Array<{
    key: SystemKey;
    label: string;
    version: string;
    ingestSeconds: number;
    valuesPerSec: number;
    failedRequests: number;
    flush: string;
    bytesPerValue: number;
    peakRssMiB: number;
    memoryBudgetMiB?: number | null;
    peakRssPerBudget?: number | null;
    queries: QueryFigures[];
  }>;
}

/** The markdown report (ends with a newline). */
export function renderReport(report: ReportView, specs: ServerQuerySpec[]): string {
  const by = (key: SystemKey): ReportView["systems"][number] | undefined => report.systems.find((s) => s.key === key);
  const influx = by("influxdb");
  const vm = by("victoria-metrics");
  const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
    a == null || b == null || b === 0 ? "–" : `${(a / b).toFixed(2)}×`;
  const lines = [
    `## Server benchmark: TSBS cpu-only over HTTP, ${report.hosts} hosts × ${report.hours} h ` +
      `(${report.rows.toLocaleString("en-US")} rows, ${report.values.toLocaleString("en-US")} values)`,
    "",
    `Node ${report.node}, ${report.cpu} × ${report.cpus}; line protocol in batches of ${report.batchLines} lines, ` +
      `${report.concurrency} concurrent senders; each query's median of ${report.runs} runs after ` +
      `${report.warmups ?? "?"} warm-up runs (steady state); first-run (cold) times below.`,
    "",
    "| system | version | ingest s | values/s | ÷ InfluxDB | ÷ VM | bytes/value | peak RSS MiB | ÷ budget | failed writes |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...report.systems.map(
      (s) =>
        `| ${s.label} | ${s.version} | ${s.ingestSeconds} | ${s.valuesPerSec.toLocaleString("en-US")} | ` +
        `${ratio(s.valuesPerSec, influx?.valuesPerSec)} | ${ratio(s.valuesPerSec, vm?.valuesPerSec)} | ` +
        `${s.bytesPerValue} | ${s.peakRssMiB} | ${budgetCell(s.peakRssPerBudget, s.memoryBudgetMiB)} | ` +
        `${s.failedRequests} |`,
    ),
    "",
    "Query medians in ms (ratios: Strata ÷ the other system, below 1 means Strata is faster):",
    "",
    "| query | InfluxDB InfluxQL | Strata InfluxQL | Strata ÷ InfluxDB | VM PromQL | Strata PromQL | Strata ÷ VM |",
    "|---|--:|--:|--:|--:|--:|--:|",
  ];
  const strata = by("strata");
  const cell = (
    s: ReportView["systems"][number] | undefined,
    name: string,
    language: string,
  ): QueryFigures | undefined => s?.queries.find((q) => q.name === name && q.language === language);
  const ms = (q: QueryFigures | undefined): string =>
    q === undefined ? "–" : q.error !== undefined ? "error" : String(q.medianMs);
  const notes: string[] = [];
  for (const spec of specs) {
    const [iq, sq, vq, sp] = [
      cell(influx, spec.name, "influxql"),
      cell(strata, spec.name, "influxql"),
      cell(vm, spec.name, "promql"),
      cell(strata, spec.name, "promql"),
    ];
    lines.push(
      `| ${spec.name} | ${ms(iq)} | ${ms(sq)} | ${ratio(sq?.medianMs, iq?.medianMs)} | ${ms(vq)} | ${ms(sp)} | ` +
        `${ratio(sp?.medianMs, vq?.medianMs)} |`,
    );
    for (const [label, q] of [
      ["InfluxDB", iq],
      ["Strata InfluxQL", sq],
      ["VM", vq],
      ["Strata PromQL", sp],
    ] as const) {
      if (q?.error !== undefined) notes.push(`- ${spec.name} on ${label}: ${q.error}`);
    }
    if (
      iq !== undefined &&
      sq !== undefined &&
      iq.error === undefined &&
      sq.error === undefined &&
      iq.rows !== sq.rows
    ) {
      notes.push(`- ${spec.name}: InfluxQL rows differ, InfluxDB ${iq.rows}, Strata ${sq.rows}`);
    }
    if (
      vq !== undefined &&
      sp !== undefined &&
      vq.error === undefined &&
      sp.error === undefined &&
      vq.rows !== sp.rows
    ) {
      notes.push(`- ${spec.name}: PromQL samples differ, VictoriaMetrics ${vq.rows}, Strata ${sp.rows}`);
    }
  }
  lines.push(
    "",
    "First run of each query in ms (cold: nothing cached, and Strata's JIT not yet warm):",
    "",
    "| query | InfluxDB InfluxQL | Strata InfluxQL | VM PromQL | Strata PromQL |",
    "|---|--:|--:|--:|--:|",
  );
  const first = (q: QueryFigures | undefined): string =>
    q === undefined ? "–" : q.error !== undefined || q.firstMs == null ? "error" : String(q.firstMs);
  for (const spec of specs) {
    lines.push(
      `| ${spec.name} | ${first(cell(influx, spec.name, "influxql"))} | ${first(cell(strata, spec.name, "influxql"))} | ` +
        `${first(cell(vm, spec.name, "promql"))} | ${first(cell(strata, spec.name, "promql"))} |`,
    );
  }
  lines.push("");
  if (notes.length > 0) lines.push("Notes:", "", ...notes, "");
  if (report.skipped.length > 0) lines.push(`Skipped: ${report.skipped.join("; ")}.`, "");
  lines.push(...report.systems.map((s) => `- ${s.label} flush: ${s.flush}`), "");
  return lines.join("\n");
}

/** `1.02× of 512` (peak RSS ÷ the memory budget, and the budget in MiB), or – for systems without a budget. */
function budgetCell(perBudget: number | null | undefined, budgetMiB: number | null | undefined): string {
  return perBudget == null || budgetMiB == null ? "–" : `${perBudget.toFixed(2)}× of ${Math.round(budgetMiB)}`;
}
