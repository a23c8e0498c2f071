import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { ChangeSetEntry } from '../engine/types.ts';
import type { SyncReport } from '../sync.ts';
import { parseGitSyncSpec } from '../gitsync/parse-spec.ts';
import type { GitSyncSpec } from '../gitsync/types.ts';
import { driftDecision, wroteNothing } from './drift-keeper.ts';

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

describe('driftDecision: what the agent does about a drifted object', () => {
  const specOf = (extra: Record<string, unknown>): GitSyncSpec => {
    const parsed = parseGitSyncSpec({ repo: 'https://git.example.com/fleet.git', ...extra });
    assert.ok(parsed.ok, JSON.stringify(parsed));
    return parsed.spec;
  };
  it('heals at once by default', () => {
    assert.deepEqual(driftDecision({ action: 'heal' }, specOf({})), {
      outcome: 'healed',
      why: 'healing',
      heal: 'now',
    });
  });
  it('only reports when the drift mode is report, or the object opts out', () => {
    assert.deepEqual(driftDecision({ action: 'heal' }, specOf({ drift: { mode: 'report' } })), {
      outcome: 'reported',
      why: 'drift.mode is report',
      heal: 'no',
    });
    assert.equal(driftDecision({ action: 'ignored' }, specOf({})).outcome, 'ignored');
  });
  it('does not say "healing" while the GitSync is suspended: it heals once resumed', () => {
    assert.deepEqual(driftDecision({ action: 'heal' }, specOf({ suspend: true })), {
      outcome: 'reported',
      why: 'the GitSync is suspended: healed when it is resumed',
      heal: 'on-resume',
    });
  });
});
