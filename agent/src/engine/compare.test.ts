import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import { wouldChange } from './compare.ts';

const live: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'a',
    namespace: 'n',
    resourceVersion: '5',
    uid: 'u',
    managedFields: [{ manager: 'ferry' }],
    creationTimestamp: 't',
  },
  data: { key: 'v' },
};

describe('wouldChange', () => {
  it('ignores what only the server maintains', () => {
    const dryRun = {
      ...live,
      metadata: { ...live.metadata, resourceVersion: '6', managedFields: [], generation: 2 },
      status: { x: 1 },
    };
    assert.equal(wouldChange(dryRun, live), false);
  });
  it('sees a changed value, an added label and a removed field', () => {
    assert.equal(wouldChange({ ...live, data: { key: 'w' } }, live), true);
    assert.equal(wouldChange({ ...live, metadata: { ...live.metadata, labels: { a: 'b' } } }, live), true);
    assert.equal(wouldChange({ ...live, data: {} }, live), true);
  });
});
