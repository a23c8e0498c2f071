import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterJson, ReadinessJson } from './json.ts';
import { addEnrolledCluster, at, ref, testApp } from './test-app.ts';

describe('DR readiness in the API', () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  addEnrolledCluster(t.store, 'reported', { heardAt: at(590) });
  addEnrolledCluster(t.store, 'silent', { heardAt: at(590) });
  t.store.applyAgentBatch(
    'reported',
    [
      {
        epoch: 'epoch-reported',
        seq: 100,
        type: 'readiness',
        readiness: {
          scannedAt: at(500),
          rebuildable: 40,
          total: 43,
          notInGit: { count: 2, items: [ref('hand-made', 'ConfigMap'), ref('stray', 'ConfigMap')] },
          data: { count: 1, items: [ref('data-db-0', 'PersistentVolumeClaim')] },
          unknownKinds: ['Certificate.cert-manager.io/v1'],
        },
      },
    ],
    at(500),
  );

  it('shows the counts on the cluster, and null before a report', async () => {
    const reported = (await t.request('GET', '/api/v1/clusters/reported', { token: t.viewerToken }))
      .json as ClusterJson;
    assert.deepEqual(reported.readiness, { rebuildable: 40, total: 43, scannedAt: at(500).toISOString() });
    const silent = (await t.request('GET', '/api/v1/clusters/silent', { token: t.viewerToken }))
      .json as ClusterJson;
    assert.equal(silent.readiness, null);
  });

  it('lists what Git cannot rebuild', async () => {
    const answer = await t.request('GET', '/api/v1/clusters/reported/readiness', { token: t.viewerToken });
    assert.equal(answer.status, 200);
    const { readiness } = answer.json as { readiness: ReadinessJson };
    assert.equal(readiness.notInGit.count, 2);
    assert.deepEqual(
      readiness.notInGit.items.map((item) => item.name),
      ['hand-made', 'stray'],
    );
    assert.equal(readiness.data.items[0]?.kind, 'PersistentVolumeClaim');
    assert.deepEqual(readiness.unknownKinds, ['Certificate.cert-manager.io/v1']);
    const none = await t.request('GET', '/api/v1/clusters/silent/readiness', { token: t.viewerToken });
    assert.deepEqual(none.json, { readiness: null });
    const missing = await t.request('GET', '/api/v1/clusters/nowhere/readiness', { token: t.viewerToken });
    assert.equal(missing.status, 404);
  });
});
