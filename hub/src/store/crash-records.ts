// For the crash test: the records an agent sends, as a pure function of their seq, so that a writer
// restarted after SIGKILL resends exactly what it sent before, and the test knows what must be stored.
// Seqs come in cycles of ten: three snapshot chunks, a sync, a heartbeat, a drift report, four events.
import type { AgentRecord, ResourceRecord } from './types.ts';

export const CYCLE = 10;
export const CHUNKS = 3;
export const RESOURCES_PER_CHUNK = 5;
export const CRASH_LIMITS = {
  historyPerCluster: 1_000_000,
  eventsPerCluster: 1_000_000,
  driftPerCluster: 1_000_000,
};

export function slotOf(seq: number): { readonly block: number; readonly slot: number } {
  return { block: Math.floor((seq - 1) / CYCLE), slot: (seq - 1) % CYCLE };
}

export function resourceName(block: number, chunk: number, item: number): string {
  return `b${block}-c${chunk}-i${item}`;
}

function chunkResources(block: number, chunk: number): ResourceRecord[] {
  return Array.from({ length: RESOURCES_PER_CHUNK }, (_, item) => ({
    ref: {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'apps',
      name: resourceName(block, chunk, item),
    },
    health: { status: 'Current', message: `seq block ${block}` },
    lastAction: 'configured',
    drifted: false,
  }));
}

export function recordFor(epoch: string, seq: number): AgentRecord {
  const { block, slot } = slotOf(seq);
  const at = new Date(Date.UTC(2025, 0, 1) + seq * 1000);
  if (slot < CHUNKS) {
    const chunk = {
      snapshotId: `snap-${block}`,
      digest: `digest-${block}`,
      index: slot,
      last: slot === CHUNKS - 1,
    };
    return {
      epoch,
      seq,
      type: 'snapshot-chunk',
      chunk: { ...chunk, resources: chunkResources(block, slot) },
    };
  }
  if (slot === 3) {
    const sync = {
      syncId: `sync-${seq}`,
      revision: `rev-${block}`,
      commitTime: at,
      startedAt: at,
      durationMs: 10,
      result: 'applied',
      health: { status: 'Current', message: '' },
      counts: { configured: CHUNKS * RESOURCES_PER_CHUNK },
      errors: [],
    } as const;
    return { epoch, seq, type: 'sync', sync };
  }
  if (slot === 4) return { epoch, seq, type: 'heartbeat' };
  if (slot === 5) {
    const ref = chunkResources(block, 0)[0]?.ref ?? {
      group: '',
      version: 'v1',
      kind: 'x',
      namespace: '',
      name: 'x',
    };
    return {
      epoch,
      seq,
      type: 'drift',
      drift: { ref, kind: 'changed', fields: [], action: 'reported', at },
    };
  }
  return { epoch, seq, type: 'event', event: { at, type: 'Normal', reason: 'Seq', message: `seq ${seq}` } };
}
