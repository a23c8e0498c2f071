import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { ChangeSetEntry } from '../engine/types.ts';
import type { SyncReport } from '../sync.ts';
import { wroteNothing } from './drift-keeper.ts';

const ref: ObjectRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'a' };
const report = (changeSet: ChangeSetEntry[], more: Partial<SyncReport> = {}): SyncReport => ({
  result: 'applied',
  revision: 'main@sha1:0',
  commit: undefined,
  history: undefined,
  changeSet,
  pruned: [],
  prune: undefined,
  failure: undefined,
  renderErrors: [],
  durationMs: 0,
  timings: {},
  ...more,
});

describe('wroteNothing: the drift watches go on after such a sync', () => {
  it('is true when every object was unchanged and nothing was deleted', () => {
    assert.equal(wroteNothing(report([{ ref, action: 'unchanged' }])), true);
  });
  it('is false when an object was created or configured', () => {
    assert.equal(wroteNothing(report([{ ref, action: 'configured' }])), false);
    assert.equal(wroteNothing(report([{ ref, action: 'created' }])), false);
  });
  it('is false when an object was pruned', () => {
    assert.equal(
      wroteNothing(report([{ ref, action: 'unchanged' }], { pruned: [{ ref, action: 'deleted' }] })),
      false,
    );
  });
  it('is false when the sync failed', () => {
    assert.equal(
      wroteNothing(report([{ ref, action: 'failed', message: 'x' }], { result: 'failed' })),
      false,
    );
  });
});
