// How much one group commit may take. A commit holds the event loop while it runs (better-sqlite3 is
// synchronous), so the API and every other link wait for it: the budget is counted in rows (a record
// weighs RECORD_WEIGHT, and 1 more per resource it carries) and follows how long commits actually take
// on this machine, shrinking when one runs over the target time and growing back while full ones run
// well under.
import type { AgentRecord } from '../store/index.ts';

/**
 * What storing a record costs beside its resources, in resource rows: its cluster's row and last-heard
 * entry, its epoch's seq, the record itself. The scale benchmark's commits (bench/RESULTS.md,
 * "2026-11-27, 15:24–16:55 UTC") took ~37 µs a record and ~1.3 µs a snapshot's resource row. Weighed
 * 1, a commit of heartbeats and deltas took 500 records for a budget of 500 rows: 20–75 ms of the loop
 * for a 5 ms target. Since then migration 4 took ~17 µs off every record (the last-heard entry); the
 * weight was not measured again.
 */
export const RECORD_WEIGHT = 30;

/** What storing a record costs, in rows: RECORD_WEIGHT, and 1 per resource it carries. */
export function weightOf(record: AgentRecord | undefined): number {
  switch (record?.type) {
    case 'snapshot-chunk':
      return RECORD_WEIGHT + record.chunk.resources.length;
    case 'resource-delta':
      return RECORD_WEIGHT + record.delta.upserts.length + record.delta.deletes.length;
    default:
      return RECORD_WEIGHT;
  }
}

export interface FlushBudgetOptions {
  /** The most weight one commit takes, however fast commits run. */
  readonly maxWeight: number;
  /** How long one commit should hold the loop, ms. */
  readonly targetMs: number;
}

export interface FlushBudget {
  /** The weight the next commit may take (at least 1: a commit always takes its first record). */
  readonly weight: number;
  /** A commit of `weight` took `ms`: adjust. */
  observe(weight: number, ms: number): void;
}

/** The least the budget shrinks to: two snapshots or 16 records, so a slow machine still commits in groups. */
const MIN_WEIGHT = 500;

export function createFlushBudget(options: FlushBudgetOptions): FlushBudget {
  const { maxWeight, targetMs } = options;
  const least = Math.min(MIN_WEIGHT, maxWeight);
  let weight = maxWeight;
  return {
    get weight() {
      return weight;
    },
    observe: (taken, ms) => {
      if (ms > targetMs && taken > least) {
        weight = Math.max(least, Math.floor(taken * (targetMs / ms)));
      } else if (ms < targetMs / 2 && taken >= weight * 0.9) {
        weight = Math.min(maxWeight, Math.ceil(weight * 1.25));
      }
    },
  };
}
