import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterJson, DriftJson, EventJson, PageJson, ResourceJson, SyncJson } from './json.ts';
import {
  addEnrolledCluster,
  addPendingCluster,
  at,
  driftOf,
  errorOf,
  ref,
  resource,
  sync,
  testApp,
} from './test-app.ts';

describe('one cluster: detail, removal and a refresh hint', () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  addPendingCluster(t.store, 'pending');
  addEnrolledCluster(t.store, 'enrolled-connected', { heardAt: at(590) });
  addEnrolledCluster(t.store, 'enrolled-disconnected', { heardAt: at(590) });
  addPendingCluster(t.store, 'doomed');
  t.channel.connected.add('enrolled-connected');

  it('shows one cluster', async () => {
    const answer = await t.request('GET', '/api/v1/clusters/enrolled-connected', { token: t.viewerToken });
    assert.equal(answer.status, 200);
    const cluster = answer.json as ClusterJson;
    assert.equal(cluster.name, 'enrolled-connected');
    assert.equal(cluster.state, 'enrolled');
    assert.equal(cluster.connected, true);
    assert.equal(cluster.clusterUid, 'uid-enrolled-connected');
  });

  it('answers 404 for a cluster it does not know, and 400 for a name that cannot be one', async () => {
    const missing = await t.request('GET', '/api/v1/clusters/nowhere', { token: t.viewerToken });
    assert.equal(missing.status, 404);
    assert.deepEqual(errorOf(missing), { code: 'not-found', message: 'cluster nowhere not found' });
    const bad = await t.request('GET', '/api/v1/clusters/Not_A_Name', { token: t.viewerToken });
    assert.equal(bad.status, 400);
    assert.match(errorOf(bad).message, /^path parameter name: must be a DNS-1123 label/);
  });

  it('sends a refresh hint to a connected agent: 202, sent true', async () => {
    const answer = await t.request('POST', '/api/v1/clusters/enrolled-connected/refresh', {
      token: t.adminToken,
    });
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.json, { sent: true });
    assert.deepEqual(t.channel.refreshes.at(-1), {
      cluster: 'enrolled-connected',
      reason: 'asked for through the API by ann',
    });
  });

  it('answers 202, sent false, when the agent is not connected', async () => {
    for (const name of ['enrolled-disconnected', 'pending']) {
      const answer = await t.request('POST', `/api/v1/clusters/${name}/refresh`, { token: t.adminToken });
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.json, { sent: false });
    }
  });

  it('sends no hint for a cluster it does not know: 404', async () => {
    const before = t.channel.refreshes.length;
    const answer = await t.request('POST', '/api/v1/clusters/nowhere/refresh', { token: t.adminToken });
    assert.equal(answer.status, 404);
    assert.equal(t.channel.refreshes.length, before);
  });

  it('deletes a cluster: 204, then it is gone, and its agent is cut off', async () => {
    t.channel.connected.add('doomed');
    const answer = await t.request('DELETE', '/api/v1/clusters/doomed', { token: t.adminToken });
    assert.equal(answer.status, 204);
    assert.deepEqual(t.channel.disconnects, [
      { cluster: 'doomed', reason: 'the cluster was deleted from the hub' },
    ]);
    assert.equal(answer.text, '');
    assert.equal((await t.request('GET', '/api/v1/clusters/doomed', { token: t.adminToken })).status, 404);
    assert.equal((await t.request('DELETE', '/api/v1/clusters/doomed', { token: t.adminToken })).status, 404);
  });
});

