import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceRecord, SnapshotMeta } from '../store/index.ts';
import { wantsSnapshot } from './accept-hello.ts';
import { storedDigest } from './to-summary.ts';

const RESOURCES: ResourceRecord[] = [
  {
    ref: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' },
    health: { status: 'Current', message: '' },
    lastAction: 'unchanged',
    drifted: false,
  },
];

/** A store whose snapshot is `meta`, counting the reads of its resources. */
function storeWith(meta: SnapshotMeta | undefined) {
  let reads = 0;
  return {
    store: {
      snapshotMeta: () => meta,
      snapshotResources: () => {
        reads += 1;
        return meta === undefined ? undefined : RESOURCES;
      },
    },
    get reads() {
      return reads;
    },
  };
}

describe('whether a hello needs a full snapshot', () => {
  const at = new Date(0);

  it('compares the digest kept with the snapshot, without reading the resources', () => {
    const same = storeWith({ snapshotId: 's1', digest: 'sha256:kept', completedAt: at });
    assert.equal(wantsSnapshot(same.store, 'c', 'sha256:kept'), false);
    assert.equal(wantsSnapshot(same.store, 'c', 'sha256:other'), true);
    assert.equal(same.reads, 0);
  });

  it('computes the digest over the stored resources when the kept one is unknown', () => {
    const unknown = storeWith({ snapshotId: 's1', digest: '', completedAt: at });
    assert.equal(wantsSnapshot(unknown.store, 'c', storedDigest(RESOURCES)), false);
    assert.equal(wantsSnapshot(unknown.store, 'c', 'sha256:other'), true);
    assert.equal(unknown.reads, 2);
  });

  it('wants one when the hub holds none, or the agent sends no digest', () => {
    assert.equal(wantsSnapshot(storeWith(undefined).store, 'c', 'sha256:any'), true);
    const held = storeWith({ snapshotId: 's1', digest: 'sha256:kept', completedAt: at });
    assert.equal(wantsSnapshot(held.store, 'c', undefined), true);
  });
});
