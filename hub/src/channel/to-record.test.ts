import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOUNDS, snapshotDigest, type AgentMessageOf, type ResourceSummary } from '@ferry/shared/protocol';
import { storedDigest, toResourceSummary } from './to-summary.ts';
import { syncCounts, toAgentRecord, toResourceRecord } from './to-record.ts';

const EPOCH = '5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f';
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' };
const service = { group: '', version: 'v1', kind: 'Service', namespace: 'web', name: 'api' };

function syncReport(
  overrides: Partial<AgentMessageOf<'syncReport'>['body']> = {},
): AgentMessageOf<'syncReport'> {
  return {
    v: 1,
    type: 'syncReport',
    epoch: EPOCH,
    seq: 3,
    body: {
      syncId: 'sync-0001',
      revision: '3f2a9c1e',
      commitTime: '2024-05-01T13:58:00+02:00',
      startedAt: '2024-05-01T12:00:01.250Z',
      durationMs: 4210,
      result: 'applied',
      health: { status: 'InProgress', message: 'Deployment.apps/web/api: 2 of 3 replicas updated' },
      counts: { created: 1, configured: 1, unchanged: 12, deleted: 0, failed: 1 },
      errors: ['Deployment.apps/web/api: admission webhook refused'],
      changes: [
        { ref: deployment, action: 'configured' },
        { ref: service, action: 'created' },
        { ref: { ...service, name: 'other' }, action: 'skipped' },
      ],
      timings: { fetch: 310, apply: 3600 },
      ...overrides,
    },
  };
}

describe('a syncReport as the store’s sync record', () => {
  it('keeps the sync’s facts, times as Dates, errors as { message } and counts with skipped', () => {
    assert.deepEqual(toAgentRecord(syncReport()), {
      kind: 'record',
      record: {
        epoch: EPOCH,
        seq: 3,
        type: 'sync',
        sync: {
          syncId: 'sync-0001',
          revision: '3f2a9c1e',
          commitTime: new Date('2024-05-01T11:58:00Z'),
          startedAt: new Date('2024-05-01T12:00:01.250Z'),
          durationMs: 4210,
          result: 'applied',
          health: { status: 'InProgress', message: 'Deployment.apps/web/api: 2 of 3 replicas updated' },
          counts: { created: 1, configured: 1, unchanged: 12, deleted: 0, failed: 1, skipped: 1 },
          errors: [{ message: 'Deployment.apps/web/api: admission webhook refused' }],
        },
      },
    });
  });
  it('has no revision or commit time when the fetch failed', () => {
    const mapped = toAgentRecord(
      syncReport({ revision: undefined, commitTime: undefined, result: 'failed' }),
    );
    assert.ok(mapped.kind === 'record' && mapped.record.type === 'sync');
    assert.equal(mapped.record.sync.revision, undefined);
    assert.equal(mapped.record.sync.commitTime, undefined);
  });
  it('counts skipped as 0 when no change was skipped', () => {
    assert.equal(syncCounts({ counts: syncReport().body.counts, changes: [] }).skipped, 0);
  });
  it('leaves skipped out when the list of changes was cut at its bound, rather than guess', () => {
    const changes = Array.from({ length: BOUNDS.changes }, (_, i) => ({
      ref: { ...service, name: `s${i}` },
      action: 'skipped' as const,
    }));
    const counts = syncCounts({ counts: syncReport().body.counts, changes });
    assert.equal('skipped' in counts, false);
    assert.equal(counts.created, 1);
  });
});

describe('resources between the protocol and the store', () => {
  const summaries: [ResourceSummary, ResourceSummary, ResourceSummary] = [
    {
      ref: deployment,
      health: 'InProgress',
      healthMessage: '2 of 3',
      lastAction: 'configured',
      drifted: false,
    },
    { ref: service, health: 'Current', drifted: true },
    { ref: { ...service, name: 'unchanged' }, health: 'Current', lastAction: 'unchanged', drifted: false },
  ];
  it('stores an absent health message as the store’s empty one, and an absent last action as undefined', () => {
    assert.deepEqual(toResourceRecord(summaries[1]), {
      ref: service,
      health: { status: 'Current', message: '' },
      lastAction: undefined,
      drifted: true,
    });
  });
  it('maps back exactly, so the digest over what the hub stored is the agent’s', () => {
    const records = summaries.map(toResourceRecord);
    assert.deepEqual(records.map(toResourceSummary), summaries);
    assert.equal(storedDigest([...records].reverse()), snapshotDigest(summaries));
  });
  it('gives another digest for an agent that wrote an empty health message (a snapshot is asked, never a false match)', () => {
    const empty: ResourceSummary[] = [{ ref: service, health: 'Current', healthMessage: '', drifted: false }];
    assert.notEqual(storedDigest(empty.map(toResourceRecord)), snapshotDigest(empty));
  });
});

