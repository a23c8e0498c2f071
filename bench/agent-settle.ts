// Waiting, with a deadline, until the agent and its cluster are at rest: the syncs expected have been
// logged, no request of the agent is in flight nor arrived in the last second (its drift watch lists
// again after a sync that wrote, after "sync done" is logged), and neither the agent nor the control plane
// (kube-apiserver, etcd, controller manager, still reacting to 1,000 objects) uses CPU. Each window
// measured starts and ends at rest, so that no one's leftover work is charged to it.
import { waitFor } from '../test/harness/src/index.ts';
import type { AuditLog } from './agent-audit.ts';
import { loggedSyncs, type RunningAgent } from './agent-process.ts';
import { cpuSeconds } from './agent-proc.ts';

export interface SettleTarget {
  readonly agent: RunningAgent;
  /** kube-apiserver, etcd and controller-manager PIDs. */
  readonly serverPids: readonly number[];
  readonly audit: AuditLog;
}

const INTERVAL_MS = 500;
/** CPU seconds per interval still counted as rest: 4% of a core for the agent, 10% for the cluster. */
const AGENT_REST = 0.02;
const CLUSTER_REST = 0.05;
const NO_REQUEST_MS = 1_000;

/** Waits until at least `syncs` syncs are logged and everything is at rest; answers the ms waited. */
export async function waitSettled(
  target: SettleTarget,
  options: { readonly syncs: number; readonly what: string; readonly timeoutMs?: number },
): Promise<number> {
  const started = performance.now();
  const clusterCpu = (): number => target.serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  let last: { agent: number; cluster: number } | undefined;
  let detail = '';
  await waitFor(
    () => {
      target.agent.assertRunning();
      const now = { agent: cpuSeconds(target.agent.pid), cluster: clusterCpu() };
      const before = last;
      last = now;
      if (before === undefined) return false; // the first look only takes the baseline
      const logged = loggedSyncs(target.agent.logFile).length;
      const inFlight = target.audit.inFlight();
      const quietMs = Date.now() - target.audit.lastReceivedAt;
      const agentCpu = now.agent - before.agent;
      const clusterCpuUsed = now.cluster - before.cluster;
      detail = `syncs logged ${String(logged)}/${String(options.syncs)}, requests in flight ${String(inFlight)}, last request ${String(quietMs)} ms ago, agent CPU ${agentCpu.toFixed(2)} s and cluster CPU ${clusterCpuUsed.toFixed(2)} s in the last ${String(INTERVAL_MS)} ms`;
      return (
        logged >= options.syncs &&
        inFlight === 0 &&
        quietMs >= NO_REQUEST_MS &&
        agentCpu <= AGENT_REST &&
        clusterCpuUsed <= CLUSTER_REST
      );
    },
    {
      what: options.what,
      timeoutMs: options.timeoutMs ?? 180_000,
      intervalMs: INTERVAL_MS,
      onTimeout: () => ({ detail, logTail: target.agent.logTail() }),
    },
  );
  return performance.now() - started;
}
