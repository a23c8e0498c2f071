// Enrolls the cluster through the real install flow, as a person would: `ferry cluster add` (the built
// CLI) registers it at the hub and writes its one-time install manifest; `kubectl apply -f` of that
// manifest; the Git credential Secret the manifest names (the local Git server has a user), which the
// hub never holds. With --kubeconfig the installed Deployment is scaled to 0: the agent runs on this
// machine instead (the cluster need not reach the hub or the Git server, nor pull the agent's image).
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GitUser } from '../../test/harness/src/types.ts';
import { BUILT, NAMES, REPO_ROOT, type StateLayout } from './layout.ts';
import { kubectl } from './kubectl.ts';
import type { ClusterTarget } from './start-cluster.ts';
import type { RunningHub } from './start-hub.ts';

export interface Enrollment {
  /** The `ferry cluster add` command line, as a person would type it (no token in it). */
  readonly command: string;
  /** What `ferry` said on stderr: what the manifest installs, and where it wrote it. */
  readonly ferrySaid: string;
  readonly manifest: string;
  /** True when the installed Deployment was scaled to 0 (--kubeconfig: the agent runs here). */
  readonly scaledToZero: boolean;
}

/** `ferry ARGS` from the build output, with the hub and token in the environment; answers its stderr. */
export function runFerry(
  hub: Pick<RunningHub, 'url' | 'adminToken'>,
  layout: StateLayout,
  args: readonly string[],
): Promise<{ readonly stdout: string; readonly stderr: string }> {
  mkdirSync(dirname(layout.ferryConfig), { recursive: true });
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BUILT.ferry, ...args],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          FERRY_HUB: hub.url,
          FERRY_TOKEN: hub.adminToken,
          FERRY_CONFIG: layout.ferryConfig,
        },
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else
          reject(
            new Error(`ferry ${args.join(' ')} failed (exit ${String(error.code)}): ${stderr.trim()}`, {
              cause: error,
            }),
          );
      },
    );
  });
}

export async function enroll(
  hub: RunningHub,
  layout: StateLayout,
  cluster: ClusterTarget,
  repoUrl: string,
  gitUser: GitUser,
): Promise<Enrollment> {
  const args = [
    'cluster',
    'add',
    NAMES.cluster,
    '--repo',
    repoUrl,
    '--path',
    NAMES.path,
    '--target-namespace',
    NAMES.targetNamespace,
    '--credentials-secret',
    NAMES.credentialsSecret,
    '--label',
    'env=quickstart',
    '-f',
    layout.manifest,
  ];
  const added = await runFerry(hub, layout, args);
  await kubectl(cluster.kubeconfig, ['apply', '-f', layout.manifest]);
  await kubectl(cluster.kubeconfig, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/gitsyncs.ferry.dev',
  ]);
  await kubectl(
    cluster.kubeconfig,
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: NAMES.credentialsSecret, namespace: NAMES.agentNamespace },
      type: 'Opaque',
      stringData: { username: gitUser.username, password: gitUser.password },
    }),
  );
  const scaledToZero = cluster.mode === 'kubeconfig';
  if (scaledToZero)
    await kubectl(cluster.kubeconfig, [
      '-n',
      NAMES.agentNamespace,
      'scale',
      'deployment',
      'ferry-agent',
      '--replicas=0',
    ]);
  return {
    command: `ferry ${args.join(' ')}`,
    ferrySaid: added.stderr.trim(),
    manifest: layout.manifest,
    scaledToZero,
  };
}
