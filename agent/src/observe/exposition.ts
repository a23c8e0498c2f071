// The Prometheus text exposition format, version 0.0.4: escaping, number formatting and sample lines.
// Only the metrics registry (metrics.ts) writes this format; everything here is pure.

/** The content type a scrape of /metrics answers with. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why a metric name is not valid, or undefined. */
export function invalidMetricName(name: string): string | undefined {
  return METRIC_NAME.test(name) ? undefined : `"${name}" is not a valid metric name`;
}

/** Why a label name is not valid, or undefined. Names starting with "__" are Prometheus's own. */
export function invalidLabelName(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `"${name}" is not a valid label name`;
  if (name.startsWith('__')) return `label names starting with "__" are reserved ("${name}")`;
  return undefined;
}

/** HELP text: backslash and newline are escaped (quotes are not). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A label value: backslash, double quote and newline are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value or bucket bound: Go float syntax, with +Inf, -Inf and NaN spelled as Prometheus does. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `{a="1",b="2"}`, or the empty string for no labels. Pairs are written in the order given. */
export function formatLabels(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** One sample line, without the trailing newline. */
export function sampleLine(
  name: string,
  pairs: readonly (readonly [string, string])[],
  value: number,
): string {
  return `${name}${formatLabels(pairs)} ${formatNumber(value)}`;
}

/** The `# HELP` and `# TYPE` lines that open a metric family. */
export function headerLines(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
}
