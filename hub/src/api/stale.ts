// When the fleet view calls a cluster stale: it was heard from, but not for staleAfterMs. A hub that has
// just started has not yet heard from anyone, so for staleAfterMs after it starts nothing is stale
// (agents reconnect within that grace period); a cluster never heard from is pending, never stale.
import { isStale, type Cluster } from '../store/index.ts';

export interface StaleRule {
  readonly staleAfterMs: number;
  /** When this hub process started. */
  readonly startedAt: Date;
}

/** Clusters last heard before this time are stale; undefined during the grace period (none are). */
export function staleBefore(now: Date, rule: StaleRule): Date | undefined {
  if (now.getTime() < rule.startedAt.getTime() + rule.staleAfterMs) return undefined;
  return new Date(now.getTime() - rule.staleAfterMs);
}

export function clusterIsStale(cluster: Pick<Cluster, 'lastHeardAt'>, now: Date, rule: StaleRule): boolean {
  return staleBefore(now, rule) !== undefined && isStale(cluster, now, rule.staleAfterMs);
}
