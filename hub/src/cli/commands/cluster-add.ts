// `ferry cluster add`: registers a cluster at the hub and hands out its one-time install manifest.
import { parseArgs } from 'node:util';
import { resolveConnection } from '../config.ts';
import { CliError, EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { createCluster, fetchInstallManifest, type NewClusterBody } from '../fleet-api.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, HELP_OPTION, parseFlags, parseLabels } from '../options.ts';
import { deliverManifest } from './install-output.ts';

export const CLUSTER_ADD_USAGE = `usage: ferry cluster add NAME --repo URL [--ref REF] [--path P] [--target-namespace NS]
                         [--credentials-secret NAME] [--label K=V ...] [-f FILE] [--hub URL] [--ca FILE]

Registers cluster NAME at the hub, following a repo path, and prints its install manifest: the
release's agent manifest with this cluster's repo, ref, path and a one-time enrollment token filled
in. Before the manifest it prints (on stderr) the repo, ref, path and agent image it installs. Apply it
on the cluster with kubectl; the agent enrolls on its first connection. The token expires (24 h by
default): \`ferry cluster install-manifest NAME\` gives a new one.

  --repo URL               the Git repository (http(s), no credentials in it)
  --ref REF                branch, tag:NAME, semver:RANGE or commit:SHA (default main)
  --path P                 folder in the repository (default: its root)
  --target-namespace NS    namespace for objects that name none (default: the agent's, "default")
  --credentials-secret NAME  a private repo: the Secret in ferry-system holding its Git credential
                           (username and password, or bearerToken). You create it in the cluster;
                           the hub and the manifest only name it
  --label K=V              a label of the cluster, for --selector (repeatable)
  -f, --file FILE          write the manifest to FILE (mode 0600) instead of stdout
${CONNECTION_USAGE}

examples:
  ferry cluster add prod-eu-1 --repo https://git.example.com/fleet.git --path clusters/prod-eu-1 \\
    --label env=prod --label region=eu | kubectl --context prod-eu-1 apply -f -
  ferry cluster add staging --repo https://git.example.com/fleet.git --ref tag:v1.4.0 -f staging.yaml
  ferry cluster add private --repo https://git.example.com/private.git --credentials-secret git-credentials
    (then, in that cluster: kubectl -n ferry-system create secret generic git-credentials \
       --from-literal=username=ferry --from-literal=password=TOKEN)

exit codes: 0 added, 1 failure (e.g. the name exists), 2 usage, 4 unauthorized (needs an admin token),
5 hub unreachable`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  repo: { type: 'string' },
  ref: { type: 'string', default: 'main' },
  path: { type: 'string', default: '' },
  'target-namespace': { type: 'string', default: '' },
  'credentials-secret': { type: 'string', default: '' },
  label: { type: 'string', multiple: true },
  file: { type: 'string', short: 'f' },
  ...HELP_OPTION,
} as const;

export async function runClusterAdd(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    CLUSTER_ADD_USAGE,
  );
  if (values.help) {
    io.stdout(`${CLUSTER_ADD_USAGE}\n`);
    return EXIT.ok;
  }
  const [name, extra] = positionals;
  if (name === undefined) throw usageError('give the cluster NAME', CLUSTER_ADD_USAGE);
  if (extra !== undefined) throw usageError(`unexpected argument ${extra}`, CLUSTER_ADD_USAGE);
  if (values.repo === undefined) throw usageError('give --repo URL', CLUSTER_ADD_USAGE);
  const body: NewClusterBody = {
    name,
    labels: parseLabels(values.label ?? [], CLUSTER_ADD_USAGE),
    repo: values.repo,
    ref: values.ref,
    path: values.path,
    targetNamespace: values['target-namespace'],
    credentialsSecret: values['credentials-secret'],
  };
  const connection = resolveConnection(values, io);
  const { cluster, enrollment } = await createCluster(connection, body);
  let manifest: string;
  try {
    manifest = await fetchInstallManifest(connection, enrollment.token);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(
      error instanceof CliError ? error.exitCode : EXIT.failure,
      `cluster ${name} was added, but its install manifest could not be fetched (${message}); ` +
        `get a new one with: ferry cluster install-manifest ${name}`,
      { cause: error },
    );
  }
  deliverManifest({ cluster, enrollment, manifest, file: values.file }, io);
  return EXIT.ok;
}
