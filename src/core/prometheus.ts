/**
 * Metrics in the Prometheus text exposition format (version 0.0.4):
 * counters, gauges and histograms with labels, kept in a
 * {@linkcode MetricRegistry} and written out with `# HELP` and `# TYPE`
 * lines. Pure logic, no I/O, no dependency: it runs the same on Deno, Node
 * and Bun.
 *
 * @module
 */

/** The content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label values, by label name. */
export type Labels = Readonly<Record<string, string>>;

/** One metric of a registry: it writes its own lines. */
interface Metric {
  readonly name: string;
  lines(out: string[]): void;
}

/**
 * A value per label set, found by the label values in order through nested
 * maps (no key is built per observation).
 */
class Series<T> {
  readonly #labelNames: readonly string[];
  readonly #make: () => T;
  readonly #root = new Map<string, unknown>();
  /** Every entry, in the order first seen. */
  readonly entries: { labels: string; value: T }[] = [];

  constructor(labelNames: readonly string[], make: () => T) {
    this.#labelNames = labelNames;
    this.#make = make;
  }

  /** The entry of `labels` (by name). */
  get(labels: Labels): { labels: string; value: T } {
    return this.at(this.#labelNames.map((n) => labels[n] ?? ""));
  }

  /** The entry of the label values `values`, in the order of the label names. */
  at(values: readonly string[]): { labels: string; value: T } {
    let map = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = map.get(values[i]) as Map<string, unknown> | undefined;
      if (!next) map.set(values[i], next = new Map());
      map = next;
    }
    const key = last >= 0 ? values[last] : "";
    let e = map.get(key) as { labels: string; value: T } | undefined;
    if (!e) {
      e = {
        labels: this.#labelNames.map((n, i) => labelPair(n, values[i] ?? "")).join(","),
        value: this.#make(),
      };
      map.set(key, e);
      this.entries.push(e);
    }
    return e;
  }
}

/** A counter: a value that only goes up. */
export class Counter implements Metric {
  readonly name: string;
  readonly #series: Series<{ n: number }>;
  readonly #help: string;

  /** @ignore */
  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.#help = help;
    this.#series = new Series(labelNames, () => ({ n: 0 }));
  }

  /** Adds `by` (default 1) to the counter of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    this.#series.get(labels).value.n += by;
  }

  /**
   * The counter of the label values `values` (in the order of the label
   * names), to add to without naming the labels each time.
   */
  child(...values: string[]): { inc(by?: number): void } {
    const cell = this.#series.at(values).value;
    return {
      inc(by = 1) {
        cell.n += by;
      },
    };
  }

  /** @ignore */
  lines(out: string[]): void {
    header(out, this.name, this.#help, "counter");
    for (const e of this.#series.entries) {
      out.push(`${this.name}${braces(e.labels)} ${num(e.value.n)}`);
    }
  }
}

/** A gauge: a value read when the metrics are written, by a function. */
export class Gauge implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #labelNames: readonly string[];
  #read: () => { labels: Labels; value: number }[] = () => [];

  /** @ignore */
  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.#help = help;
    this.#labelNames = labelNames;
  }

  /** Sets the function that gives the gauge's values (one per label set) when written. */
  collect(read: () => { labels: Labels; value: number }[]): void {
    this.#read = read;
  }

  /** @ignore */
  lines(out: string[]): void {
    header(out, this.name, this.#help, "gauge");
    for (const { labels, value } of this.#read()) {
      const pairs = this.#labelNames.map((n) => labelPair(n, labels[n] ?? "")).join(",");
      out.push(`${this.name}${braces(pairs)} ${num(value)}`);
    }
  }
}

/** A histogram: counts of observations in cumulative buckets, their sum and count. */
export class Histogram implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #buckets: readonly number[];
  readonly #series: Series<{ counts: number[]; sum: number; count: number }>;

  /** @ignore */
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    this.name = name;
    this.#help = help;
    this.#buckets = buckets;
    this.#series = new Series(
      labelNames,
      () => ({ counts: new Array(buckets.length).fill(0), sum: 0, count: 0 }),
    );
  }

  /** Records one observation `value` for `labels`. */
  observe(labels: Labels, value: number): void {
    this.#record(this.#series.get(labels).value, value);
  }

  /**
   * The histogram of the label values `values` (in the order of the label
   * names), to observe without naming the labels each time.
   */
  child(...values: string[]): { observe(value: number): void } {
    const cell = this.#series.at(values).value;
    return { observe: (value) => this.#record(cell, value) };
  }

  #record(s: { counts: number[]; sum: number; count: number }, value: number): void {
    const b = this.#buckets;
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]) {
        s.counts[i]++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }

  /** @ignore */
  lines(out: string[]): void {
    header(out, this.name, this.#help, "histogram");
    for (const e of this.#series.entries) {
      const prefix = e.labels === "" ? "" : e.labels + ",";
      let cumulative = 0;
      this.#buckets.forEach((le, i) => {
        cumulative += e.value.counts[i];
        out.push(`${this.name}_bucket{${prefix}le="${num(le)}"} ${cumulative}`);
      });
      out.push(`${this.name}_bucket{${prefix}le="+Inf"} ${e.value.count}`);
      out.push(`${this.name}_sum${braces(e.labels)} ${num(e.value.sum)}`);
      out.push(`${this.name}_count${braces(e.labels)} ${e.value.count}`);
    }
  }
}

/**
 * A set of metrics written out together in the text exposition format.
 *
 * @example
 * ```ts
 * import { MetricRegistry } from "./prometheus.ts";
 *
 * const registry = new MetricRegistry();
 * const jobs = registry.counter("repid_jobs_total", "Jobs finished.", ["status"]);
 * jobs.inc({ status: "done" });
 * console.log(registry.text());
 * // # HELP repid_jobs_total Jobs finished.
 * // # TYPE repid_jobs_total counter
 * // repid_jobs_total{status="done"} 1
 * ```
 */
export class MetricRegistry {
  readonly #metrics: Metric[] = [];

  /** Adds a counter. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#add(new Counter(checkName(name), help, labelNames));
  }

  /** Adds a gauge whose values are read when written (see {@linkcode Gauge.collect}). */
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#add(new Gauge(checkName(name), help, labelNames));
  }

  /** Adds a histogram with the upper bounds `buckets` (ascending; `+Inf` is added). */
  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i] > buckets[i - 1])) {
        throw new RangeError(
          `Cannot add histogram "${name}": its buckets must ascend, got ${buckets.join(", ")}`,
        );
      }
    }
    return this.#add(new Histogram(checkName(name), help, labelNames, buckets));
  }

  #add<M extends Metric>(metric: M): M {
    if (this.#metrics.some((m) => m.name === metric.name)) {
      throw new TypeError(`Cannot add metric "${metric.name}": a metric with that name exists`);
    }
    this.#metrics.push(metric);
    return metric;
  }

  /** Every metric in the text exposition format, ending with a newline. */
  text(): string {
    const out: string[] = [];
    for (const m of this.#metrics) m.lines(out);
    return out.join("\n") + "\n";
  }
}

function checkName(name: string): string {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
    throw new TypeError(
      `Cannot add metric: ${JSON.stringify(name)} is not a Prometheus metric name`,
    );
  }
  return name;
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
  out.push(`# TYPE ${name} ${type}`);
}

function labelPair(name: string, value: string): string {
  return `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function braces(pairs: string): string {
  return pairs === "" ? "" : `{${pairs}}`;
}

/** A sample value as the format writes it. */
function num(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Number.isNaN(n) ? "NaN" : String(n);
}
