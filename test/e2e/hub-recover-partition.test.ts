// Disaster recovery when the old cluster is alive but cut off, the hub is down during the rebuild, and
// the new cluster already holds some objects from a backup. Cluster dr-c's agent is stopped (the
// partition); the recovery manifest (POST /api/v1/clusters/dr-c/recover) goes onto a fresh cluster that
// already has the apps namespace and the settings ConfigMap restored; the hub is stopped before the new
// agent starts: the agent rebuilds from Git alone (kubectl shows the GitSync Ready at Git's head) and
// adopts the restored objects (same UIDs: no delete and recreate). The hub comes back, the agent enrolls
// with the one-time token and reports, and the hub marks dr-c recovered. Then the old agent comes back
// on the old cluster: its credential is revoked, it is refused, and the hub shows the refusal on dr-c.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, waitFor } from '../harness/src/index.ts';
import type { AgentCluster } from './agent-lifecycle-cluster.ts';
import { configMap } from './agent-lifecycle-fixtures.ts';
import { HubFleet, type ClusterJson } from './hub-fleet-fixture.ts';

const harness = Harness.fromEnv();

interface RecoverAnswer {
  readonly enrollment: { readonly token: string; readonly installUrl: string };
  readonly recovery: { readonly expectedObjects: number; readonly recordedRevision: string | null };
}

type RecoveringJson = ClusterJson & {
  readonly recovery: {
    readonly status: string;
    readonly objectsBack: number;
    readonly expectedObjects: number;
  } | null;
};

async function uid(cluster: AgentCluster, resource: string, name: string): Promise<string> {
  return (
    await cluster.kubectl(['-n', 'dr-c-apps', 'get', resource, name, '-o', 'jsonpath={.metadata.uid}'])
  ).trim();
}

describe('disaster recovery: partitioned old cluster, hub down, partial restore', { concurrency: 1 }, () => {
  let started: HubFleet | undefined;
  const fleet = (): HubFleet => {
    assert.ok(started !== undefined, 'the fleet is up');
    return started;
  };

  before(async () => {
    started = await HubFleet.start(harness, ['dr-c']);
  });

  after(async () => {
    await started?.destroy();
  });

  it('rebuilds without the hub, adopts restored objects, and refuses the old agent when it returns', async () => {
    const sha = await fleet().head('dr-c');
    await fleet().waitApplied('dr-c', sha, 'dr-c applied and healthy before the partition');
    const old = fleet().on('dr-c');
    const [oldAgent] = old.agents;
    assert.ok(oldAgent !== undefined);
    await oldAgent.stop(); // cut off: the cluster lives on, its agent no longer reaches the hub

    const recover = await fleet().hub.expect<RecoverAnswer>(201, 'POST', '/api/v1/clusters/dr-c/recover');
    assert.equal(recover.recovery.expectedObjects, 2);
    assert.ok(recover.recovery.recordedRevision?.endsWith(sha));
    const manifest = await fleet().hub.fetch('GET', new URL(recover.enrollment.installUrl).pathname);
    assert.equal(manifest.status, 200);

    let restoredUid = '';
    const fresh = await fleet().installFresh('dr-c', 'dr-c-new', manifest.text, async (cluster) => {
      // The partial restore: what a backup brought back before the agent was installed.
      await cluster.kubectl(['create', 'namespace', 'dr-c-apps']);
      await cluster.kubectl(['apply', '-f', '-'], configMap('dr-c-apps', 'settings', 'one'));
      restoredUid = await uid(cluster, 'configmap', 'settings');
      // The hub goes down before the new agent starts: the rebuild must not need it.
      await fleet().hub.stop();
    });

    await fresh.waitReady('True', 'the new cluster rebuilt from Git with the hub down', sha);
    assert.equal(
      await uid(fresh, 'configmap', 'settings'),
      restoredUid,
      'the restored ConfigMap was adopted',
    );
    assert.ok((await uid(fresh, 'deployment', 'web')) !== '', 'the Deployment Git holds was created');

    await fleet().hub.startAgain();
    const recovered = await waitFor(
      async () => {
        const view = (await fleet().cluster('dr-c')) as RecoveringJson;
        return view.recovery?.status === 'recovered' ? view : undefined;
      },
      {
        what: 'the hub to mark dr-c recovered once it is back',
        timeoutMs: 150_000,
        intervalMs: 500,
        onTimeout: () => ({ detail: fleet().hub.logTail(), logTail: fresh.logTails() }),
      },
    );
    assert.equal(recovered.recovery?.objectsBack, recovered.recovery?.expectedObjects);
    assert.ok(recovered.sync?.appliedRevision?.endsWith(sha));
    assert.equal(recovered.connected, true);

    // The old agent comes back on the old cluster, with the credential revoked at recovery.
    await old.startAgent();
    const refused = await waitFor(
      async () => {
        const view = await fleet().cluster('dr-c');
        return view.refusal !== null ? view : undefined;
      },
      {
        what: 'the hub to refuse the old agent and show it on dr-c',
        timeoutMs: 90_000,
        intervalMs: 500,
        onTimeout: () => ({ detail: fleet().hub.logTail(), logTail: old.logTails() }),
      },
    );
    assert.match(refused.refusal?.message ?? '', /revoked credential.*cluster recovery/);
    assert.equal(refused.connected, true, 'the new cluster keeps its connection');
    assert.equal(
      refused.clusterUid,
      (await fresh.kubectl(['get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}'])).trim(),
    );
  });
});
