// `ferry cluster list`: the clusters the hub knows, with their labels and the repo path each follows.
import { parseArgs } from 'node:util';
import { resolveConnection } from '../config.ts';
import { EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { listClusters } from '../fleet-api.ts';
import { formatListTable } from '../format-clusters.ts';
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

export const CLUSTER_LIST_USAGE = `usage: ferry cluster list [-o table|wide|json|yaml] [filters] [--hub URL] [--ca FILE]

The clusters registered at the hub: state, labels, and the repo, ref and path each follows.

  -o, --output F           table (default), wide (adds target namespace, agent version, cluster
                           UID, enrollment time), json or yaml ({"items": [...]}, the API's JSON)
${FILTER_USAGE}
${CONNECTION_USAGE}

columns: NAME STATE LABELS REPO REF PATH AGE [TARGET-NAMESPACE AGENT CLUSTER-UID ENROLLED]

examples:
  ferry cluster list
  ferry cluster list -l team=payments -o wide
  ferry cluster list --state pending -o json | jq -r '.items[].name'

exit codes: 0 ok, 1 failure, 2 usage, 4 unauthorized, 5 hub unreachable`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...FILTER_OPTIONS,
  output: { type: 'string', short: 'o', default: 'table' },
  ...HELP_OPTION,
} as const;

export async function runClusterList(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    CLUSTER_LIST_USAGE,
  );
  if (values.help) {
    io.stdout(`${CLUSTER_LIST_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw usageError(`unexpected argument ${positionals[0] ?? ''}`, CLUSTER_LIST_USAGE);
  const output = parseOutput(values.output, OUTPUT_FORMATS, CLUSTER_LIST_USAGE);
  const filters = parseFilters(values, CLUSTER_LIST_USAGE);
  const items = await listClusters(resolveConnection(values, io), filters);
  io.stdout(
    output === 'json' || output === 'yaml'
      ? formatData(output, { items })
      : formatListTable(items, io.now(), output),
  );
  return EXIT.ok;
}
