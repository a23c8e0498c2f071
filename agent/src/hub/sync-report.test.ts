import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refKey } from '@ferry/shared';
import { serializeAgentMessage, type SyncReportBody } from '@ferry/shared/protocol';
import { driftBodyOf, eventBodyOf, refOfEntry } from './drift-event.ts';
import { stateAfterSync } from './resource-state.ts';
import { fitSyncReport, syncReportOf } from './sync-report.ts';
import { entry, outcome, ref, SHA, syncReport } from './testing/outcomes.ts';

const STARTED = new Date('2024-05-01T12:00:01.250Z');
const TIMING = { startedAt: STARTED, finishedAt: new Date(STARTED.getTime() + 4210) };
const EPOCH = '5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f';
const api = ref('Deployment', 'api');
const svc = ref('Service', 'api');
const old = ref('ConfigMap', 'old');

/** The frame the session would write: the schema must take it. */
function frame(body: SyncReportBody, maxFrameBytes?: number): string {
  return serializeAgentMessage({ v: 1, type: 'syncReport', epoch: EPOCH, seq: 7, body }, { maxFrameBytes });
}

describe('syncReportOf', () => {
  it('reports an applied sync: revision, commit time, counts, changes that were not unchanged, timings', () => {
    const body = syncReportOf(
      outcome(
        syncReport({
          changeSet: [
            entry(api, 'configured'),
            entry(svc, 'created'),
            entry(ref('ConfigMap', 'c'), 'unchanged'),
          ],
          pruned: [entry(old, 'deleted')],
        }),
        { status: 'InProgress', message: 'Deployment.apps/web/api: 2 of 3 replicas updated' },
      ),
      'sync-1',
      TIMING,
    );
    assert.deepEqual(body, {
      syncId: 'sync-1',
      revision: `main@sha1:${SHA}`,
      commitTime: '2024-05-01T11:58:00.000Z',
      startedAt: '2024-05-01T12:00:01.250Z',
      durationMs: 4210,
      result: 'applied',
      health: { status: 'InProgress', message: 'Deployment.apps/web/api: 2 of 3 replicas updated' },
      counts: { created: 1, configured: 1, unchanged: 1, deleted: 1, failed: 0 },
      errors: [],
      changes: [
        { ref: api, action: 'configured' },
        { ref: svc, action: 'created' },
        { ref: old, action: 'deleted' },
      ],
      timings: { fetch: 300, render: 40, resolve: 20, inventory: 10, apply: 800, prune: 30 },
    });
    assert.ok(frame(body));
  });

  it('reports a failed fetch with no revision, health Unknown, and the error', () => {
    const body = syncReportOf(
      outcome(
        syncReport({
          result: 'failed',
          revision: undefined,
          commit: undefined,
          failure: { step: 'fetch', message: 'https://git.example.com/fleet.git: ECONNREFUSED' },
          timings: { fetch: 12 },
        }),
        null,
        { kind: 'failed', reason: 'FetchFailed', message: 'x', stalled: false },
      ),
      'sync-2',
      TIMING,
    );
    assert.ok(body);
    assert.equal(body.revision, undefined);
    assert.equal(body.commitTime, undefined);
    assert.equal(body.result, 'failed');
    assert.deepEqual(body.health, {
      status: 'Unknown',
      message: 'not judged: the sync failed (FetchFailed)',
    });
    assert.deepEqual(body.errors, ['https://git.example.com/fleet.git: ECONNREFUSED']);
    assert.ok(frame(body));
  });

  it('names the files of render errors and the objects that failed', () => {
    const body = syncReportOf(
      outcome(
        syncReport({
          result: 'failed',
          changeSet: [entry(api, 'failed', 'field not declared in schema')],
          renderErrors: [{ file: 'app.yaml', line: 3, code: 'invalid-yaml', message: 'bad indentation' }],
          failure: { step: 'apply', message: '1 object(s) failed' },
        }),
        null,
        { kind: 'failed', reason: 'ApplyFailed', message: 'x', stalled: false },
      ),
      'sync-3',
      TIMING,
    );
    assert.deepEqual(body?.errors, [
      '1 object(s) failed',
      'app.yaml:3: bad indentation',
      'Deployment.apps/web/api: field not declared in schema',
    ]);
    assert.equal(body.counts.failed, 1);
  });

  it('says why a sync that applied is not healthy', () => {
    const body = syncReportOf(
      outcome(
        syncReport({ changeSet: [entry(api, 'configured')] }),
        { status: 'Failed', message: 'crash' },
        {
          kind: 'failed',
          reason: 'HealthCheckFailed',
          message: 'Applied revision x, but not healthy: crash',
          stalled: true,
        },
      ),
      'sync-4',
      TIMING,
    );
    assert.equal(body?.result, 'applied');
    assert.deepEqual(body.errors, ['Applied revision x, but not healthy: crash']);
  });

  it('reports an invalid spec (no sync report) as a failed sync', () => {
    const body = syncReportOf(
      outcome(undefined, null, {
        kind: 'failed',
        reason: 'InvalidSpec',
        message: 'spec.repo: is required',
        stalled: true,
      }),
      'sync-5',
      TIMING,
    );
    assert.equal(body?.result, 'failed');
    assert.deepEqual(body.errors, ['spec.repo: is required']);
    assert.deepEqual(body.counts, { created: 0, configured: 0, unchanged: 0, deleted: 0, failed: 0 });
  });

  it('sends nothing for a suspended GitSync', () => {
    assert.equal(syncReportOf(outcome(undefined, null, { kind: 'suspended' }), 'sync-6', TIMING), undefined);
  });

  it('holds to the protocol’s bounds: 500 changes, 20 errors of 512 characters; counts stay exact', () => {
    const changeSet = Array.from({ length: 700 }, (_, i) =>
      entry(ref('ConfigMap', `c-${i}`), 'failed', 'e'.repeat(600) + String(i)),
    );
    const body = syncReportOf(
      outcome(
        syncReport({ result: 'failed', changeSet, failure: { step: 'apply', message: 'many failed' } }),
        null,
        {
          kind: 'failed',
          reason: 'ApplyFailed',
          message: 'x',
          stalled: false,
        },
      ),
      'sync-7',
      TIMING,
    );
    assert.ok(body);
    assert.equal(body.changes.length, 500);
    assert.equal(body.errors.length, 20);
    assert.ok(body.errors.every((e) => e.length <= 512));
    assert.equal(body.counts.failed, 700);
    assert.ok(frame(body));
  });

  it('is cut to fit the smallest frame a hub may choose, changes first', () => {
    const changeSet = Array.from({ length: 500 }, (_, i) =>
      entry(ref('ConfigMap', `a-rather-long-name-for-a-config-map-${'x'.repeat(100)}-${i}`), 'created'),
    );
    const body = syncReportOf(outcome(syncReport({ changeSet })), 'sync-8', TIMING);
    assert.ok(body);
    const max = 64 * 1024;
    assert.throws(() => frame(body, max));
    const fits = (candidate: SyncReportBody): boolean => {
      try {
        frame(candidate, max);
        return true;
      } catch {
        return false;
      }
    };
    const fitted = fitSyncReport(body, fits);
    assert.ok(fits(fitted));
    assert.ok(fitted.changes.length > 0 && fitted.changes.length < 500);
    assert.equal(fitted.counts.created, 500);
  });
});

