import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EnrollmentJson } from './enrollment-token.ts';
import type { ClusterJson } from './json.ts';
import { addEnrolledCluster, addPendingCluster, at, errorOf, resource, sync, testApp } from './test-app.ts';

interface RecoverJson {
  readonly cluster: ClusterJson;
  readonly enrollment: EnrollmentJson;
  readonly recovery: {
    readonly started: boolean;
    readonly revokedCredentials: number;
    readonly expectedObjects: number;
    readonly recordedRevision: string | null;
  };
}

describe('POST /api/v1/clusters/:name/recover', () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  addEnrolledCluster(t.store, 'lost', {
    heardAt: at(500),
    syncs: [sync('s1', at(400))],
    resources: [resource('web'), resource('api')],
  });
  addPendingCluster(t.store, 'never-synced');
  t.channel.connected.add('lost');

  it('is for admins only', async () => {
    const answer = await t.request('POST', '/api/v1/clusters/lost/recover', { token: t.viewerToken });
    assert.equal(answer.status, 403);
    assert.equal(t.store.getCluster('lost')?.state, 'enrolled');
  });

  it('revokes the credential, cuts the agent off, records the target and issues an install manifest', async () => {
    const answer = await t.request('POST', '/api/v1/clusters/lost/recover', { token: t.adminToken });
    assert.equal(answer.status, 201);
    const body = answer.json as RecoverJson;
    assert.deepEqual(body.recovery, {
      started: true,
      revokedCredentials: 1,
      expectedObjects: 2,
      recordedRevision: 'rev-s1',
    });
    assert.equal(body.cluster.state, 'recovering');
    assert.deepEqual(body.cluster.recovery, {
      status: 'recovering',
      startedAt: at(600).toISOString(),
      finishedAt: null,
      durationSeconds: null,
      expectedObjects: 2,
      objectsBack: 2,
      recordedRevision: 'rev-s1',
    });
    assert.equal(body.enrollment.installUrl, `https://hub.example.com:8443/install/${body.enrollment.token}`);
    assert.deepEqual(t.channel.disconnects.at(-1), {
      cluster: 'lost',
      reason: 'the cluster is being recovered: its credential was revoked',
    });
    const manifest = await t.request('GET', `/install/${body.enrollment.token}`);
    assert.equal(manifest.status, 200);
    assert.match(manifest.text, /^cluster: lost$/m);
  });

  it('keeps the first target when asked again, with a new token that stops the first', async () => {
    const first = await t.request('GET', '/api/v1/clusters/lost', { token: t.viewerToken });
    const again = await t.request('POST', '/api/v1/clusters/lost/recover', { token: t.adminToken });
    assert.equal(again.status, 201);
    const body = again.json as RecoverJson;
    assert.equal(body.recovery.started, false);
    assert.equal(body.recovery.expectedObjects, 2);
    assert.equal(body.cluster.recovery?.startedAt, (first.json as ClusterJson).recovery?.startedAt);
  });

  it('recovers a cluster that never synced, with nothing recorded', async () => {
    const answer = await t.request('POST', '/api/v1/clusters/never-synced/recover', { token: t.adminToken });
    assert.equal(answer.status, 201);
    assert.deepEqual((answer.json as RecoverJson).recovery, {
      started: true,
      revokedCredentials: 0,
      expectedObjects: 0,
      recordedRevision: null,
    });
  });

  it('answers 404 for a cluster it does not know', async () => {
    const answer = await t.request('POST', '/api/v1/clusters/nowhere/recover', { token: t.adminToken });
    assert.equal(answer.status, 404);
    assert.deepEqual(errorOf(answer), { code: 'not-found', message: 'cluster nowhere not found' });
  });
});
