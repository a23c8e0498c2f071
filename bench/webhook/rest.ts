// A run starts at rest: the agent, the hub, kube-apiserver and etcd have used (almost) no CPU for a
// whole half second, so that no one's leftover work (the last sync's health check, status patches,
// drift watches restarting, the hub storing a report) is charged to the next run. CPU comes from /proc.
import { waitFor } from '../../test/harness/src/index.ts';
import { cpuSeconds } from '../agent-proc.ts';

export interface RestTarget {
  readonly agentPid: number;
  readonly serverPids: readonly number[];
}

const INTERVAL_MS = 500;
/** CPU seconds per interval still counted as rest: 4% of a core for the agent, 10% for the others. */
const AGENT_REST = 0.02;
const SERVERS_REST = 0.05;

/**
 * Waits until a whole interval passes at rest; answers false (and says so on stderr) when that did not
 * happen within `timeoutMs`: the run then starts anyway, and the report counts it.
 */
export async function waitAtRest(target: RestTarget, what: string, timeoutMs = 60_000): Promise<boolean> {
  const servers = (): number => target.serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  let last: { agent: number; servers: number } | undefined;
  let detail = '';
  try {
    await waitFor(
      () => {
        const now = { agent: cpuSeconds(target.agentPid), servers: servers() };
        const before = last;
        last = now;
        if (before === undefined) return false;
        const agent = now.agent - before.agent;
        const others = now.servers - before.servers;
        detail = `agent ${agent.toFixed(2)} s, hub and control plane ${others.toFixed(2)} s of CPU in ${String(INTERVAL_MS)} ms`;
        return agent <= AGENT_REST && others <= SERVERS_REST;
      },
      { what, timeoutMs, intervalMs: INTERVAL_MS },
    );
    return true;
  } catch {
    process.stderr.write(`warning: not at rest before ${what} (last: ${detail}); going on\n`);
    return false;
  }
}
