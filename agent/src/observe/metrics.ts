// A tiny metrics registry: counters, gauges and histograms with declared labels, rendered in the
// Prometheus text exposition format 0.0.4. No dependency; agent-metrics.ts declares the agent's set.
import { formatNumber, headerLines, invalidLabelName, invalidMetricName, sampleLine } from './exposition.ts';

export const METRIC_TYPES = ['counter', 'gauge', 'histogram'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** Label name → value. A metric's type parameter narrows both (`Counter<{ result: SyncResult }>`). */
export type LabelValues = Readonly<Record<string, string>>;
/** The labels of a metric that has none. */
export type NoLabels = { readonly [K in never]: string };
type LabelNames<L> = readonly (keyof L & string)[];

/** A metric without labels may leave them out: `inc()`, `set(3)`; one with labels may not. */
type Args<L, V> = [keyof L] extends [never] ? [value?: V] | [labels: L, value?: V] : [labels: L, value?: V];
type Pairs = (readonly [string, string])[];

/** Prometheus's default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

abstract class Metric<L extends LabelValues, S> {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly #series = new Map<string, { pairs: Pairs; state: S }>();

  constructor(name: string, help: string, labelNames: readonly string[]) {
    const invalid = invalidMetricName(name) ?? labelNames.map(invalidLabelName).find((e) => e !== undefined);
    if (invalid !== undefined) throw new Error(`metric ${name}: ${invalid}`);
    const duplicate = labelNames.find((label, i) => labelNames.indexOf(label) !== i);
    if (duplicate !== undefined) throw new Error(`metric ${name}: label "${duplicate}" is declared twice`);
    this.name = name;
    this.help = help;
    this.labelNames = [...labelNames];
  }

  /** Makes the series for these labels exist at zero, so that it is scraped before its first event. */
  init(labels: L): void {
    this.series(labels);
  }

  /** The exposition lines of this metric family, series sorted by label values. */
  lines(): string[] {
    const lines = headerLines(this.name, this.help, this.type);
    const keys = [...this.#series.keys()].sort();
    for (const key of keys) {
      const series = this.#series.get(key);
      if (series !== undefined) lines.push(...this.sampleLines(series.pairs, series.state));
    }
    return lines;
  }

  protected abstract zero(): S;
  protected abstract sampleLines(pairs: Pairs, state: S): string[];

  /** The state of one series, created on first use. Labels must be exactly the declared ones. */
  protected series(labels: L | undefined): S {
    const given: LabelValues = labels ?? {};
    const undeclared = Object.keys(given).find((label) => !this.labelNames.includes(label));
    if (undeclared !== undefined) {
      throw new Error(
        `metric ${this.name}: label "${undeclared}" is not declared (declared: ${this.labelNames.join(', ') || 'none'})`,
      );
    }
    const pairs: Pairs = this.labelNames.map((label) => {
      const value = given[label];
      if (typeof value !== 'string')
        throw new Error(`metric ${this.name}: label "${label}" needs a string value`);
      return [label, value] as const;
    });
    const key = JSON.stringify(pairs.map(([, value]) => value));
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { pairs, state: this.zero() };
      this.#series.set(key, series);
    }
    return series.state;
  }
}

/** Splits `(labels?, value?)` arguments: a leading number is the value of a metric without labels. */
function split<L>(args: Args<L, number>): [L | undefined, number | undefined] {
  const [first, second] = args as [L | number | undefined, number?];
  return typeof first === 'number' ? [undefined, first] : [first, second];
}

function checkValue(metric: string, value: number): void {
  if (Number.isNaN(value)) throw new Error(`metric ${metric}: the value is NaN`);
}

/** A value that only goes up (events, objects, errors). */
export class Counter<L extends LabelValues = NoLabels> extends Metric<L, { value: number }> {
  readonly type = 'counter';

  constructor(name: string, help: string, labelNames: LabelNames<L>) {
    super(name, help, labelNames);
    if (labelNames.length === 0) this.series(undefined);
  }

  /** Adds n (default 1, never negative). */
  inc(...args: Args<L, number>): void {
    const [labels, n = 1] = split(args);
    checkValue(this.name, n);
    if (n < 0) throw new Error(`metric ${this.name}: a counter cannot go down (inc by ${n})`);
    this.series(labels).value += n;
  }

  protected zero(): { value: number } {
    return { value: 0 };
  }

