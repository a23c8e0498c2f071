// SIGTERM during a sync, for the lifecycle suite: the agent syncs a commit whose Deployment cannot become
// available yet (no simulated kubelet in its namespace), and is stopped while the sync waits for health.
// Answers what a person would look at: the exit code and time, the log after SIGTERM, the Lease; then
// a new agent, with the simulated kubelet now running there, completes the same revision.
import { waitFor, type InClusterProcess } from '../harness/src/index.ts';
import type { AgentCluster } from './agent-lifecycle-cluster.ts';
import { condition, deployment, type LogEntry } from './agent-lifecycle-fixtures.ts';

export interface Interrupted {
  /** The stopped agent's exit code: null when it was killed after the grace period. */
  readonly code: number | null;
  readonly elapsedMs: number;
  /** The stopped agent's log from its SIGTERM line on. */
  readonly afterSigterm: readonly LogEntry[];
  /** The Lease's holder once the stopped agent had exited. */
  readonly holderAfterExit: string | undefined;
  /** The agent started after it, which completed the sync. */
  readonly next: InClusterProcess;
}

/**
 * Commits a Deployment to `namespace` (made here; no simulated kubelet there yet) and stops `leader`
 * with SIGTERM while its sync waits for that Deployment to be healthy; then starts the simulated
 * kubelet there and a new agent, and waits for that agent to complete the sync.
 */
export async function interruptSync(
  fixture: AgentCluster,
  leader: InClusterProcess,
  namespace: string,
): Promise<Interrupted> {
  await fixture.kubectl(['create', 'namespace', namespace]);
  const name = `${namespace}-slow`;
  const sha = await fixture.commit({ [`${name}.yaml`]: deployment(namespace, name) });
  await fixture.requestSync();
  await waitFor(
    async () => {
      const view = await fixture.gitSync().catch(() => undefined);
      const reconciling = view === undefined ? undefined : condition(view, 'Reconciling');
      return (
        reconciling?.status === 'True' &&
        reconciling.message.includes(sha) &&
        /waiting for .* healthy/.test(reconciling.message)
      );
    },
    {
      what: `the sync of ${sha} to wait for ${name} to be healthy`,
      timeoutMs: 60_000,
      intervalMs: 200,
      onTimeout: () => ({ logTail: fixture.logTails() }),
    },
  );

  const started = Date.now();
  await leader.stop();
  const code = await leader.exited;
  const elapsedMs = Date.now() - started;
  const log = fixture.log(leader);
  const sigterm = log.findIndex((entry) => entry.msg.startsWith('SIGTERM received'));
  const holder = (await fixture.lease()).holderIdentity;

  fixture.startKubelet(namespace);
  const next = await fixture.startAgent();
  await fixture.waitReady('True', `a new agent to complete the sync of ${sha}`, sha);
  return {
    code,
    elapsedMs,
    afterSigterm: sigterm === -1 ? [] : log.slice(sigterm),
    holderAfterExit: holder === '' ? undefined : holder,
    next,
  };
}
