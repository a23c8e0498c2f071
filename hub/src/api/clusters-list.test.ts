import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterJson, PageJson } from './json.ts';
import {
  addEnrolledCluster,
  addPendingCluster,
  at,
  errorOf,
  sync,
  T0,
  testApp,
  type TestApp,
} from './test-app.ts';

/** The fleet at at(600), ten minutes after the hub started; stale = not heard from since at(540). */
function fleet(t: TestApp): void {
  addPendingCluster(t.store, 'pending-prod', { env: 'prod' });
  addEnrolledCluster(t.store, 'enrolled-current', {
    labels: { env: 'prod', team: 'a' },
    heardAt: at(590),
    syncs: [sync('s1', at(500))],
  });
  addEnrolledCluster(t.store, 'enrolled-failed', {
    labels: { env: 'dev' },
    heardAt: at(590),
    syncs: [sync('s1', at(500), { result: 'failed', health: { status: 'Failed', message: 'Job failed' } })],
  });
  addEnrolledCluster(t.store, 'enrolled-no-sync', { labels: { env: 'dev' }, heardAt: at(590) });
  addEnrolledCluster(t.store, 'enrolled-stale', {
    labels: { env: 'prod' },
    heardAt: at(100),
    syncs: [sync('s1', at(90))],
  });
  t.channel.connected.add('enrolled-current');
}

const ALL = ['enrolled-current', 'enrolled-failed', 'enrolled-no-sync', 'enrolled-stale', 'pending-prod'];

describe('listing the fleet', () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  fleet(t);

  const list = async (query: string): Promise<PageJson<ClusterJson>> => {
    const answer = await t.request('GET', `/api/v1/clusters${query}`, { token: t.viewerToken });
    assert.equal(answer.status, 200, answer.text);
    return answer.json as PageJson<ClusterJson>;
  };
  const names = async (query: string): Promise<string[]> => (await list(query)).items.map((c) => c.name);
  const invalid = async (query: string): Promise<string> => {
    const answer = await t.request('GET', `/api/v1/clusters${query}`, { token: t.viewerToken });
    assert.equal(answer.status, 400, answer.text);
    const error = errorOf(answer);
    assert.equal(error.code, 'invalid');
    return error.message;
  };

  it('lists every cluster by name, with no next cursor when all fit', async () => {
    const page = await list('');
    assert.deepEqual(
      page.items.map((c) => c.name),
      ALL,
    );
    assert.equal(page.next, undefined);
  });

  it('shows a cluster with its source, state, sync, health, lag and whether it is connected or stale', async () => {
    const [current] = (await list('?selector=team=a')).items;
    assert.deepEqual(current, {
      name: 'enrolled-current',
      labels: { env: 'prod', team: 'a' },
      source: {
        repo: 'https://git.example/fleet.git',
        ref: 'main',
        path: 'clusters/enrolled-current',
        credentialsSecret: null,
      },
      targetNamespace: '',
      state: 'enrolled',
      connected: true,
      stale: false,
      lastHeardAt: at(590).toISOString(),
      clusterUid: 'uid-enrolled-current',
      agentVersion: '0.1.0',
      kubernetesVersion: 'v1.30.2',
      createdAt: T0.toISOString(),
      enrolledAt: at(590).toISOString(),
      health: { status: 'Current', message: 'all objects current' },
      sync: {
        syncId: 's1',
        result: 'applied',
        revision: 'rev-s1',
        commitTime: at(495).toISOString(),
        startedAt: at(500).toISOString(),
        appliedRevision: 'rev-s1',
        lastAppliedAt: at(501.2).toISOString(),
        lagSeconds: 6.2,
      },
      refusal: null,
      readiness: null,
      recovery: null,
    });
  });

  it('shows a pending cluster with nulls for what it has not reported, never stale', async () => {
    const [pending] = (await list('?state=pending')).items;
    assert.equal(pending?.name, 'pending-prod');
    assert.equal(pending.stale, false);
    assert.equal(pending.connected, false);
    assert.equal(pending.lastHeardAt, null);
    assert.equal(pending.health, null);
    assert.equal(pending.sync, null);
    assert.equal(pending.enrolledAt, null);
  });

  it('shows no lag for a cluster whose latest sync failed', async () => {
    const [failed] = (await list('?sync=failed')).items;
    assert.equal(failed?.sync?.lagSeconds, null);
    assert.equal(failed.sync.appliedRevision, null);
  });

  it('pages by name with a cursor, the filters kept on every page', async () => {
    const first = await list('?limit=2');
    assert.deepEqual(
      first.items.map((c) => c.name),
      ['enrolled-current', 'enrolled-failed'],
    );
    assert.ok(first.next !== undefined);
    const second = await list(`?limit=2&after=${first.next}`);
    assert.deepEqual(
      second.items.map((c) => c.name),
      ['enrolled-no-sync', 'enrolled-stale'],
    );
    const third = await list(`?limit=2&after=${second.next ?? ''}`);
    assert.deepEqual(
      third.items.map((c) => c.name),
      ['pending-prod'],
    );
    assert.equal(third.next, undefined);

    const prod = await list('?selector=env=prod&limit=1');
    assert.deepEqual(await names(`?selector=env=prod&limit=5&after=${prod.next ?? ''}`), [
      'enrolled-stale',
      'pending-prod',
    ]);
  });

  it('filters by label selector, all pairs matching', async () => {
    assert.deepEqual(await names('?selector=env=prod'), [
      'enrolled-current',
      'enrolled-stale',
      'pending-prod',
    ]);
    assert.deepEqual(await names('?selector=env=prod,team=a'), ['enrolled-current']);
    assert.deepEqual(await names('?selector=env=prod,team=b'), []);
  });

  it('filters by health, sync result and state', async () => {
    assert.deepEqual(await names('?health=Failed'), ['enrolled-failed']);
    assert.deepEqual(await names('?health=Current'), ['enrolled-current', 'enrolled-stale']);
    assert.deepEqual(await names('?sync=applied'), ['enrolled-current', 'enrolled-stale']);
    assert.deepEqual(await names('?state=enrolled&sync=failed'), ['enrolled-failed']);
    assert.deepEqual(await names('?state=recovering'), []);
  });

  it('filters the stale (heard from, not for staleAfterMs) and the others', async () => {
    assert.deepEqual(await names('?stale=true'), ['enrolled-stale']);
    assert.deepEqual(await names('?stale=false'), [
      'enrolled-current',
      'enrolled-failed',
      'enrolled-no-sync',
      'pending-prod',
    ]);
    assert.deepEqual(await names('?stale=true&selector=env=dev'), []);
    const [stale] = (await list('?stale=true')).items;
    assert.equal(stale?.stale, true);
    assert.equal(stale.lastHeardAt, at(100).toISOString());
    assert.equal(stale.health?.status, 'Current');
  });

  it('refuses bad query parameters, naming each', async () => {
    assert.equal(await invalid('?limit=0'), 'query parameter limit: must be an integer from 1 to 500');
    assert.equal(await invalid('?limit=501'), 'query parameter limit: must be an integer from 1 to 500');
    assert.equal(await invalid('?limit=ten'), 'query parameter limit: must be an integer from 1 to 500');
    assert.equal(
      await invalid('?health=Sick'),
      'query parameter health: must be one of Current, InProgress, Failed, Terminating, Unknown',
    );
    assert.equal(
      await invalid('?sync=done'),
      'query parameter sync: must be one of applied, failed, prune-blocked',
    );
    assert.equal(
      await invalid('?state=lost'),
      'query parameter state: must be one of pending, enrolled, recovering',
    );
    assert.equal(await invalid('?stale=yes'), 'query parameter stale: must be one of true, false');
    assert.match(await invalid('?selector=env'), /^query parameter selector: "env" is not key=value/);
    assert.match(await invalid('?selector=env=-x'), /^query parameter selector: "env=-x": must be empty or/);
    assert.equal(await invalid('?helth=Failed'), 'query parameter helth: is not one this route takes');
    assert.equal(
      await invalid('?after=bm90LWEtY3Vyc29y'),
      'query parameter after: is not valid for this listing',
    );
    assert.equal(
      await invalid('?limit=0&state=lost'),
      'query parameter state: must be one of pending, enrolled, recovering; ' +
        'query parameter limit: must be an integer from 1 to 500',
    );
  });

  it('counts the fleet, the stale and the connected', async () => {
    const answer = await t.request('GET', '/api/v1/summary', { token: t.viewerToken });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {
      total: 5,
      byState: { pending: 1, enrolled: 4, recovering: 0 },
      byHealth: { Current: 2, InProgress: 0, Failed: 1, Terminating: 0, Unknown: 0, none: 2 },
      bySync: { applied: 2, failed: 1, 'prune-blocked': 0, none: 2 },
      stale: 1,
      connected: 1,
    });
  });
});