  protected sampleLines(pairs: Pairs, state: { value: number }): string[] {
    return [sampleLine(this.name, pairs, state.value)];
  }
}

/** A value that is set (a timestamp, a flag, a size). */
export class Gauge<L extends LabelValues = NoLabels> extends Metric<L, { value: number }> {
  readonly type = 'gauge';

  constructor(name: string, help: string, labelNames: LabelNames<L>) {
    super(name, help, labelNames);
    if (labelNames.length === 0) this.series(undefined);
  }

  set(...args: Args<L, number>): void {
    const [labels, value] = split(args);
    if (value === undefined) throw new Error(`metric ${this.name}: set needs a value`);
    this.series(labels).value = value;
  }

  /** Adds n (default 1; may be negative). */
  inc(...args: Args<L, number>): void {
    const [labels, n = 1] = split(args);
    checkValue(this.name, n);
    this.series(labels).value += n;
  }

  protected zero(): { value: number } {
    return { value: 0 };
  }

  protected sampleLines(pairs: Pairs, state: { value: number }): string[] {
    return [sampleLine(this.name, pairs, state.value)];
  }
}

interface HistogramState {
  /** Observations per bucket, not cumulative; the last one is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A distribution of observations (durations in seconds), in cumulative buckets. */
export class Histogram<L extends LabelValues = NoLabels> extends Metric<L, HistogramState> {
  readonly type = 'histogram';
  /** Upper bounds, ascending, without +Inf (always present). */
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: LabelNames<L>, buckets: readonly number[]) {
    super(name, help, labelNames);
    if (labelNames.some((label) => label === 'le'))
      throw new Error(`metric ${name}: "le" is a reserved label`);
    const bounds = buckets.filter((bound) => bound !== Infinity);
    const unordered = bounds.some(
      (bound, i) => !Number.isFinite(bound) || (i > 0 && bound <= (bounds[i - 1] ?? 0)),
    );
    if (bounds.length === 0 || unordered) {
      throw new Error(
        `metric ${name}: buckets must be finite and strictly increasing (${buckets.join(', ')})`,
      );
    }
    this.buckets = bounds;
    if (labelNames.length === 0) this.series(undefined);
  }

  observe(...args: Args<L, number>): void {
    const [labels, value] = split(args);
    if (value === undefined) throw new Error(`metric ${this.name}: observe needs a value`);
    checkValue(this.name, value);
    const state = this.series(labels);
    const index = this.buckets.findIndex((bound) => value <= bound);
    const slot = index === -1 ? this.buckets.length : index;
    state.counts[slot] = (state.counts[slot] ?? 0) + 1;
    state.sum += value;
    state.count += 1;
  }

  protected zero(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected sampleLines(pairs: Pairs, state: HistogramState): string[] {
    let cumulative = 0;
    const lines = [...this.buckets, Infinity].map((bound, i) => {
      cumulative += state.counts[i] ?? 0;
      return sampleLine(`${this.name}_bucket`, [...pairs, ['le', formatNumber(bound)]], cumulative);
    });
    lines.push(
      sampleLine(`${this.name}_sum`, pairs, state.sum),
      sampleLine(`${this.name}_count`, pairs, state.count),
    );
    return lines;
  }
}

/** The registry: declares metrics once each and renders them all, in declaration order. */
export class Metrics {
  readonly #metrics = new Map<string, { lines(): string[] }>();

  counter<L extends LabelValues = NoLabels>(
    name: string,
    help: string,
    labelNames: LabelNames<L> = [],
  ): Counter<L> {
    return this.#add(new Counter<L>(name, help, labelNames));
  }

  gauge<L extends LabelValues = NoLabels>(
    name: string,
    help: string,
    labelNames: LabelNames<L> = [],
  ): Gauge<L> {
    return this.#add(new Gauge<L>(name, help, labelNames));
  }

  histogram<L extends LabelValues = NoLabels>(
    name: string,
    help: string,
    labelNames: LabelNames<L> = [],
    buckets: readonly number[] = DEFAULT_BUCKETS,
  ): Histogram<L> {
    return this.#add(new Histogram<L>(name, help, labelNames, buckets));
  }

  /** The whole exposition text, ending with a newline. */
  render(): string {
    const lines = [...this.#metrics.values()].flatMap((metric) => metric.lines());
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  #add<M extends { name: string; lines(): string[] }>(metric: M): M {
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is already registered`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}
