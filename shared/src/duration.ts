// Go-style durations as Kubernetes users write them (`90s`, `5m`, `1h30m`, `1.5h`, `250ms`): the
// GitSync's interval, the agent's and the hub's flags.

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when `text` is not a duration (a bare number has no unit: refused). */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(value) * (UNIT_MS[unit ?? 's'] ?? 0);
  return total;
}
