// `ferry status`: the fleet at a glance, one line per cluster and a summary line; with --watch, kept
// current from the hub's event stream (status-watch.ts).
import { parseArgs } from 'node:util';
import { resolveConnection } from '../config.ts';
import { EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { fleetSummary, listClusters } from '../fleet-api.ts';
import { formatStatusTable, formatSummaryLine } from '../format-clusters.ts';
import {
  CONNECTION_OPTIONS,
  CONNECTION_USAGE,
  FILTER_OPTIONS,
  FILTER_USAGE,
  HELP_OPTION,
  parseFilters,
  parseFlags,
} from '../options.ts';
import { formatData, OUTPUT_FORMATS, parseOutput } from '../output.ts';
import { runStatusWatch } from './status-watch.ts';

export const STATUS_USAGE = `usage: ferry status [-o table|wide|json|yaml] [filters] [--watch] [--hub URL] [--ca FILE]

The fleet: for each cluster its state, health, last sync result, applied revision and when it was
last heard; then the fleet's counts. A cluster that stopped reporting shows as "enrolled,stale" with
the time it was last heard: its last report is kept, it is not called failed.

  -o, --output F           table (default), wide (adds repo, path, agent and Kubernetes versions,
                           commit-to-applied lag), json or yaml ({"items": [...], "summary": {...}})
  -w, --watch              keep the table current from the hub's event stream until Ctrl-C: redrawn
                           on a terminal, one line per change on a pipe, one JSON object per event
                           with -o json; LAST-HEARD shows "connected" while the agent is linked.
                           Takes -l/--selector as its only filter; reconnects by itself
${FILTER_USAGE}
${CONNECTION_USAGE}

columns: NAME STATE HEALTH SYNC REVISION LAST-HEARD [REPO PATH AGENT KUBERNETES LAG]

examples:
  ferry status
  ferry status -o wide -l env=prod
  ferry status --stale true -o json | jq -r '.items[].name'
  ferry status --health Failed
  ferry status --watch -l env=prod
  ferry status --watch -o json | jq -c 'select(.event == "cluster") | .data.health'

exit codes: 0 ok, 1 failure, 2 usage, 4 unauthorized, 5 hub unreachable`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...FILTER_OPTIONS,
  output: { type: 'string', short: 'o', default: 'table' },
  watch: { type: 'boolean', short: 'w', default: false },
  ...HELP_OPTION,
} as const;

export async function runStatus(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    STATUS_USAGE,
  );
  if (values.help) {
    io.stdout(`${STATUS_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${positionals[0] ?? ''}`, STATUS_USAGE);
  const output = parseOutput(values.output, OUTPUT_FORMATS, STATUS_USAGE);
  const filters = parseFilters(values, STATUS_USAGE);
  if (values.watch) {
    if (output === 'yaml') throw usageError('--watch takes -o table, wide or json', STATUS_USAGE);
    const other = (['health', 'sync', 'state', 'stale'] as const).find((flag) => values[flag] !== undefined);
    if (other !== undefined)
      throw usageError(`--watch filters by -l/--selector only, not --${other}`, STATUS_USAGE);
    return runStatusWatch(resolveConnection(values, io), filters.selector, output, io);
  }
  const connection = resolveConnection(values, io);
  const [items, summary] = await Promise.all([listClusters(connection, filters), fleetSummary(connection)]);
  if (output === 'json' || output === 'yaml') {
    io.stdout(formatData(output, { items, summary }));
    return EXIT.ok;
  }
  io.stdout(formatStatusTable(items, io.now(), output));
  io.stdout(`\n${formatSummaryLine(summary)}`);
  return EXIT.ok;
}
