// The agent's lifecycle end to end, each part on a fresh harness cluster of its own (the CRD and the
// ClusterRoles are cluster-scoped): the namespace-scoped RBAC profile; deleting the GitSync and then
// uninstalling, which leave what the agent applied in place; SIGTERM during a sync; Lease failover after
// a SIGKILL. Agents are started from the installed Deployment by the in-cluster runner (see
// agent-lifecycle-cluster.ts), so each runs with the Deployment's ServiceAccount, args and RBAC. The
// simulated kubelet, started per namespace, is the harness's one simulation: it makes the Pods of the
// Deployments there ready; where it does not run, Pods stay Pending and Deployments never available.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, waitFor, type InClusterProcess } from '../harness/src/index.ts';
import { AGENT_NS, AgentCluster, type AgentClusterOptions } from './agent-lifecycle-cluster.ts';
import { condition, configMap, deployment, leaseTime, liveValue } from './agent-lifecycle-fixtures.ts';
import { interruptSync, type Interrupted } from './agent-lifecycle-stop.ts';
import { REPO_ROOT } from './ferry-agent.ts';

const harness = Harness.fromEnv();

/** Installs a cluster before the suite's tests and removes it after them; answers it. */
function installed(options: AgentClusterOptions, ready?: (fixture: AgentCluster) => Promise<void>) {
  let fixture: AgentCluster | undefined;
  before(async () => {
    fixture = await AgentCluster.install(harness, options);
    await ready?.(fixture);
  });
  after(() => fixture?.destroy());
  return (): AgentCluster => {
    assert.ok(fixture !== undefined, `${options.cluster} is installed`);
    return fixture;
  };
}

/** Starts the first agent and waits for its first sync; answers it. */
async function firstAgent(fixture: AgentCluster): Promise<InClusterProcess> {
  const agent = await fixture.startAgent();
  await fixture.waitReady('True', 'the first sync', await harness.repos().head(fixture.repo, 'main'));
  return agent;
}

/** Checks a SIGTERM while a sync waited for health (interruptSync): exit 0 in time, the log, the Lease. */
async function assertStoppedCleanly(fixture: AgentCluster, result: Interrupted): Promise<void> {
  const grace = await fixture.gracePeriodMs();
  assert.equal(result.code, 0, `exit code 0 (null: killed after the ${grace / 1000} s grace period)`);
  assert.ok(result.elapsedMs < grace, `exited after ${result.elapsedMs} ms`);
  const said = result.afterSigterm.map((entry) => entry.msg);
  assert.ok(
    said.some((msg) => /^sync (done|failed|stopped before health was judged)/.test(msg)),
    `the log after SIGTERM says what became of the sync: ${said.join(' | ')}`,
  );
  assert.equal(said.at(-1), 'agent stopped');
  assert.equal(result.holderAfterExit, undefined, 'the Lease was given up');
  assert.ok(fixture.log(result.next).some((entry) => entry.msg === 'sync started'));
}

