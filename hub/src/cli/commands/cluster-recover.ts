// `ferry cluster recover`: disaster recovery of a lost cluster. The hub revokes the old credential,
// records what it knew of the cluster (inventory, revision) and issues a one-time install manifest; the
// agent it installs on the new cluster rebuilds everything from Git. With --wait the command then
// follows the new cluster until the hub marks it recovered.
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parseDuration } from '@ferry/shared';
import { formatAge } from '../age.ts';
import type { ClusterJson } from '../cluster-json.ts';
import { resolveConnection, type Connection } from '../config.ts';
import { CliError, EXIT, usageError, type CliIo, type ExitCode } from '../exit-codes.ts';
import { beginRecovery, fetchInstallManifest, getCluster } from '../fleet-api.ts';
import { recoveryProgress } from '../format-clusters.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, HELP_OPTION, parseFlags } from '../options.ts';
import { deliverManifest } from './install-output.ts';

export const CLUSTER_RECOVER_USAGE = `usage: ferry cluster recover NAME [-f FILE] [--wait [--timeout DURATION]] [--hub URL] [--ca FILE]

Disaster recovery of cluster NAME (admin only). The hub revokes the lost cluster's agent credential (an
agent still running there is cut off and refused from now on), records the objects and the revision it
last knew of as the target, marks the cluster recovering, and issues a one-time install manifest.
Apply that manifest on the new cluster (with the Git credential Secret, if the repo is private): its
agent rebuilds everything from Git. The hub marks the cluster recovered once that agent has applied
Git's head (the recorded revision or a newer one) and every object is healthy. Asking again while
recovering issues a new manifest and keeps the first target.

  -f, --file FILE       write the manifest to FILE (mode 0600) instead of stdout
      --wait            then follow the recovery (objects back, N of M; health) until it is done;
                        needs -f (kubectl reads the manifest from stdin only once it has ended)
      --timeout DUR     how long --wait waits (default 30m), e.g. 10m, 1h
${CONNECTION_USAGE}

examples:
  ferry cluster recover prod-eu-1 | kubectl --context prod-eu-1-new apply -f -
  ferry cluster recover prod-eu-1 -f recover.yaml --wait    # then, elsewhere: kubectl apply -f recover.yaml

exit codes: 0 ok (with --wait: recovered), 1 failure or --wait timed out, 2 usage, 3 no such cluster,
4 unauthorized (needs an admin token), 5 hub unreachable`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  file: { type: 'string', short: 'f' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  ...HELP_OPTION,
} as const;

const POLL_MS = 2_000;

export async function runClusterRecover(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags(
    () => parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true }),
    CLUSTER_RECOVER_USAGE,
  );
  if (values.help) {
    io.stdout(`${CLUSTER_RECOVER_USAGE}\n`);
    return EXIT.ok;
  }
  const [name, extra] = positionals;
  if (name === undefined) throw usageError('give the cluster NAME', CLUSTER_RECOVER_USAGE);
  if (extra !== undefined) throw usageError(`unexpected argument ${extra}`, CLUSTER_RECOVER_USAGE);
  if (values.wait === true && values.file === undefined)
    throw usageError(
      '--wait needs -f FILE: the manifest cannot go to stdout while the command waits',
      CLUSTER_RECOVER_USAGE,
    );
  if (values.timeout !== undefined && values.wait !== true)
    throw usageError('--timeout is for --wait', CLUSTER_RECOVER_USAGE);
  const timeoutMs = readTimeout(values.timeout);
  const connection = resolveConnection(values, io);
  const { cluster, enrollment, recovery } = await beginRecovery(connection, name);
  io.stderr(
    `${recovery.started ? 'recovery of' : 'recovery goes on for'} cluster ${name}: ` +
      `${String(recovery.revokedCredentials)} credential(s) revoked; target ${String(recovery.expectedObjects)} objects` +
      (recovery.recordedRevision === null ? '' : ` at ${recovery.recordedRevision} or newer`) +
      (recovery.started ? '' : ' (recorded when recovery began)') +
      '\n',
  );
  const manifest = await fetchInstallManifest(connection, enrollment.token);
  deliverManifest({ cluster, enrollment, manifest, file: values.file }, io);
  if (values.wait !== true) return EXIT.ok;
  return follow(connection, name, timeoutMs, io);
}

function readTimeout(text: string | undefined): number {
  if (text === undefined) return 30 * 60_000;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw usageError(`--timeout ${text}: not a duration such as 90s, 10m or 1h`, CLUSTER_RECOVER_USAGE);
  return ms;
}

/** Polls the cluster, printing each change of its progress, until it is recovered or time runs out. */
async function follow(connection: Connection, name: string, timeoutMs: number, io: CliIo): Promise<ExitCode> {
  const signal = io.interrupt();
  const deadline = io.now().getTime() + timeoutMs;
  let last = '';
  for (;;) {
    const cluster: ClusterJson = await getCluster(connection, name);
    const recovery = cluster.recovery;
    if (recovery?.status === 'recovered') {
      io.stderr(
        `cluster ${name} recovered in ${formatAge((recovery.durationSeconds ?? 0) * 1000)} at ` +
          `${cluster.sync?.appliedRevision ?? 'an unknown revision'}: ${recoveryProgress(cluster)}\n`,
      );
      return EXIT.ok;
    }
    const line = recoveryProgress(cluster);
    if (line !== last) io.stderr(`${line}\n`);
    last = line;
    if (io.now().getTime() >= deadline)
      throw new CliError(
        EXIT.failure,
        `cluster ${name} is not recovered after ${formatAge(timeoutMs)}: ${line}`,
      );
    if (signal.aborted) throw new CliError(EXIT.failure, `stopped waiting; cluster ${name}: ${line}`);
    await delay(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
