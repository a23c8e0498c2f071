// The agent, from the build output (`node agent/dist/main.js run`, as its image runs it):
// - local cluster: as a Pod of the Deployment the install manifest created, by the harness's in-cluster
//   runner (the Deployment's ServiceAccount token, env, args and mounted Secrets and ConfigMaps, so it
//   enrolls with the token from Secret ferry-agent-hub and is held to the manifest's RBAC);
// - --kubeconfig: `ferry-agent run --kubeconfig FILE` on this machine, in the agent's namespace.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runInCluster, type Harness } from '../../test/harness/src/index.ts';
import { BUILT, NAMES, REPO_ROOT, type StateLayout } from './layout.ts';
import { refOf, startDetached, stopProcess, type ProcessRef } from './processes.ts';
import type { ClusterTarget } from './start-cluster.ts';

export interface RunningAgent {
  readonly mode: 'in-cluster-runner' | 'kubeconfig';
  readonly ref: ProcessRef;
  readonly logFile: string;
  /** The Pod name it believes it has (local), or its identity (--kubeconfig). */
  readonly identity: string;
  /** Resolves when the process ends. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (it finishes the sync under way and gives its Lease up), SIGKILL after the grace period. */
  stop(): Promise<void>;
}

/** The Deployment's terminationGracePeriodSeconds (60 s): how long a stopping agent may take. */
const STOP_GRACE_MS = 60_000;

export async function startAgent(
  harness: Harness,
  cluster: ClusterTarget,
  layout: StateLayout,
): Promise<RunningAgent> {
  mkdirSync(layout.agentDir, { recursive: true });
  if (cluster.mode === 'local') {
    const agent = await runInCluster(harness, NAMES.cluster, {
      namespace: NAMES.agentNamespace,
      deployment: 'ferry-agent',
      command: [process.execPath, BUILT.agent],
      // Port 0: the Deployment's 8080 may be taken on this machine.
      extraEnv: { FERRY_PORT: '0' },
      workDir: layout.agentDir,
      cwd: REPO_ROOT,
      stopGraceMs: STOP_GRACE_MS,
    });
    return {
      mode: 'in-cluster-runner',
      ref: refOf(agent.pid, 'agent'),
      logFile: agent.logFile,
      identity: agent.podName,
      exited: agent.exited,
      stop: () => agent.stop(),
    };
  }
  const identity = `quickstart-${hostname()}`;
  const logFile = join(layout.agentDir, 'agent.log');
  const started = await startDetached({
    what: 'agent',
    command: process.execPath,
    args: [
      BUILT.agent,
      'run',
      '--kubeconfig',
      cluster.kubeconfig,
      '--namespace',
      NAMES.agentNamespace,
      '--cache-dir',
      join(layout.agentDir, 'cache'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--identity',
      identity,
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: REPO_ROOT,
    logFile,
  });
  return {
    mode: 'kubeconfig',
    ref: started.ref,
    logFile,
    identity,
    exited: started.exited,
    stop: async () => {
      await stopProcess(started.ref, STOP_GRACE_MS);
    },
  };
}