// The parts side by side, each on its own cluster (the file must end within the runner's per-file
// timeout); the tests of each part run one after the other.
describe('the agent’s lifecycle', { concurrency: 3 }, () => {
  describe('the namespace-scoped profile (deploy/agent/namespaced)', { concurrency: 1 }, () => {
    const on = installed(
      {
        cluster: 'agent-ns',
        profile: 'namespaced',
        appNamespace: 'team-a',
        path: 'clusters/namespaced',
        files: {
          'ns-settings.yaml': configMap('team-a', 'ns-settings', 'one'),
          'ns-web.yaml': deployment('team-a', 'ns-web'),
        },
      },
      async (fixture) => {
        fixture.startKubelet('team-a');
        await fixture.startAgent();
      },
    );
    const value = (namespace: string, name: string) =>
      liveValue((args) => on().kubectl(args), namespace, name);

    it('syncs the team-a objects with the rights of its Roles only: Ready once the Deployment is available', async () => {
      const head = await harness.repos().head(on().repo, 'main');
      const view = await on().waitReady('True', 'the namespaced agent to sync', head);
      assert.equal(view.status?.lastAppliedRevision, `main@sha1:${head}`);
      assert.equal(await value('team-a', 'ns-settings'), 'one');
      const web = JSON.parse(
        await on().kubectl(['-n', 'team-a', 'get', 'deployment', 'ns-web', '-o', 'json']),
      ) as {
        status?: { availableReplicas?: number };
      };
      assert.equal(web.status?.availableReplicas, 1);
    });

    it('heals a kubectl edit in team-a', async () => {
      const patch = JSON.stringify({ data: { key: 'edited' } });
      await on().kubectl([
        '-n',
        'team-a',
        'patch',
        'configmap',
        'ns-settings',
        '--type',
        'merge',
        '-p',
        patch,
      ]);
      await waitFor(async () => (await value('team-a', 'ns-settings')) === 'one', {
        what: 'the edit in team-a to be healed',
        timeoutMs: 30_000,
        intervalMs: 200,
        onTimeout: () => ({ logTail: on().logTails() }),
      });
    });

    it('fails a commit with an object in team-b, naming it as forbidden, and leaves team-a as it was', async () => {
      await on().kubectl(['create', 'namespace', 'team-b']);
      const sha = await on().commit({ 'ns-team-b.yaml': configMap('team-b', 'ns-elsewhere', 'one') });
      await on().requestSync();
      const view = await on().waitReady('False', 'the sync with a team-b object to fail', sha);
      const message = condition(view, 'Ready')?.message ?? '';
      assert.match(message, /ConfigMap\/team-b\/ns-elsewhere/);
      assert.match(message, /forbidden/i);
      assert.equal(await value('team-b', 'ns-elsewhere'), undefined);
      assert.equal(await value('team-a', 'ns-settings'), 'one');
      await on().kubectl(['-n', 'team-a', 'get', 'deployment', 'ns-web']);
    });
  });

  describe(
    'SIGTERM during a sync; then deleting the GitSync, and kubectl delete -k deploy/agent',
    { concurrency: 1 },
    () => {
      /** The agent that holds the Lease now. */
      let leader: InClusterProcess | undefined;
      const on = installed(
        {
          cluster: 'agent-life',
          profile: 'cluster-wide',
          appNamespace: 'orphan-app',
          path: 'clusters/life',
          files: {
            'orphan-settings.yaml': configMap('orphan-app', 'orphan-settings', 'one'),
            'orphan-extra.yaml': configMap('orphan-app', 'orphan-extra', 'one'),
          },
        },
        async (fixture) => {
          await fixture.setAgentArgs(['run', '--health-timeout=15s']);
          leader = await firstAgent(fixture);
        },
      );
      const value = (name: string) => liveValue((args) => on().kubectl(args), 'orphan-app', name);

      it('on SIGTERM stops the health wait of the sync under way (its writes are done; --health-timeout=15s), gives the Lease up and exits 0; a new agent completes it', async () => {
        await on().setAgentArgs(['run']); // the next agents: the installed default, 5m
        assert.ok(leader !== undefined);
        const result = await interruptSync(on(), leader, 'sigterm-short');
        leader = result.next;
        await assertStoppedCleanly(on(), result);
        assert.ok(
          result.afterSigterm.some((entry) => /^sync stopped before health was judged: /.test(entry.msg)),
          'the sync under way stopped waiting for health',
        );
        assert.ok(
          result.elapsedMs < 15_000,
          `stopped in ${result.elapsedMs} ms, without waiting out the health timeout`,
        );
      });

      it('deleting the GitSync orphans what it applied: the objects stay, and nothing syncs or heals them', async () => {
        const agent = leader;
        assert.ok(agent !== undefined);
        await on().kubectl(['-n', AGENT_NS, 'delete', 'gitsync', 'ferry']);
        const deletedAt = new Date().toISOString();
        await on().commit({ 'orphan-settings.yaml': configMap('orphan-app', 'orphan-settings', 'two') });
        await assert.rejects(on().requestSync(), /not ?found/i, 'there is no GitSync left to ask for a sync');
        const patch = JSON.stringify({ data: { key: 'edited' } });
        await on().kubectl([
          '-n',
          'orphan-app',
          'patch',
          'configmap',
          'orphan-extra',
          '--type',
          'merge',
          '-p',
          patch,
        ]);
        // The agent's next action: it renews its Lease every 5 s. A drift it still watched would have been
        // seen and acted on (within a second) before its second renewal after the edit.
        const edited = Date.now();
        await waitFor(async () => leaseTime((await on().lease()).renewTime) > edited + 5_000, {
          what: 'the agent to renew its Lease twice after the edit',
          timeoutMs: 30_000,
          intervalMs: 500,
          onTimeout: () => ({ logTail: on().logTails() }),
        });
        assert.equal(await value('orphan-settings'), 'one', 'the new commit is not applied');
        assert.equal(await value('orphan-extra'), 'edited', 'the edit is not healed');
        assert.equal(await on().gitSync(), undefined, 'the agent does not make the GitSync again');
        const syncs = on()
          .log(agent)
          .filter((entry) => entry.msg === 'sync started' && entry.time > deletedAt);
        assert.deepEqual(syncs, [], 'no sync after the GitSync was deleted');
      });

      it('kubectl delete -k deploy/agent removes the agent, its namespace and the CRD, and leaves what it applied', async () => {
        // --ignore-not-found: what kubectl deletes in ferry-system after the Namespace may be gone already.
        await on().kubectl([
          'delete',
          '-k',
          `${REPO_ROOT}/deploy/agent`,
          '--ignore-not-found',
          '--timeout=120s',
        ]);
        // As the kubelet would stop the Pod of the deleted Deployment.
        await leader?.stop();
        const left = await on().kubectl([
          'get',
          'namespace/ferry-system',
          'crd/gitsyncs.ferry.dev',
          'clusterrole/ferry-agent',
          '--ignore-not-found',
        ]);
        assert.equal(left.trim(), '', 'the install is gone');
        assert.equal(await value('orphan-settings'), 'one');
        assert.equal(await value('orphan-extra'), 'edited');
      });
    },
  );

  describe('SIGTERM during a long health wait; Lease failover', { concurrency: 1 }, () => {
    /** The agent that holds the Lease now. */
    let leader: InClusterProcess | undefined;
    const on = installed(
      {
        cluster: 'agent-failover',
        profile: 'cluster-wide',
        appNamespace: 'failover-app',
        path: 'clusters/failover',
        files: { 'failover-settings.yaml': configMap('failover-app', 'failover-settings', 'one') },
      },
      async (fixture) => {
        leader = await firstAgent(fixture);
      },
    );

    it('exits 0 within the grace period while a sync waits for health longer (the default 5m), giving the Lease up; a new agent completes it', async () => {
      assert.ok(leader !== undefined);
      const result = await interruptSync(on(), leader, 'sigterm-default');
      leader = result.next;
      await assertStoppedCleanly(on(), result);
    });

    it('after a SIGKILL of the Lease holder, the standby takes the Lease once it expires and syncs a requested commit', async () => {
      assert.ok(leader !== undefined);
      const standby = await on().startAgent();
      await on().waitLog(
        standby,
        /^standby: another replica holds the lease$/,
        'the second agent to stand by',
      );
      const held = await on().lease();
      assert.equal(held.holderIdentity, leader.podName);
      process.kill(leader.pid, 'SIGKILL');
      assert.equal(await leader.exited, null, 'killed by the signal');
      const sha = await on().commit({
        'failover-settings.yaml': configMap('failover-app', 'failover-settings', 'two'),
      });
      const requested = await on().requestSync();
      await on().waitLog(
        standby,
        /^lease acquired: this replica syncs$/,
        'the standby to take the Lease',
        45_000,
      );
      const view = await on().waitReady('True', 'the standby to sync the requested commit', sha);
      assert.equal(view.status?.lastHandledRequestedAt, requested);
      assert.equal(await liveValue((args) => on().kubectl(args), 'failover-app', 'failover-settings'), 'two');
      const lease = await on().lease();
      assert.equal(lease.holderIdentity, standby.podName);
      assert.equal(lease.leaseTransitions, (held.leaseTransitions ?? 0) + 1);
      // Not taken before it expired: 15 s after the killed leader's last renewal.
      assert.ok(
        leaseTime(lease.acquireTime) >= leaseTime(held.renewTime) + 15_000,
        `acquired at ${lease.acquireTime ?? '?'}; the killed leader renewed it at ${held.renewTime ?? '?'}`,
      );
    });
  });
});