describe('the other messages as records', () => {
  it('maps a snapshot chunk to index and last', () => {
    const body = {
      snapshotId: 'snap-1',
      digest: `sha256:${'cd'.repeat(32)}`,
      chunk: 1,
      chunks: 2,
      resources: [{ ref: service, health: 'Current' as const, drifted: false }],
    };
    assert.deepEqual(toAgentRecord({ v: 1, type: 'snapshot', epoch: EPOCH, seq: 4, body }), {
      kind: 'record',
      record: {
        epoch: EPOCH,
        seq: 4,
        type: 'snapshot-chunk',
        chunk: {
          snapshotId: 'snap-1',
          digest: body.digest,
          index: 1,
          last: true,
          resources: [
            {
              ref: service,
              health: { status: 'Current', message: '' },
              lastAction: undefined,
              drifted: false,
            },
          ],
        },
      },
    });
    const first = toAgentRecord({
      v: 1,
      type: 'snapshot',
      epoch: EPOCH,
      seq: 4,
      body: { ...body, chunk: 0 },
    });
    assert.ok(first.kind === 'record' && first.record.type === 'snapshot-chunk');
    assert.equal(first.record.chunk.last, false);
  });
  it('maps a delta’s removals to deletes, and keeps its digest only when it has one', () => {
    const body = { snapshotId: 'snap-1', upserts: [], removals: [deployment] };
    assert.deepEqual(toAgentRecord({ v: 1, type: 'delta', epoch: EPOCH, seq: 5, body }), {
      kind: 'record',
      record: {
        epoch: EPOCH,
        seq: 5,
        type: 'resource-delta',
        delta: { snapshotId: 'snap-1', upserts: [], deletes: [deployment] },
      },
    });
    const digest = `sha256:${'9f'.repeat(32)}`;
    const withDigest = toAgentRecord({
      v: 1,
      type: 'delta',
      epoch: EPOCH,
      seq: 5,
      body: { ...body, digest },
    });
    assert.ok(withDigest.kind === 'record' && withDigest.record.type === 'resource-delta');
    assert.equal(withDigest.record.delta.digest, digest);
  });
  it('maps a drift with fields to changed, and one with none to deleted (the object is gone)', () => {
    const fields = [{ path: '/spec/replicas', change: 'changed' as const, managers: ['kubectl-edit'] }];
    const at = '2024-05-01T12:05:00Z';
    const changed = toAgentRecord({
      v: 1,
      type: 'drift',
      epoch: EPOCH,
      seq: 6,
      body: { ref: deployment, fields, action: 'healed', at },
    });
    assert.deepEqual(changed, {
      kind: 'record',
      record: {
        epoch: EPOCH,
        seq: 6,
        type: 'drift',
        drift: { ref: deployment, kind: 'changed', fields, action: 'healed', at: new Date(at) },
      },
    });
    const gone = toAgentRecord({
      v: 1,
      type: 'drift',
      epoch: EPOCH,
      seq: 7,
      body: { ref: deployment, fields: [], action: 'reported', at },
    });
    assert.ok(gone.kind === 'record' && gone.record.type === 'drift');
    assert.equal(gone.record.drift.kind, 'deleted');
    assert.equal(gone.record.drift.action, 'reported');
  });
  it('maps an event', () => {
    const body = {
      reason: 'DriftHealed',
      type: 'Normal' as const,
      message: 'restored',
      at: '2024-05-01T12:05:01Z',
    };
    assert.deepEqual(toAgentRecord({ v: 1, type: 'event', epoch: EPOCH, seq: 8, body }), {
      kind: 'record',
      record: {
        epoch: EPOCH,
        seq: 8,
        type: 'event',
        event: { at: new Date(body.at), type: 'Normal', reason: 'DriftHealed', message: 'restored' },
      },
    });
  });
  it('takes a heartbeat as heard from, with no record (never stored, never acked on its own)', () => {
    assert.deepEqual(
      toAgentRecord({ v: 1, type: 'heartbeat', epoch: EPOCH, seq: 9, body: { at: '2024-05-01T12:00:00Z' } }),
      { kind: 'heard' },
    );
  });
  it('refuses a time it cannot read, naming the field, rather than store it', () => {
    const body = { reason: 'Synced', type: 'Normal' as const, message: 'x', at: 'yesterday' };
    assert.deepEqual(toAgentRecord({ v: 1, type: 'event', epoch: EPOCH, seq: 8, body }), {
      kind: 'invalid',
      path: 'body.at',
      reason: 'not a readable time: yesterday',
    });
  });
});
