// CPU seconds, from /proc: a cluster's server side (its API server and controller manager, and the shared
// etcd), and what this process's waited-for children (kubectl) used.
import { readFileSync } from 'node:fs';
import type { Harness } from '../../test/harness/src/index.ts';
import { cpuSeconds } from '../agent-proc.ts';

/** A reader of the CPU seconds the cluster's API server, controller manager and etcd used so far. */
export function serverCpu(harness: Harness, cluster: string): () => number {
  const record = harness.cluster(cluster);
  const pids = [
    record.apiserver.pid,
    record.controllerManager?.pid,
    harness.state().etcd?.process.pid,
  ].filter((pid): pid is number => pid !== undefined);
  return () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** CPU seconds of this process's children that have exited and been waited for (cutime + cstime). */
export function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // After "pid (comm) ", fields[0] is field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
