// Protocol messages (already validated by shared's schemas) as the store's records. Pure. The two
// vocabularies differ in a few places, settled here:
// - a resource's optional healthMessage is the store's '' when absent (to-summary.ts maps it back);
// - a syncReport's errors are strings: each becomes { message };
// - a syncReport counts no `skipped`: it is counted from `changes` when that list is complete (shorter
//   than BOUNDS.changes), and left out when the list was cut, rather than guessed;
// - a drift with no fields means the object is gone (kind `deleted`), otherwise `changed`;
// - timestamps become Dates (the schema has checked them; an unreadable one is refused, never stored).
// A heartbeat is no record: it only says the cluster was heard from.
import {
  BOUNDS,
  type AgentMessage,
  type AgentMessageOf,
  type DriftOutcome,
  type ResourceSummary,
  type SyncReportBody,
} from '@ferry/shared/protocol';
import type { AgentRecord, DriftAction, ResourceRecord, SyncRecord } from '../store/index.ts';

/** The messages the hub stores (and acks); the hello and heartbeats are not among them. */
export type StoredMessage = AgentMessageOf<
  'syncReport' | 'snapshot' | 'delta' | 'drift' | 'event' | 'readiness'
>;

export type MappedMessage =
  | { readonly kind: 'record'; readonly record: AgentRecord }
  | { readonly kind: 'heard' }
  | { readonly kind: 'invalid'; readonly path: string; readonly reason: string };

const DRIFT_ACTIONS: { readonly [O in DriftOutcome]: DriftAction } = {
  healed: 'healed',
  reported: 'reported',
  ignored: 'ignored',
};

class Unreadable extends Error {
  override readonly name = 'Unreadable';
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

function dateOf(text: string, path: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new Unreadable(path, `not a readable time: ${text}`);
  return date;
}

export function toResourceRecord(summary: ResourceSummary): ResourceRecord {
  return {
    ref: summary.ref,
    health: { status: summary.health, message: summary.healthMessage ?? '' },
    lastAction: summary.lastAction,
    drifted: summary.drifted,
  };
}

/** The counts of a syncReport, with `skipped` counted from `changes` when that list is whole. */
export function syncCounts(body: Pick<SyncReportBody, 'counts' | 'changes'>): Record<string, number> {
  const counts: Record<string, number> = { ...body.counts };
  if (body.changes.length < BOUNDS.changes) {
    counts.skipped = body.changes.filter((change) => change.action === 'skipped').length;
  }
  return counts;
}

export function toSyncRecord(body: SyncReportBody): SyncRecord {
  return {
    syncId: body.syncId,
    revision: body.revision,
    commitTime: body.commitTime === undefined ? undefined : dateOf(body.commitTime, 'body.commitTime'),
    startedAt: dateOf(body.startedAt, 'body.startedAt'),
    durationMs: body.durationMs,
    result: body.result,
    health: { status: body.health.status, message: body.health.message },
    counts: syncCounts(body),
    errors: body.errors.map((message) => ({ message })),
  };
}

function recordOf(message: StoredMessage): AgentRecord {
  const { epoch, seq } = message;
  switch (message.type) {
    case 'syncReport':
      return { epoch, seq, type: 'sync', sync: toSyncRecord(message.body) };
    case 'snapshot': {
      const { body } = message;
      const chunk = {
        snapshotId: body.snapshotId,
        digest: body.digest,
        index: body.chunk,
        last: body.chunk === body.chunks - 1,
        resources: body.resources.map(toResourceRecord),
      };
      return { epoch, seq, type: 'snapshot-chunk', chunk };
    }
    case 'delta': {
      const { body } = message;
      const delta = {
        snapshotId: body.snapshotId,
        upserts: body.upserts.map(toResourceRecord),
        deletes: body.removals,
        ...(body.digest === undefined ? {} : { digest: body.digest }),
      };
      return { epoch, seq, type: 'resource-delta', delta };
    }
    case 'drift': {
      const { body } = message;
      const drift = {
        ref: body.ref,
        kind: body.fields.length === 0 ? 'deleted' : 'changed',
        fields: body.fields.map((field) => ({
          path: field.path,
          change: field.change,
          managers: field.managers,
        })),
        action: DRIFT_ACTIONS[body.action],
        at: dateOf(body.at, 'body.at'),
      } as const;
      return { epoch, seq, type: 'drift', drift };
    }
    case 'event': {
      const { body } = message;
      const event = {
        at: dateOf(body.at, 'body.at'),
        type: body.type,
        reason: body.reason,
        message: body.message,
      };
      return { epoch, seq, type: 'event', event };
    }
    case 'readiness': {
      const { body } = message;
      const readiness = {
        scannedAt: dateOf(body.scannedAt, 'body.scannedAt'),
        rebuildable: body.rebuildable,
        total: body.total,
        notInGit: body.notInGit,
        data: body.data,
        unknownKinds: body.unknownKinds,
      };
      return { epoch, seq, type: 'readiness', readiness };
    }
  }
}

/** What the store should do with a message after the hello: store a record, or only note the cluster heard. */
export function toAgentRecord(message: Exclude<AgentMessage, { type: 'hello' }>): MappedMessage {
  if (message.type === 'heartbeat') return { kind: 'heard' };
  try {
    return { kind: 'record', record: recordOf(message) };
  } catch (error) {
    if (error instanceof Unreadable) return { kind: 'invalid', path: error.path, reason: error.message };
    throw error;
  }
}
