// Flags every command that talks to the hub takes, and the parsing of `k=v` lists and filters.
import { HEALTH_STATUSES } from '@ferry/shared';
import { CLUSTER_STATES, SYNC_RESULTS } from './cluster-json.ts';
import { usageError } from './exit-codes.ts';
import type { ClusterFilters } from './fleet-api.ts';

export const CONNECTION_OPTIONS = {
  hub: { type: 'string' },
  ca: { type: 'string' },
} as const;

export const CONNECTION_USAGE = `  --hub URL         the hub (default: FERRY_HUB, else the one \`ferry login\` saved)
  --ca FILE         CA certificate (PEM) that signs the hub's certificate (or FERRY_CA)`;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** Runs a node:util parseArgs call, turning its errors into usage errors (exit 2). */
export function parseFlags<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
}

/** A Kubernetes label, `key=value` (key with an optional `prefix/`; value possibly empty). */
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?=([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** `--label k=v` (repeatable) into a map; a key given twice is refused. */
export function parseLabels(values: readonly string[], usage: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    if (!LABEL.test(value)) throw usageError(`--label ${value}: give KEY=VALUE`, usage);
    const [key = '', text = ''] = value.split('=');
    if (key in labels) throw usageError(`--label ${key} is given twice`, usage);
    labels[key] = text;
  }
  return labels;
}

/** `--selector env=prod,team=a`, checked, as the API takes it. */
export function parseSelector(value: string | undefined, usage: string): string | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',');
  if (value === '' || !parts.every((part) => LABEL.test(part)))
    throw usageError(
      `--selector ${value}: give KEY=VALUE pairs separated by commas (env=prod,team=a)`,
      usage,
    );
  return value;
}

function oneOf(
  flag: string,
  value: string | undefined,
  allowed: readonly string[],
  usage: string,
): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw usageError(`--${flag} ${value}: give one of ${allowed.join(', ')}`, usage);
}

export const FILTER_OPTIONS = {
  selector: { type: 'string', short: 'l' },
  health: { type: 'string' },
  sync: { type: 'string' },
  state: { type: 'string' },
  stale: { type: 'string' },
} as const;

export const FILTER_USAGE = `  -l, --selector K=V,...   only clusters with these labels
  --health STATUS          only this health: ${HEALTH_STATUSES.join(', ')}
  --sync RESULT            only this last sync result: ${SYNC_RESULTS.join(', ')}
  --state STATE            only this state: ${CLUSTER_STATES.join(', ')}
  --stale true|false       only stale (or only fresh) clusters`;

export function parseFilters(
  values: {
    selector?: string | undefined;
    health?: string | undefined;
    sync?: string | undefined;
    state?: string | undefined;
    stale?: string | undefined;
  },
  usage: string,
): ClusterFilters {
  const stale = oneOf('stale', values.stale, ['true', 'false'], usage);
  return {
    selector: parseSelector(values.selector, usage),
    health: oneOf('health', values.health, HEALTH_STATUSES, usage),
    sync: oneOf('sync', values.sync, SYNC_RESULTS, usage),
    state: oneOf('state', values.state, CLUSTER_STATES, usage),
    stale: stale === 'true' || stale === 'false' ? stale : undefined,
  };
}
