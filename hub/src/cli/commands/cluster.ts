// `ferry cluster <command>`: the cluster registry.
import { EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { runClusterAdd } from './cluster-add.ts';
import { runClusterGet } from './cluster-get.ts';
import { runClusterInstallManifest } from './cluster-install-manifest.ts';
import { runClusterList } from './cluster-list.ts';
import { runClusterRecover } from './cluster-recover.ts';

export const CLUSTER_USAGE = `usage: ferry cluster <command> [options]

commands:
  add NAME --repo URL        register a cluster and print its one-time install manifest
  list                       the registered clusters, their labels and sources
  get NAME                   one cluster in detail
  install-manifest NAME      a new one-time install manifest for a cluster
  recover NAME               disaster recovery: revoke, record, a manifest for the new cluster

Run \`ferry cluster <command> --help\` for its options and examples.

examples:
  ferry cluster add prod-eu-1 --repo https://git.example.com/fleet.git --path clusters/prod-eu-1 | kubectl apply -f -
  ferry cluster list -o wide
  ferry cluster get prod-eu-1`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<ExitCode>>> = {
  add: runClusterAdd,
  list: runClusterList,
  ls: runClusterList,
  get: runClusterGet,
  'install-manifest': runClusterInstallManifest,
  recover: runClusterRecover,
};

export async function runCluster(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout(`${CLUSTER_USAGE}\n`);
    return EXIT.ok;
  }
  if (command === undefined) throw usageError('give a command', CLUSTER_USAGE);
  const run = COMMANDS[command];
  if (run === undefined) throw usageError(`unknown command cluster ${command}`, CLUSTER_USAGE);
  return run(rest, io);
}
