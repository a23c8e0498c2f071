// For a diagnosis (FERRY_BENCH_RECOVERY_AUDIT=1): the recovered agent's API requests, from the fresh
// cluster's audit log of the agent's ServiceAccount (agent-audit.ts), grouped by verb and resource
// (dry-runs apart), with when the first and the last of each arrived, from t0. Shows how the apply
// stages spent the time (every object's dry-run, then every apply). The audit log costs the API server
// some work: runs with it are not the measured ones.
import { mkdirSync } from 'node:fs';
import { AuditLog, auditApiserverArgs, requestKey, type AuditRequest } from '../agent-audit.ts';

export interface RequestGroup {
  /** `patch configmaps (dry-run)`. */
  readonly key: string;
  readonly count: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export interface AgentAudit {
  readonly apiserverArgs: readonly string[];
  /** The agent's requests received in [t0, until], grouped; most frequent first. */
  groups(t0: number, until: number): RequestGroup[];
}

export function agentAudit(dir: string): AgentAudit {
  mkdirSync(dir, { recursive: true });
  const { args, logFile } = auditApiserverArgs(dir);
  const log = new AuditLog(logFile);
  return {
    apiserverArgs: args,
    groups: (t0, until) => {
      const byKey = new Map<string, AuditRequest[]>();
      for (const request of log.since())
        if (request.receivedAt >= t0 && request.receivedAt <= until)
          byKey.set(requestKey(request), [...(byKey.get(requestKey(request)) ?? []), request]);
      return [...byKey]
        .map(([key, requests]) => ({
          key,
          count: requests.length,
          firstMs: Math.min(...requests.map((r) => r.receivedAt)) - t0,
          lastMs: Math.max(...requests.map((r) => r.receivedAt)) - t0,
        }))
        .sort((a, b) => b.count - a.count || a.firstMs - b.firstMs);
    },
  };
}
