// A change of the resource state as delta messages whose frames stay under maxFrameBytes: upserts,
// then removals, as many per delta as fit. Every delta names the snapshot the hub holds; only the last
// carries the digest of the whole state after it, so the hub's copy is compared only once complete.
import { type ObjectRef } from '@ferry/shared';
import {
  BOUNDS,
  frameBytes,
  PROTOCOL_VERSION,
  ProtocolError,
  serializeAgentMessage,
  type DeltaBody,
  type ResourceSummary,
} from '@ferry/shared/protocol';
import type { StateDiff } from './resource-state.ts';

/** Stands in for the real epoch when measuring: every UUID is 36 characters. */
const MEASURING_EPOCH = '00000000-0000-4000-8000-000000000000';

type Item = { readonly upsert: ResourceSummary } | { readonly removal: ObjectRef };

export function deltaBodies(
  snapshotId: string,
  diff: StateDiff,
  digest: string,
  maxFrameBytes: number,
): DeltaBody[] {
  const items: Item[] = [
    ...diff.upserts.map((upsert) => ({ upsert })),
    ...diff.removals.map((removal) => ({ removal })),
  ];
  if (items.length === 0) return [];
  const frame = (body: DeltaBody): string =>
    serializeAgentMessage({
      v: PROTOCOL_VERSION,
      type: 'delta',
      epoch: MEASURING_EPOCH,
      seq: Number.MAX_SAFE_INTEGER,
      body,
    });
  // Measured with the digest on every delta and a comma per item: never short of the real frame.
  const empty = frameBytes(frame({ snapshotId, upserts: [], removals: [], digest }));
  const groups: Item[][] = [[]];
  let size = empty;
  items.forEach((item, index) => {
    const own = frameBytes(JSON.stringify('upsert' in item ? item.upsert : item.removal)) + 1;
    let group = groups[groups.length - 1] ?? [];
    if ((size + own > maxFrameBytes || group.length >= BOUNDS.resources) && group.length > 0) {
      group = [];
      groups.push(group);
      size = empty;
    }
    size += own;
    if (size > maxFrameBytes)
      throw new ProtocolError(
        'frame-too-large',
        `items[${index}]`,
        `delta item ${index} alone makes a frame of ${size} bytes, over the limit of ${maxFrameBytes}`,
      );
    group.push(item);
  });
  return groups.map((group, index) => {
    const upserts = group.flatMap((item) => ('upsert' in item ? [item.upsert] : []));
    const removals = group.flatMap((item) => ('removal' in item ? [item.removal] : []));
    const last = index === groups.length - 1;
    return { snapshotId, upserts, removals, ...(last ? { digest } : {}) };
  });
}