describe("one cluster's resources, history, drift and events", () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  addPendingCluster(t.store, 'pending');
  addEnrolledCluster(t.store, 'enrolled-reporting', {
    heardAt: at(590),
    syncs: [
      sync('s1', at(100)),
      sync('s2', at(200), {
        result: 'failed',
        errors: [{ message: 'apply failed', step: 'apply', ref: ref('web') }],
      }),
      sync('s3', at(300)),
    ],
    resources: [
      resource('web'),
      resource('api', {
        health: { status: 'InProgress', message: '1 of 2 replicas updated' },
        drifted: true,
      }),
      resource('settings', { ref: ref('settings', 'ConfigMap', 'apps'), lastAction: undefined }),
      resource('worker', { ref: ref('worker', 'Deployment', 'jobs'), lastAction: 'created' }),
    ],
    drift: [driftOf(ref('api'), at(400)), { ...driftOf(ref('web'), at(410)), action: 'healed' }],
    events: [
      { at: at(420), type: 'Normal', reason: 'Synced', message: 'applied rev-s3' },
      { at: at(430), type: 'Warning', reason: 'Drift', message: 'Deployment/apps/api drifted' },
    ],
  });

  const get = async <T>(path: string): Promise<T> => {
    const answer = await t.request('GET', `/api/v1/clusters/${path}`, { token: t.viewerToken });
    assert.equal(answer.status, 200, answer.text);
    return answer.json as T;
  };
  const resourceNames = async (query: string): Promise<string[]> =>
    (await get<PageJson<ResourceJson>>(`enrolled-reporting/resources${query}`)).items.map((r) => r.ref.name);

  it('lists resources in key order with health, last action and drift; never a manifest', async () => {
    const page = await get<PageJson<ResourceJson>>('enrolled-reporting/resources');
    assert.deepEqual(page.items[0], {
      ref: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'settings' },
      health: { status: 'Current', message: 'available' },
      lastAction: null,
      drifted: false,
    });
    assert.deepEqual(
      page.items.map((r) => r.ref.name),
      ['settings', 'api', 'web', 'worker'],
    );
  });

  it('filters resources by kind, namespace, health and drift', async () => {
    assert.deepEqual(await resourceNames('?kind=Deployment'), ['api', 'web', 'worker']);
    assert.deepEqual(await resourceNames('?namespace=jobs'), ['worker']);
    assert.deepEqual(await resourceNames('?health=InProgress'), ['api']);
    assert.deepEqual(await resourceNames('?drifted=true'), ['api']);
    assert.deepEqual(await resourceNames('?drifted=false&kind=Deployment'), ['web', 'worker']);
  });

  it('pages resources with a cursor', async () => {
    const first = await get<PageJson<ResourceJson>>('enrolled-reporting/resources?limit=3');
    assert.equal(first.items.length, 3);
    assert.ok(first.next !== undefined);
    const second = await get<PageJson<ResourceJson>>(
      `enrolled-reporting/resources?limit=3&after=${first.next}`,
    );
    assert.deepEqual(
      second.items.map((r) => r.ref.name),
      ['worker'],
    );
    assert.equal(second.next, undefined);
  });

  it('shows the sync history newest first, paged with after=', async () => {
    const first = await get<PageJson<SyncJson>>('enrolled-reporting/history?limit=2');
    assert.deepEqual(
      first.items.map((s) => s.syncId),
      ['s3', 's2'],
    );
    assert.deepEqual(first.items[1], {
      syncId: 's2',
      revision: 'rev-s2',
      commitTime: at(195).toISOString(),
      startedAt: at(200).toISOString(),
      durationMs: 1200,
      result: 'failed',
      health: { status: 'Current', message: 'all objects current' },
      counts: { unchanged: 3 },
      errors: [{ message: 'apply failed', step: 'apply', ref: ref('web') }],
    });
    const second = await get<PageJson<SyncJson>>(
      `enrolled-reporting/history?limit=2&after=${first.next ?? ''}`,
    );
    assert.deepEqual(
      second.items.map((s) => s.syncId),
      ['s1'],
    );
    assert.equal(second.next, undefined);
  });

  it('shows drift and events newest first, bounded by limit', async () => {
    const drift = await get<{ items: DriftJson[] }>('enrolled-reporting/drift');
    assert.deepEqual(drift.items[0], {
      ref: ref('web'),
      kind: 'changed',
      fields: [{ path: 'spec.replicas', change: 'changed', managers: ['kubectl-edit'] }],
      action: 'healed',
      at: at(410).toISOString(),
    });
    assert.equal(drift.items.length, 2);
    assert.equal((await get<{ items: DriftJson[] }>('enrolled-reporting/drift?limit=1')).items.length, 1);
    const events = await get<{ items: EventJson[] }>('enrolled-reporting/events?limit=1');
    assert.deepEqual(events.items, [
      { at: at(430).toISOString(), type: 'Warning', reason: 'Drift', message: 'Deployment/apps/api drifted' },
    ]);
  });

  it('answers empty listings for a cluster that has reported nothing', async () => {
    for (const path of ['resources', 'history', 'drift', 'events']) {
      assert.deepEqual(await get(`pending/${path}`), { items: [] });
    }
  });

  it('answers 404 for the records of a cluster it does not know', async () => {
    for (const path of ['resources', 'history', 'drift', 'events']) {
      const answer = await t.request('GET', `/api/v1/clusters/nowhere/${path}`, { token: t.viewerToken });
      assert.equal(answer.status, 404, path);
      assert.equal(errorOf(answer).message, 'cluster nowhere not found');
    }
  });

  it('refuses bad query parameters, naming each', async () => {
    const cases = [
      ['resources?drifted=maybe', 'query parameter drifted: must be one of true, false'],
      ['resources?health=Green', /^query parameter health: must be one of Current/],
      ['resources?kind=', 'query parameter kind: must not be empty'],
      ['resources?after=x', 'query parameter after: is not valid for this listing'],
      ['history?limit=1000', 'query parameter limit: must be an integer from 1 to 500'],
      ['history?kind=Deployment', 'query parameter kind: is not one this route takes'],
      ['drift?after=x', 'query parameter after: is not one this route takes'],
      ['events?limit=-1', 'query parameter limit: must be an integer from 1 to 500'],
    ] as const;
    for (const [path, message] of cases) {
      const answer = await t.request('GET', `/api/v1/clusters/enrolled-reporting/${path}`, {
        token: t.viewerToken,
      });
      assert.equal(answer.status, 400, path);
      if (typeof message === 'string') assert.equal(errorOf(answer).message, message);
      else assert.match(errorOf(answer).message, message);
    }
  });
});
