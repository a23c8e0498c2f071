// Measure 1: a sync with nothing to do. From rest, ask for a sync with the `ferry.dev/requested-at`
// annotation and wait for rest again; count the agent's API requests in that window from the API
// server's audit log (Lease renewals aside) and the agent's CPU from /proc.
import { breakdown, isWrite, syncRequests, type AuditRequest } from './agent-audit.ts';
import type { BenchCluster } from './agent-cluster.ts';
import { loggedSyncs } from './agent-process.ts';
import { cpuSeconds } from './agent-proc.ts';
import { waitSettled, type SettleTarget } from './agent-settle.ts';

export interface NoopRun {
  /** The agent's requests, Lease renewals aside. */
  readonly requests: number;
  readonly leaseRequests: number;
  /** Writes other than dry-runs, to anything (the GitSync's status included). */
  readonly writes: number;
  /** Writes to what Git holds (not the GitSync's status, Events or the Lease): must be 0. */
  readonly objectWrites: number;
  readonly cpuMs: number;
  /** The agent's "sync started" to its "sync done": the whole sync, health, status and watch restart. */
  readonly syncMs: number;
  /** Fetch → render → plan → apply → prune, as the agent timed it (`durationMs`). */
  readonly applyMs: number;
  /** From the annotation's patch to the status saying the request was handled (50 ms polls). */
  readonly handledMs: number;
  readonly breakdown: string;
}

const AGENT_OWN = new Set(['gitsyncs/status', 'gitsyncs', 'events', 'leases']);

export async function measureNoop(cluster: BenchCluster, target: SettleTarget): Promise<NoopRun> {
  const before = loggedSyncs(target.agent.logFile).length;
  await waitSettled(target, { syncs: before, what: 'rest before a no-op sync' });
  target.audit.mark();
  const cpu = cpuSeconds(target.agent.pid);
  const started = performance.now();
  const value = await cluster.requestSync();
  await cluster.waitHandled(value, 120_000);
  const handledMs = performance.now() - started;
  await waitSettled(target, { syncs: before + 1, what: 'rest after a no-op sync' });
  // /proc counts CPU in ticks of 10 ms: rounding drops the float error of the subtraction (200.0000002).
  const cpuMs = Math.round((cpuSeconds(target.agent.pid) - cpu) * 1000);
  const all: readonly AuditRequest[] = target.audit.since();
  const syncs = loggedSyncs(target.agent.logFile).slice(before);
  const sync = syncs[0];
  if (syncs.length !== 1 || sync?.trigger !== 'requested' || sync.phase !== 'ready')
    throw new Error(`one requested sync that ends ready expected, got ${JSON.stringify(syncs)}`);
  const requests = syncRequests(all);
  return {
    requests: requests.length,
    leaseRequests: all.length - requests.length,
    writes: requests.filter(isWrite).length,
    objectWrites: requests.filter((r) => isWrite(r) && !AGENT_OWN.has(r.resource)).length,
    cpuMs,
    syncMs: sync.endedAt - sync.startedAt,
    applyMs: sync.durationMs,
    handledMs,
    breakdown: breakdown(requests),
  };
}
