// `ferry cluster install-manifest`: a new one-time install manifest for a cluster (earlier tokens stop
// working), e.g. when the first one expired or a lost cluster is rebuilt.
import { parseArgs } from 'node:util';
import { resolveConnection } from '../config.ts';
import { EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { fetchInstallManifest, getCluster, newEnrollment } from '../fleet-api.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, HELP_OPTION, parseFlags } from '../options.ts';
import { deliverManifest } from './install-output.ts';

export const CLUSTER_INSTALL_MANIFEST_USAGE = `usage: ferry cluster install-manifest NAME [-f FILE] [--hub URL] [--ca FILE]

Issues a new one-time enrollment token for cluster NAME and prints its install manifest (earlier
tokens of the cluster stop working). Before the manifest it prints (on stderr) the repo, ref, path and
agent image it installs.

  -f, --file FILE   write the manifest to FILE (mode 0600) instead of stdout
${CONNECTION_USAGE}

examples:
  ferry cluster install-manifest prod-eu-1 | kubectl --context prod-eu-1 apply -f -
  ferry cluster install-manifest prod-eu-1 -f prod-eu-1.yaml

exit codes: 0 ok, 1 failure, 2 usage, 3 no such cluster, 4 unauthorized (needs an admin token),
5 hub unreachable`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  file: { type: 'string', short: 'f' },
  ...HELP_OPTION,
} as const;

export async function runClusterInstallManifest(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    CLUSTER_INSTALL_MANIFEST_USAGE,
  );
  if (values.help) {
    io.stdout(`${CLUSTER_INSTALL_MANIFEST_USAGE}\n`);
    return EXIT.ok;
  }
  const [name, extra] = positionals;
  if (name === undefined) throw usageError('give the cluster NAME', CLUSTER_INSTALL_MANIFEST_USAGE);
  if (extra !== undefined) throw usageError(`unexpected argument ${extra}`, CLUSTER_INSTALL_MANIFEST_USAGE);
  const connection = resolveConnection(values, io);
  const cluster = await getCluster(connection, name);
  const enrollment = await newEnrollment(connection, name);
  const manifest = await fetchInstallManifest(connection, enrollment.token);
  deliverManifest({ cluster, enrollment, manifest, file: values.file }, io);
  return EXIT.ok;
}
