// Waiting for a freshly started cluster to settle before t0: its controller manager makes the default
// ServiceAccounts, token Secrets and root CA ConfigMaps at start, work that would otherwise be charged to
// whichever tool runs first. Quiet = the cluster's API server, controller manager and etcd used under
// 10% of one core for half a second. (A measurement of the machine's state, not a synchronisation: the
// measured window starts after it.)
import { setTimeout as delay } from 'node:timers/promises';
import type { Harness } from '../../test/harness/src/index.ts';
import { serverCpu } from './cpu.ts';

const WINDOW_MS = 500;
const QUIET_CPU_SECONDS = 0.05;

/** Waits until the cluster is quiet or `timeoutMs` passed; answers how long it waited (ms). */
export async function waitQuiet(harness: Harness, cluster: string, timeoutMs: number): Promise<number> {
  const cpu = serverCpu(harness, cluster);
  const started = performance.now();
  for (let last = cpu(); performance.now() - started < timeoutMs;) {
    await delay(WINDOW_MS);
    const current = cpu();
    if (current - last < QUIET_CPU_SECONDS) break;
    last = current;
  }
  return performance.now() - started;
}
