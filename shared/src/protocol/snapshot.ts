// Snapshots: the digest that tells the hub whether its copy of a cluster's resources matches the
// agent's, and the split of a full snapshot into chunks whose frames stay under maxFrameBytes.
// Hashing uses node:crypto's createHash: pure computation with no I/O, present wherever shared runs
// (the hub and the agent are both Node), so shared stays free of side effects.
import { createHash } from 'node:crypto';
import { refKey } from '../object-ref.ts';
import type { SnapshotBody } from './agent-messages.ts';
import type { ResourceSummary } from './common-schemas.ts';
import { ProtocolError } from './errors.ts';
import { frameBytes, PROTOCOL_VERSION } from './negotiate.ts';
import { serializeAgentMessage } from './serialize.ts';

/** One resource as a line of the digest: every field, in a fixed order, absent ones as null. */
function canonicalLine(resource: ResourceSummary): string {
  const { ref } = resource;
  return JSON.stringify([
    ref.group,
    ref.version,
    ref.kind,
    ref.namespace,
    ref.name,
    resource.health,
    resource.healthMessage ?? null,
    resource.lastAction ?? null,
    resource.drifted,
  ]);
}

/**
 * `sha256:<hex>` over the resources sorted by refKey (ties by their content), so the same set gives
 * the same digest in any order. The hub computes it over what it stored to compare with a hello's.
 */
export function snapshotDigest(resources: readonly ResourceSummary[]): string {
  const lines = resources.map((resource) => ({ key: refKey(resource.ref), line: canonicalLine(resource) }));
  lines.sort((a, b) => compare(a.key, b.key) || compare(a.line, b.line));
  const hash = createHash('sha256');
  for (const { line } of lines) hash.update(`${line}\n`);
  return `sha256:${hash.digest('hex')}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stands in for the real epoch when measuring: every UUID is 36 characters. */
const MEASURING_EPOCH = '00000000-0000-4000-8000-000000000000';

/**
 * Splits a snapshot into chunk bodies, in order, each as full as the limit allows, so that the frame
 * of every chunk (with any epoch and any seq) is at most `maxFrameBytes`. An empty snapshot is one empty
 * chunk. `snapshotId` defaults to the digest. Throws `frame-too-large` when one resource alone cannot
 * fit, and `invalid-message` when a resource breaks the schema.
 */
export function chunkSnapshot(
  resources: readonly ResourceSummary[],
  maxFrameBytes: number,
  snapshotId?: string,
): SnapshotBody[] {
  const digest = snapshotDigest(resources);
  const id = snapshotId ?? digest;
  // The widest numbers the frames can hold: the largest seq, and as many chunks as resources.
  const most = Math.max(1, resources.length);
  const frame = (items: readonly ResourceSummary[], chunk: number, chunks: number): string =>
    serializeAgentMessage({
      v: PROTOCOL_VERSION,
      type: 'snapshot',
      epoch: MEASURING_EPOCH,
      seq: Number.MAX_SAFE_INTEGER,
      body: { snapshotId: id, digest, chunk, chunks, resources: [...items] },
    });
  // A frame with k resources is the empty frame plus each resource's JSON plus k - 1 commas.
  const empty = frameBytes(frame([], most - 1, most));
  const groups: ResourceSummary[][] = [[]];
  let size = empty;
  resources.forEach((resource, index) => {
    const own = frameBytes(JSON.stringify(resource));
    let current = groups[groups.length - 1] ?? [];
    const added = own + (current.length > 0 ? 1 : 0);
    if (size + added > maxFrameBytes && current.length > 0) {
      current = [];
      groups.push(current);
      size = empty;
    }
    size += own + (current.length > 0 ? 1 : 0);
    if (size > maxFrameBytes) {
      throw new ProtocolError(
        'frame-too-large',
        `resources[${index}]`,
        `snapshot resource ${index} alone makes a frame of ${size} bytes, over the limit of ${maxFrameBytes}`,
      );
    }
    current.push(resource);
  });
  // Measured with the real serializer: what the arithmetic promised, the frames keep.
  const chunks = groups.length;
  return groups.map((items, chunk) => {
    const text = frame(items, most - 1, most);
    if (frameBytes(text) > maxFrameBytes) {
      throw new ProtocolError(
        'frame-too-large',
        'body.resources',
        `snapshot chunk ${chunk} exceeds the limit`,
      );
    }
    return { snapshotId: id, digest, chunk, chunks, resources: items };
  });
}
