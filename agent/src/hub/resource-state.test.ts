import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refKey } from '@ferry/shared';
import {
  chunkSnapshot,
  parseAgentFrame,
  serializeAgentMessage,
  snapshotDigest,
} from '@ferry/shared/protocol';
import { deltaBodies } from './delta.ts';
import {
  diffStates,
  digestOf,
  listState,
  stateAfterDrift,
  stateAfterSync,
  stateWithHealth,
} from './resource-state.ts';
import { entry, outcome, ref, syncReport } from './testing/outcomes.ts';

const api = ref('Deployment', 'api');
const svc = ref('Service', 'api');
const cm = ref('ConfigMap', 'settings');

describe('stateAfterSync', () => {
  it('holds every object an applied sync lists, Current when the rollup is, with its last action', () => {
    const state = stateAfterSync(
      undefined,
      outcome(syncReport({ changeSet: [entry(api, 'created'), entry(svc, 'unchanged')] })),
    );
    assert.deepEqual(listState(state ?? new Map()), [
      { ref: svc, health: 'Current', lastAction: 'unchanged', drifted: false },
      { ref: api, health: 'Current', lastAction: 'created', drifted: false },
    ]);
  });

  it('takes each object’s own health when the rollup is not Current, with its message', () => {
    const state = stateAfterSync(
      undefined,
      outcome(syncReport({ changeSet: [entry(api, 'configured'), entry(svc, 'unchanged')] }), {
        status: 'InProgress',
        message: 'Deployment.apps/web/api: 2 of 3 replicas updated',
      }),
      [
        { ref: api, status: 'InProgress', message: '2 of 3 replicas updated' },
        { ref: svc, status: 'Current', message: 'Service ready' },
      ],
    );
    assert.deepEqual(state?.get(refKey(api)), {
      ref: api,
      health: 'InProgress',
      healthMessage: '2 of 3 replicas updated',
      lastAction: 'configured',
      drifted: false,
    });
    assert.equal(state.get(refKey(svc))?.healthMessage, undefined);
  });

  it('says Unknown for an object never judged, and keeps the last health of one judged before', () => {
    const first = stateAfterSync(undefined, outcome(syncReport({ changeSet: [entry(api, 'created')] })));
    const second = stateAfterSync(
      first,
      outcome(syncReport({ changeSet: [entry(api, 'unchanged'), entry(cm, 'created')] }), {
        status: 'InProgress',
        message: 'x',
      }),
    );
    assert.equal(second?.get(refKey(api))?.health, 'Current');
    assert.equal(second.get(refKey(cm))?.health, 'Unknown');
  });

  it('forgets objects no longer in Git once a sync applied', () => {
    const first = stateAfterSync(
      undefined,
      outcome(syncReport({ changeSet: [entry(api, 'created'), entry(cm, 'created')] })),
    );
    const second = stateAfterSync(
      first,
      outcome(syncReport({ changeSet: [entry(api, 'unchanged')], pruned: [entry(cm, 'deleted')] })),
    );
    assert.deepEqual([...(second?.keys() ?? [])], [refKey(api)]);
  });

  it('changes nothing when the sync reached no object (fetch failed), and updates only what a failed apply reached', () => {
    const first = stateAfterSync(
      undefined,
      outcome(syncReport({ changeSet: [entry(api, 'created'), entry(cm, 'created')] })),
    );
    const fetchFailed = syncReport({
      result: 'failed',
      revision: undefined,
      commit: undefined,
      failure: { step: 'fetch', message: 'unreachable' },
    });
    assert.equal(stateAfterSync(first, outcome(fetchFailed, null)), first);
    const applyFailed = syncReport({
      result: 'failed',
      changeSet: [entry(api, 'failed', 'Deployment.apps/web/api: invalid')],
      failure: { step: 'apply', message: '1 object failed' },
    });
    const after = stateAfterSync(first, outcome(applyFailed, null));
    assert.equal(after?.size, 2);
    assert.equal(after.get(refKey(api))?.lastAction, 'failed');
    assert.equal(after.get(refKey(api))?.health, 'Current');
  });

  it('clears the drift flag of an object a sync applied again, and only of that one', () => {
    let state = stateAfterSync(
      undefined,
      outcome(syncReport({ changeSet: [entry(api, 'created'), entry(svc, 'created')] })),
    );
    assert.ok(state);
    state = stateAfterDrift(stateAfterDrift(state, refKey(api), true), refKey(svc), true);
    const after = stateAfterSync(
      state,
      outcome(syncReport({ changeSet: [entry(api, 'configured'), entry(svc, 'unchanged')] })),
    );
    assert.equal(after?.get(refKey(api))?.drifted, false);
    assert.equal(after.get(refKey(svc))?.drifted, true);
  });

  it('cuts a long health message to the protocol’s bound', () => {
    const state = stateAfterSync(
      undefined,
      outcome(syncReport({ changeSet: [entry(api, 'created')] }), { status: 'Failed', message: 'x' }),
      [{ ref: api, status: 'Failed', message: 'y'.repeat(1000) }],
    );
    assert.equal(state?.get(refKey(api))?.healthMessage?.length, 256);
  });
});