describe('the grace period after the hub starts', () => {
  // The hub started at T0 and it is now 30 s later: it has not heard from anyone yet.
  const t = testApp({ now: at(30) });
  after(t.cleanup);
  addPendingCluster(t.store, 'pending-new');
  addEnrolledCluster(t.store, 'enrolled-heard-before-start', {
    heardAt: at(-3600),
    syncs: [sync('s1', at(-3700))],
  });

  it('calls no cluster stale, however long ago it was heard from', async () => {
    const all = await t.request('GET', '/api/v1/clusters', { token: t.viewerToken });
    const items = (all.json as PageJson<ClusterJson>).items;
    assert.deepEqual(
      items.map((c) => [c.name, c.stale, c.lastHeardAt]),
      [
        ['enrolled-heard-before-start', false, at(-3600).toISOString()],
        ['pending-new', false, null],
      ],
    );
    const stale = await t.request('GET', '/api/v1/clusters?stale=true', { token: t.viewerToken });
    assert.deepEqual(stale.json, { items: [] });
    const fresh = await t.request('GET', '/api/v1/clusters?stale=false', { token: t.viewerToken });
    assert.equal((fresh.json as PageJson<ClusterJson>).items.length, 2);
    const summary = await t.request('GET', '/api/v1/summary', { token: t.viewerToken });
    assert.equal((summary.json as { stale: number }).stale, 0);
  });

  it('calls the silent cluster stale once the grace period is over', async () => {
    t.setNow(at(60));
    const stale = await t.request('GET', '/api/v1/clusters?stale=true', { token: t.viewerToken });
    assert.deepEqual(
      (stale.json as PageJson<ClusterJson>).items.map((c) => [c.name, c.stale]),
      [['enrolled-heard-before-start', true]],
    );
    const summary = await t.request('GET', '/api/v1/summary', { token: t.viewerToken });
    assert.equal((summary.json as { stale: number }).stale, 1);
  });
});
