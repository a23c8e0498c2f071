// `ferry cluster get`: one cluster in detail.
import { parseArgs } from 'node:util';
import { resolveConnection } from '../config.ts';
import { EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { getCluster, getReadiness } from '../fleet-api.ts';
import { formatClusterDetail, formatReadinessLists, formatStatusTable } from '../format-clusters.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, HELP_OPTION, parseFlags } from '../options.ts';
import { formatData, GET_OUTPUT_FORMATS, parseOutput } from '../output.ts';

export const CLUSTER_GET_USAGE = `usage: ferry cluster get NAME [-o text|table|wide|json|yaml] [--hub URL] [--ca FILE]

One cluster: its source, state, when it was last heard (and whether it is stale), health, last sync
and applied revision with the commit-to-applied lag, agent and Kubernetes versions, recovery.

  -o, --output F    text (default: the detail), table or wide (its \`ferry status\` line),
                    json or yaml (the API's JSON)
${CONNECTION_USAGE}

examples:
  ferry cluster get prod-eu-1
  ferry cluster get prod-eu-1 -o json | jq -r .sync.appliedRevision

exit codes: 0 ok, 1 failure, 2 usage, 3 no such cluster, 4 unauthorized, 5 hub unreachable`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  output: { type: 'string', short: 'o', default: 'text' },
  ...HELP_OPTION,
} as const;

export async function runClusterGet(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    CLUSTER_GET_USAGE,
  );
  if (values.help) {
    io.stdout(`${CLUSTER_GET_USAGE}\n`);
    return EXIT.ok;
  }
  const [name, extra] = positionals;
  if (name === undefined) throw usageError('give the cluster NAME', CLUSTER_GET_USAGE);
  if (extra !== undefined) throw usageError(`unexpected argument ${extra}`, CLUSTER_GET_USAGE);
  const output = parseOutput(values.output, GET_OUTPUT_FORMATS, CLUSTER_GET_USAGE);
  const connection = resolveConnection(values, io);
  const cluster = await getCluster(connection, name);
  const now = io.now();
  switch (output) {
    case 'json':
    case 'yaml':
      io.stdout(formatData(output, cluster));
      break;
    case 'table':
    case 'wide':
      io.stdout(formatStatusTable([cluster], now, output));
      break;
    case 'text': {
      io.stdout(formatClusterDetail(cluster, now));
      if (cluster.readiness !== null) {
        const readiness = await getReadiness(connection, name);
        if (readiness !== null) io.stdout(formatReadinessLists(readiness));
      }
      break;
    }
  }
  return EXIT.ok;
}