describe('diffStates and deltas', () => {
  const base = stateAfterSync(
    undefined,
    outcome(syncReport({ changeSet: [entry(api, 'created'), entry(cm, 'created')] })),
  );
  assert.ok(base);

  it('lists what changed or came as upserts and what went as removals', () => {
    const current = stateAfterSync(
      base,
      outcome(
        syncReport({
          changeSet: [entry(api, 'configured'), entry(svc, 'created')],
          pruned: [entry(cm, 'deleted')],
        }),
      ),
    );
    assert.ok(current);
    const diff = diffStates(base, current);
    assert.deepEqual(
      diff.upserts.map((s) => [s.ref.kind, s.lastAction]),
      [
        ['Deployment', 'configured'],
        ['Service', 'created'],
      ],
    );
    assert.deepEqual(diff.removals, [cm]);
    assert.deepEqual(diffStates(current, current), { upserts: [], removals: [] });
  });

  it('gives the digest shared computes, whatever the order', () => {
    assert.equal(digestOf(base), snapshotDigest(listState(base).reverse()));
    assert.equal(chunkSnapshot(listState(base), 1 << 20)[0]?.digest, digestOf(base));
  });

  it('applies health judged later to the objects it names', () => {
    const later = stateWithHealth(base, [{ ref: api, status: 'Failed', message: 'crash' }]);
    assert.equal(later.get(refKey(api))?.health, 'Failed');
    assert.equal(later.get(refKey(cm))?.health, 'Current');
  });

  it('splits a large change into deltas under the frame limit; only the last carries the digest', () => {
    const many = new Map(
      Array.from({ length: 2000 }, (_, i) => {
        const r = ref('ConfigMap', `config-${i}`);
        return [
          refKey(r),
          { ref: r, health: 'Current' as const, lastAction: 'created' as const, drifted: false },
        ];
      }),
    );
    const diff = diffStates(new Map(), many);
    const bodies = deltaBodies('snap-1', { ...diff, removals: [api] }, digestOf(many), 64 * 1024);
    assert.ok(bodies.length > 1);
    assert.equal(bodies.flatMap((b) => b.upserts).length, 2000);
    assert.deepEqual(
      bodies.flatMap((b) => b.removals),
      [api],
    );
    bodies.forEach((body, index) => {
      assert.equal(body.digest !== undefined, index === bodies.length - 1);
      const text = serializeAgentMessage({
        v: 1,
        type: 'delta',
        epoch: '5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f',
        seq: Number.MAX_SAFE_INTEGER,
        body,
      });
      assert.ok(parseAgentFrame(text, { maxFrameBytes: 64 * 1024 }).ok, `delta ${index}`);
    });
  });

  it('sends no delta when nothing changed', () => {
    assert.deepEqual(deltaBodies('snap-1', { upserts: [], removals: [] }, digestOf(base), 1 << 20), []);
  });
});
