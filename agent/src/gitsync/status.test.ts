import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncReport } from '../sync.ts';
import { conditionsFor, failureMessage, phaseOf, statusAfter, syncRecord, withHistory } from './status.ts';
import type { GitSyncStatus, SyncRecord } from './types.ts';

const T0 = '2026-11-26T10:00:00.000Z';
const T1 = '2026-11-26T10:05:00.000Z';
const ref = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'app', name: 'settings' };

const report = (over: Partial<SyncReport>): SyncReport => ({
  result: 'applied',
  revision: 'main@sha1:abc',
  commit: undefined,
  history: 'fast-forward',
  changeSet: [],
  pruned: [],
  prune: undefined,
  failure: undefined,
  renderErrors: [],
  durationMs: 1200,
  timings: {},
  ...over,
});

describe('conditionsFor', () => {
  it('says Reconciling while a sync runs and Ready when it is done', () => {
    const syncing = conditionsFor([], { kind: 'syncing', message: 'Syncing' }, 3, T0);
    assert.deepEqual(
      syncing.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'Unknown', 'Progressing'],
        ['Reconciling', 'True', 'Progressing'],
        ['Stalled', 'False', 'Progressing'],
      ],
    );
    const ready = conditionsFor(syncing, { kind: 'ready', message: 'Applied revision main@sha1:abc' }, 3, T1);
    assert.deepEqual(ready[0], {
      type: 'Ready',
      status: 'True',
      reason: 'Synced',
      message: 'Applied revision main@sha1:abc',
      lastTransitionTime: T1,
      observedGeneration: 3,
    });
  });

  it('moves lastTransitionTime only when a condition changes status', () => {
    const first = conditionsFor([], { kind: 'ready', message: 'a' }, 1, T0);
    const again = conditionsFor(first, { kind: 'ready', message: 'b' }, 2, T1);
    assert.equal(again.find((c) => c.type === 'Ready')?.lastTransitionTime, T0);
    assert.equal(again.find((c) => c.type === 'Ready')?.message, 'b');
    const failed = conditionsFor(
      again,
      { kind: 'failed', reason: 'RenderFailed', message: 'x.yaml:3: bad', stalled: true },
      2,
      T1,
    );
    assert.equal(failed.find((c) => c.type === 'Ready')?.lastTransitionTime, T1);
    assert.deepEqual(
      failed.find((c) => c.type === 'Stalled'),
      {
        type: 'Stalled',
        status: 'True',
        reason: 'RenderFailed',
        message: 'x.yaml:3: bad',
        lastTransitionTime: T1,
        observedGeneration: 2,
      },
    );
  });

  it('keeps Ready as it was while suspended', () => {
    const ready = conditionsFor([], { kind: 'ready', message: 'a' }, 1, T0);
    const suspended = conditionsFor(ready, { kind: 'suspended' }, 2, T1);
    assert.equal(suspended.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(suspended.find((c) => c.type === 'Reconciling')?.reason, 'Suspended');
  });
});

describe('phaseOf', () => {
  it('stalls on render and validation failures, retries fetch failures', () => {
    assert.deepEqual(
      phaseOf(report({ result: 'failed', failure: { step: 'fetch', message: 'unreachable' } })),
      { kind: 'failed', reason: 'FetchFailed', message: 'unreachable', stalled: false },
    );
    assert.equal(
      phaseOf(report({ result: 'failed', failure: { step: 'render', message: 'r' } })).kind,
      'failed',
    );
    const render = phaseOf(
      report({
        result: 'failed',
        failure: { step: 'render', message: '1 render error(s)' },
        renderErrors: [
          { file: 'broken.yaml', line: 5, code: 'invalid-field', message: 'data must be a map' },
        ],
      }),
    );
    assert.deepEqual(render, {
      kind: 'failed',
      reason: 'RenderFailed',
      message: '1 render error(s): broken.yaml:5: data must be a map',
      stalled: true,
    });
    assert.equal(
      (phaseOf(report({ result: 'failed', failure: { step: 'plan', message: 'p' } })) as { reason: string })
        .reason,
      'ValidationFailed',
    );
    assert.equal(
      (
        phaseOf(report({ result: 'prune-blocked', failure: { step: 'prune', message: 'budget' } })) as {
          stalled: boolean;
        }
      ).stalled,
      true,
    );
  });
});

describe('failureMessage', () => {
  it('names the first five failed objects and counts the rest', () => {
    const failed = Array.from({ length: 7 }, (_, i) => ({
      ref: { ...ref, name: `c${i}` },
      action: 'failed' as const,
      message: `c${i}: invalid`,
    }));
    const message = failureMessage(
      report({ result: 'failed', changeSet: failed, failure: { step: 'apply', message: '7 failed' } }),
    );
    assert.equal(
      message,
      '7 failed: c0: invalid; c1: invalid; c2: invalid; c3: invalid; c4: invalid; and 2 more',
    );
  });
});

describe('history', () => {
  it('records counts per action and keeps the newest ten', () => {
    const record = syncRecord(
      report({
        changeSet: [
          { ref, action: 'created' },
          { ref, action: 'unchanged' },
          { ref, action: 'unchanged' },
        ],
        pruned: [{ ref, action: 'deleted' }],
      }),
      T0,
    );
    assert.deepEqual(record, {
      revision: 'main@sha1:abc',
      startedAt: T0,
      durationMs: 1200,
      result: 'applied',
      created: 1,
      configured: 0,
      unchanged: 2,
      pruned: 1,
      failed: 0,
    });
    let history: SyncRecord[] = [];
    for (let i = 0; i < 12; i++) history = withHistory(history, { ...record, durationMs: i });
    assert.equal(history.length, 10);
    assert.equal(history[0]?.durationMs, 11);
  });
});

describe('statusAfter', () => {
  it('leaves out the drift summary and readiness that the sync read at its start, so it never writes them back', () => {
    const read = {
      observedGeneration: 1,
      conditions: [],
      history: [],
      drift: { detected: 1, healed: 0, lastDetectedAt: T0, recent: [] },
      drReadiness: { status: 'Ready', checkedAt: T0 },
    } as unknown as GitSyncStatus;
    const after = statusAfter(
      read,
      { phase: { kind: 'ready', message: 'Applied' }, report: report({}), health: undefined },
      2,
      undefined,
      T0,
    );
    const sent = JSON.parse(JSON.stringify(after)) as Record<string, unknown>;
    assert.equal('drift' in sent, false);
    assert.equal('drReadiness' in sent, false);
    assert.equal(sent['observedGeneration'], 2);
    assert.equal(sent['lastAppliedRevision'], 'main@sha1:abc');
    assert.equal((sent['history'] as unknown[]).length, 1);
  });
});
