// Test fixtures of the commit queue (not shipped code): a queue on a given store whose flushes start only
// when a test or a size limit says so, and an agent event record per seq.
import { SILENT_LOGGER } from '@ferry/shared';
import type { AgentRecord } from '../store/index.ts';
import { at } from '../store/test-store.ts';
import { createCommitQueue, type CommitQueue, type CommitQueueOptions } from './commit-queue.ts';

export function queueOn(
  store: CommitQueueOptions['store'],
  overrides: Partial<CommitQueueOptions> = {},
): CommitQueue {
  return createCommitQueue({
    store,
    now: () => at(1000),
    log: SILENT_LOGGER,
    flushIntervalMs: 600_000,
    flushMaxRecords: 1000,
    highWaterRecords: 1000,
    highWaterBytes: 1 << 30,
    onPressure: () => undefined,
    ...overrides,
  });
}

/** A Normal event record numbered `seq`. */
export function event(seq: number, epoch = 'e1'): AgentRecord {
  return {
    epoch,
    seq,
    type: 'event',
    event: { at: at(seq), type: 'Normal', reason: 'Synced', message: `seq ${seq}` },
  };
}
