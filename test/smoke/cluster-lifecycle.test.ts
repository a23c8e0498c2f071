// The harness's cluster lifecycle on real processes: clusters are isolated from each other, one can be
// destroyed (its etcd prefix purged) and re-added while another keeps serving, and an API server
// restart keeps the cluster's data.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { countPrefix } from '../harness/src/etcd.ts';
import { isAlive } from '../harness/src/process.ts';
import { freshNamespace, Harness, KubeHttp, type FreshNamespace } from '../harness/src/index.ts';

// This file owns the cluster it destroys; c1 is the one that must keep running.
const SCRATCH = 'lifecycle';

describe('harness cluster lifecycle', () => {
  const harness = Harness.fromEnv();
  const steady = harness.kube('c1');
  let steadyNs: FreshNamespace;

  before(async () => {
    steadyNs = await freshNamespace(steady, 'steady');
  });
  after(async () => {
    await steadyNs.remove();
    await steady.close();
    if (harness.state().clusters[SCRATCH] !== undefined) await harness.destroyCluster(SCRATCH);
  });

  it("keeps clusters apart: one cluster's admin token is refused by another", async () => {
    const other = harness.cluster('c2');
    const c1 = harness.cluster('c1');
    const crossed = new KubeHttp({
      server: other.server,
      ca: readFileSync(other.caFile, 'utf8'),
      token: c1.token,
    });
    try {
      const answer = await crossed.raw('GET', '/api/v1/namespaces');
      assert.equal(answer.status, 401);
      const list = await harness.kubectl('c2', [
        'get',
        'namespace',
        steadyNs.name,
        '--ignore-not-found',
        '-o',
        'name',
      ]);
      assert.equal(list.trim(), '', 'a namespace of c1 is invisible in c2');
    } finally {
      await crossed.close();
    }
  });

  it('destroys and re-adds a cluster while another keeps running', async () => {
    const first = await harness.addCluster(SCRATCH);
    await harness.kubectl(SCRATCH, ['create', 'namespace', 'before-destroy']);
    const etcd = harness.state().etcd;
    assert.ok(etcd);
    assert.ok((await countPrefix(etcd.url, first.etcdPrefix)) > 0, 'the cluster wrote under its prefix');

    await harness.destroyCluster(SCRATCH);
    assert.equal(isAlive(first.apiserver.pid), false, 'its kube-apiserver is stopped');
    assert.equal(isAlive(first.controllerManager?.pid ?? -1), false, 'its controller-manager is stopped');
    assert.equal(await countPrefix(etcd.url, first.etcdPrefix), 0, 'its etcd prefix is purged');
    // c1 never noticed.
    const stillThere = await harness.kubectl('c1', [
      'get',
      'namespace',
      steadyNs.name,
      '-o',
      'jsonpath={.status.phase}',
    ]);
    assert.equal(stillThere, 'Active');

    const second = await harness.addCluster(SCRATCH);
    assert.notEqual(second.etcdPrefix, first.etcdPrefix);
    const old = await harness.kubectl(SCRATCH, [
      'get',
      'namespace',
      'before-destroy',
      '--ignore-not-found',
      '-o',
      'name',
    ]);
    assert.equal(old.trim(), '', 'the re-added cluster starts empty');
  });

  it('restarts an API server on the same port, keeping its data', async () => {
    const before = harness.cluster(SCRATCH);
    await harness.kubectl(SCRATCH, ['create', 'namespace', 'survives-restart']);
    const after = await harness.restartApiServer(SCRATCH);
    assert.notEqual(after.apiserver.pid, before.apiserver.pid);
    assert.equal(isAlive(before.apiserver.pid), false);
    assert.equal(after.server, before.server);
    const phase = await harness.kubectl(SCRATCH, [
      'get',
      'namespace',
      'survives-restart',
      '-o',
      'jsonpath={.status.phase}',
    ]);
    assert.equal(phase, 'Active');
  });
});