describe('drift and event bodies', () => {
  const state = stateAfterSync(undefined, outcome(syncReport({ changeSet: [entry(api, 'created')] })));

  it('turns a drift summary entry into a drift message on the object the state holds', () => {
    const driftEntry = {
      object: 'Deployment.apps/web/api',
      fields: ['/spec/replicas changed', '/metadata/labels/team removed'],
      managers: ['kubectl-edit'],
      at: '2024-05-01T12:05:00.000Z',
      action: 'healed' as const,
    };
    const found = refOfEntry(driftEntry, state);
    assert.deepEqual(found, api);
    assert.ok(found);
    assert.deepEqual(driftBodyOf(driftEntry, found), {
      ref: api,
      fields: [
        { path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] },
        { path: '/metadata/labels/team', change: 'removed', managers: [] },
      ],
      action: 'healed',
      at: '2024-05-01T12:05:00.000Z',
    });
    assert.equal(state?.get(refKey(api))?.ref, found === api ? api : state?.get(refKey(api))?.ref);
  });

  it('finds no object for a drift the state does not hold', () => {
    const driftEntry = {
      object: 'Service/web/other',
      fields: [],
      managers: [],
      at: '2024-05-01T12:05:00.000Z',
      action: 'reported' as const,
    };
    assert.equal(refOfEntry(driftEntry, state), undefined);
  });

  it('relays an Event as recorded, its message bounded', () => {
    assert.deepEqual(
      eventBodyOf({ reason: 'DriftHealed', type: 'Normal', message: 'm'.repeat(2000) }, new Date(0)),
      {
        reason: 'DriftHealed',
        type: 'Normal',
        message: `${'m'.repeat(1023)}…`,
        at: '1970-01-01T00:00:00.000Z',
      },
    );
  });
});
