// A tiny Prometheus metrics registry: counters, gauges and histograms with labels, rendered in the text
// exposition format 0.0.4. Knows nothing of what is measured; server-metrics.ts defines the metrics.

type Kind = "counter" | "gauge" | "histogram";

/** One labelled child of a counter or gauge. Mutable value; single-threaded. */
export class MetricValue {
  value = 0;

  /** Adds `n` (default 1); counters must only grow, which callers guarantee. */
  inc(n = 1): void {
    this.value += n;
  }

  set(n: number): void {
    this.value = n;
  }
}

/** One labelled child of a histogram: cumulative bucket counts, sum and count. */
export class HistogramValue {
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }

  /** Records one observation `v` (seconds for latencies). */
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]!) this.counts[i]!++;
  }
}

/** A metric family: name, help, label names and one child per label-value combination. */
export class MetricFamily<T extends MetricValue | HistogramValue> {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  readonly labelNames: readonly string[];
  private readonly children = new Map<string, { labels: readonly string[]; value: T }>();
  private readonly make: () => T;

  constructor(name: string, help: string, kind: Kind, labelNames: readonly string[], make: () => T) {
    this.name = name;
    this.help = help;
    this.kind = kind;
    this.labelNames = labelNames;
    this.make = make;
  }

  /** The child for these label values (in `labelNames` order), created at zero on first use. */
  labels(...values: string[]): T {
    const key = values.join("\u0000");
    let child = this.children.get(key);
    if (child === undefined) {
      child = { labels: values, value: this.make() };
      this.children.set(key, child);
    }
    return child.value;
  }

  /** Drops every child (for gauges recomputed at each scrape, so vanished label sets disappear). */
  clear(): void {
    this.children.clear();
  }

  /** Appends this family in text format to `out`. */
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.kind}`);
    for (const { labels, value } of this.children.values()) {
      if (value instanceof HistogramValue) {
        for (let i = 0; i < value.bounds.length; i++) {
          const le = formatNumber(value.bounds[i]!);
          out.push(`${this.name}_bucket${labelText(this.labelNames, labels, le)} ${formatNumber(value.counts[i]!)}`);
        }
        out.push(`${this.name}_bucket${labelText(this.labelNames, labels, "+Inf")} ${value.count}`);
        out.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${formatNumber(value.sum)}`);
        out.push(`${this.name}_count${labelText(this.labelNames, labels)} ${value.count}`);
      } else {
        out.push(`${this.name}${labelText(this.labelNames, labels)} ${formatNumber(value.value)}`);
      }
    }
  }
}

/** Latency buckets in seconds, 1 ms to 60 s. */
const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/**
 * A set of metric families plus collectors run before each render (to refresh gauges such as series counts).
 * Not safe for concurrent renders; the server renders one scrape at a time per call.
 */
export class MetricsRegistry {
  private readonly families: Array<MetricFamily<MetricValue | HistogramValue>> = [];
  private readonly collectors: Array<() => Promise<void> | void> = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): MetricFamily<MetricValue> {
    return this.add(new MetricFamily(name, help, "counter", labelNames, () => new MetricValue()));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): MetricFamily<MetricValue> {
    return this.add(new MetricFamily(name, help, "gauge", labelNames, () => new MetricValue()));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    bounds: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ): MetricFamily<HistogramValue> {
    return this.add(new MetricFamily(name, help, "histogram", labelNames, () => new HistogramValue(bounds)));
  }

  /** Registers `collect`, awaited before every render. */
  onCollect(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  /** Runs the collectors, then renders every family as Prometheus text format (ends with a newline). */
  async render(): Promise<string> {
    for (const collect of this.collectors) await collect();
    const out: string[] = [];
    for (const family of this.families) family.render(out);
    return out.join("\n") + "\n";
  }

  private add<T extends MetricValue | HistogramValue>(family: MetricFamily<T>): MetricFamily<T> {
    this.families.push(family as unknown as MetricFamily<MetricValue | HistogramValue>);
    return family;
  }
}

function labelText(names: readonly string[], values: readonly string[], le?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}="${escapeLabel(values[i] ?? "")}"`);
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Go-style float text: integers without a fraction, ±Inf and NaN spelled as Prometheus reads them. */
function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}
