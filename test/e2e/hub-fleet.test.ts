// The hub end to end with two clusters enrolled from its install manifests (see hub-fleet-fixture.ts):
// both show Ready with the revision in Git; the one-time token works once; the fleet API lists and
// filters; a refresh hint makes an agent fetch at once; with the hub stopped the agents keep syncing
// and the restarted hub catches up with no duplicate history; a restarted agent's new epoch is
// accepted; one cluster's credential presented by the other is refused and shown. The hub serves
// HTTPS with a certificate from a CA of its own: the agents connect over wss:// trusting that CA. Syncs are asked for
// with the hub's refresh hint or the GitSync's requested-at annotation (the manifests' interval is 60 s).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, waitFor } from '../harness/src/index.ts';
import { AGENT_NS } from './agent-lifecycle-cluster.ts';
import { configMap } from './agent-lifecycle-fixtures.ts';
import { HubFleet, type ClusterJson, type Page, type SyncJson } from './hub-fleet-fixture.ts';

const harness = Harness.fromEnv();

const NAMES = ['hub-a', 'hub-b'] as const;
type Name = (typeof NAMES)[number];

describe('the hub with two clusters enrolled from its install manifests', { concurrency: 1 }, () => {
  let started: HubFleet | undefined;
  const fleet = (): HubFleet => {
    assert.ok(started !== undefined, 'the fleet is up');
    return started;
  };
  const hub = () => fleet().hub;
  const on = (name: Name) => fleet().on(name);
  const cluster = (name: Name) => fleet().cluster(name);
  const head = (name: Name) => fleet().head(name);
  const waitApplied = (name: Name, sha: string, what: string) => fleet().waitApplied(name, sha, what);

  before(async () => {
    // Over HTTPS with a CA of the hub's own: the agents reach it at wss:// and trust only that CA,
    // which the install manifests carry.
    started = await HubFleet.start(harness, NAMES, { tls: true });
  });

  after(async () => {
    await started?.destroy();
  });

  it('enrolls both clusters: the hub shows each Ready with the revision in Git, as kubectl does', async () => {
    for (const name of NAMES) {
      const sha = await head(name);
      const view = await waitApplied(name, sha, `${name} enrolled and applied`);
      assert.equal(view.state, 'enrolled');
      assert.equal(view.stale, false);
      const uid = (
        await on(name).kubectl(['get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}'])
      ).trim();
      assert.equal(view.clusterUid, uid, 'the cluster UID is the kube-system namespace UID');
      const gitSync = await on(name).waitReady('True', `${name} Ready`, sha);
      assert.equal(gitSync.status?.lastAppliedRevision?.endsWith(sha), true);
      const credential = await fleet().credential(name);
      assert.ok(credential.length > 0, 'the agent stored its credential in ferry-agent-credential');
      const [agent] = on(name).agents;
      assert.ok(agent !== undefined);
      const configured = on(name)
        .log(agent)
        .find((entry) => entry.msg === 'hub configured');
      assert.equal(configured?.hub, hub().url, 'the hub URL from the manifest, https://');
      assert.equal(configured.customCa, true, 'the CA from the manifest, and only it, is trusted');
    }
  });

  it('refuses a one-time token the second time, naming why', async () => {
    const answer = await hub().api<{ error: { code: string; reason: string } }>('POST', '/api/v1/enroll', {
      body: { token: fleet().tokens.get('hub-a'), credentialDigest: 'a'.repeat(64) },
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, 'enrollment-refused');
    assert.equal(answer.body.error.reason, 'used');
    const install = await hub().fetch('GET', `/install/${String(fleet().tokens.get('hub-a'))}`);
    assert.equal(install.status, 404, 'the install manifest of a used token is gone');
  });

  it('lists the fleet with filters and a summary', async () => {
    const prod = await hub().expect<Page<ClusterJson>>(200, 'GET', '/api/v1/clusters?selector=env=prod');
    assert.deepEqual(
      prod.items.map((item) => item.name),
      ['hub-a'],
    );
    const all = await hub().expect<Page<ClusterJson>>(
      200,
      'GET',
      '/api/v1/clusters?selector=fleet=e2e&limit=1',
    );
    assert.equal(all.items.length, 1);
    assert.ok(all.next !== undefined, 'a cursor to the second page');
    const second = await hub().expect<Page<ClusterJson>>(
      200,
      'GET',
      `/api/v1/clusters?selector=fleet=e2e&limit=1&after=${encodeURIComponent(all.next)}`,
    );
    assert.deepEqual([...all.items, ...second.items].map((item) => item.name).sort(), [...NAMES]);
    const summary = await hub().expect<{ total: number; stale: number; connected: number }>(
      200,
      'GET',
      '/api/v1/summary',
    );
    assert.equal(summary.total, 2);
    assert.equal(summary.stale, 0);
    assert.equal(summary.connected, 2);
    const resources = await hub().expect<
      Page<{ ref: { kind: string; name: string }; health: { status: string } }>
    >(200, 'GET', '/api/v1/clusters/hub-a/resources?kind=Deployment');
    assert.deepEqual(
      resources.items.map((item) => [item.ref.kind, item.ref.name, item.health.status]),
      [['Deployment', 'web', 'Current']],
    );
  });

  it('a refresh hint from the hub makes the agent fetch a new commit at once', async () => {
    const sha = await on('hub-a').commit({ 'settings.yaml': configMap('hub-a-apps', 'settings', 'two') });
    const answer = await hub().expect<{ sent: boolean }>(202, 'POST', '/api/v1/clusters/hub-a/refresh');
    assert.equal(answer.sent, true);
    await waitApplied('hub-a', sha, 'hub-a applied the commit after the hint');
  });

  it('while the hub is stopped the agents keep syncing Git; restarted, it holds the current state with no duplicate history', async () => {
    await hub().stop();
    const shas = new Map<Name, string>();
    for (const name of NAMES) {
      shas.set(
        name,
        await on(name).commit({ 'settings.yaml': configMap(`${name}-apps`, 'settings', 'offline') }),
      );
      await on(name).requestSync();
    }
    for (const name of NAMES)
      await on(name).waitReady('True', `${name} synced without the hub`, shas.get(name));
    await hub().startAgain();
    for (const name of NAMES) {
      const sha = shas.get(name) ?? '';
      await waitApplied(name, sha, `${name} caught up on the restarted hub`);
      const history = await hub().expect<Page<SyncJson>>(
        200,
        'GET',
        `/api/v1/clusters/${name}/history?limit=100`,
      );
      const ids = history.items.map((item) => item.syncId);
      assert.equal(new Set(ids).size, ids.length, `no duplicate history rows: ${ids.join(', ')}`);
      assert.ok(
        (history.items[0]?.revision ?? '').endsWith(sha),
        'the newest sync is the one made while the hub was away',
      );
    }
  });

  it('keeps the stored credential when the served manifest is applied again', async () => {
    const fixture = on('hub-b');
    const read = (): Promise<string> => fleet().credential('hub-b');
    const before = await read();
    assert.notEqual(before, '');
    const manifest = fleet().manifests.get('hub-b');
    assert.ok(manifest !== undefined);
    await fixture.kubectl(['apply', '-f', '-'], manifest);
    assert.equal(await read(), before, 'the credential the agent stored is still there');
  });

  it('accepts a restarted agent’s new epoch (with the credential it stored, the one-time token long used)', async () => {
    const fixture = on('hub-b');
    const [first] = fixture.agents;
    assert.ok(first !== undefined);
    await first.stop();
    await fixture.startAgent();
    const sha = await fixture.commit({ 'settings.yaml': configMap('hub-b-apps', 'settings', 'new-epoch') });
    await hub().expect(202, 'POST', '/api/v1/clusters/hub-b/refresh');
    await waitApplied('hub-b', sha, 'the new agent process reported on its new epoch');
  });

  it('refuses cluster A’s credential presented by cluster B’s agent, and shows the refusal on A', async () => {
    const read = (name: Name): Promise<string> => fleet().credential(name);
    const credentialA = await read('hub-a');
    const credentialB = await read('hub-b');
    const patch = (value: string) => JSON.stringify({ data: { credential: value } });
    const fixture = on('hub-b');
    await Promise.all(fixture.agents.map((agent) => agent.stop()));
    await fixture.kubectl([
      '-n',
      AGENT_NS,
      'patch',
      'secret',
      'ferry-agent-credential',
      '-p',
      patch(credentialA),
    ]);
    const impostor = await fixture.startAgent();
    try {
      await waitFor(
        async () => {
          const view = await cluster('hub-a');
          return view.refusal !== null ? view : undefined;
        },
        {
          what: 'the hub to record the refusal on hub-a',
          timeoutMs: 60_000,
          intervalMs: 250,
          onTimeout: () => ({ logTail: hub().logTail() }),
        },
      );
      await fixture.waitLog(impostor, /refused|forbidden/i, 'the agent to log that the hub refused it');
    } finally {
      await impostor.stop();
      await fixture.kubectl([
        '-n',
        AGENT_NS,
        'patch',
        'secret',
        'ferry-agent-credential',
        '-p',
        patch(credentialB),
      ]);
    }
    await fixture.startAgent();
    await waitFor(async () => ((await cluster('hub-b')).connected ? true : undefined), {
      what: 'hub-b back with its own credential',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
  });
});
