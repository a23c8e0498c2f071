// The store's resources back as the protocol's ResourceSummaries, for the one thing the hub needs them
// for: the digest of its state, compared with a hello's snapshotDigest. Pure. The inverse of
// toResourceRecord, with the store's '' health message as an absent one (so an agent that writes
// `healthMessage: ''` gets a differing digest and a snapshot request: safe, never a false match).
import { snapshotDigest, type ResourceSummary } from '@ferry/shared/protocol';
import type { ResourceRecord } from '../store/index.ts';

export function toResourceSummary(record: ResourceRecord): ResourceSummary {
  return {
    ref: record.ref,
    health: record.health.status,
    ...(record.health.message === '' ? {} : { healthMessage: record.health.message }),
    ...(record.lastAction === undefined ? {} : { lastAction: record.lastAction }),
    drifted: record.drifted,
  };
}

/** snapshotDigest() over what the hub stored for a cluster. */
export function storedDigest(records: readonly ResourceRecord[]): string {
  return snapshotDigest(records.map(toResourceSummary));
}
