// The hub killed with SIGKILL in the middle of an agent's stream, five times, then restarted on the same
// database: it opens sound (integrity_check) and holds every sync report the agent was told was
// stored (the agent logs each acknowledged report), each once. One cluster, enrolled from the hub's
// install manifest (see hub-fleet-fixture.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../hub/src/store/index.ts';
import { Harness, waitFor } from '../harness/src/index.ts';
import type { AgentCluster } from './agent-lifecycle-cluster.ts';
import { configMap } from './agent-lifecycle-fixtures.ts';
import { HubFleet } from './hub-fleet-fixture.ts';

const harness = Harness.fromEnv();

describe('the hub under kill -9', { concurrency: 1 }, () => {
  let started: HubFleet | undefined;
  const fleet = (): HubFleet => {
    assert.ok(started !== undefined, 'the fleet is up');
    return started;
  };
  const hub = () => fleet().hub;
  const cluster = (name: string) => fleet().cluster(name);
  const waitApplied = (name: string, sha: string, what: string) => fleet().waitApplied(name, sha, what);

  before(async () => {
    started = await HubFleet.start(harness, ['hub-crash-a']);
  });

  after(async () => {
    await started?.destroy();
  });

  it('survives kill -9 in the middle of a stream, 5 times: the database is sound and nothing acknowledged is lost', async (t) => {
    const fixture = fleet().on('hub-crash-a');
    for (let round = 1; round <= 5; round += 1) {
      const began = Date.now();
      const steps: string[] = [];
      const step = (what: string): void => {
        steps.push(`${what} +${((Date.now() - began) / 1000).toFixed(1)} s`);
      };
      const sha = await fixture.commit({
        'settings.yaml': configMap('hub-crash-a-apps', 'settings', `crash-${round}`),
      });
      await fixture.requestSync();
      step('sync requested');
      // Odd rounds: killed at once, while the agent fetches and applies (its report, delta and drift
      // go to a hub that is gone); even rounds: killed the moment the report is stored, while what
      // follows it (the resources' delta) is on the wire.
      if (round % 2 === 0)
        await waitFor(
          async () =>
            ((await cluster('hub-crash-a')).sync?.revision ?? '').endsWith(sha) ? true : undefined,
          {
            what: `round ${round}: the hub to store the sync report`,
            timeoutMs: 60_000,
            intervalMs: 20,
          },
        );
      await hub().kill9();
      step('killed');
      await hub().startAgain();
      step('restarted');
      await waitApplied('hub-crash-a', sha, `round ${round}: the sync reached the restarted hub`);
      step('applied');
      // Where the time goes (the file's time inside the suite has been several times its time alone).
      t.diagnostic(`round ${round}: ${steps.join(', ')}; agent waits ${reconnectWaits(fixture, began)}`);
    }
    await hub().stop();
    const store = openStore({ path: join(hub().dataDir, 'hub.db') });
    try {
      assert.deepEqual(store.integrityCheck(), ['ok']);
      const history = store.history('hub-crash-a', { limit: 500 });
      const ids = history.items.map((item) => item.syncId);
      assert.equal(new Set(ids).size, ids.length, 'no sync stored twice');
      const acked = ackedSyncIds(fixture);
      assert.ok(acked.length >= 5, `the agent was told of at least five stored reports: ${acked.join(', ')}`);
      for (const syncId of acked) assert.ok(ids.includes(syncId), `acknowledged sync ${syncId} is stored`);
    } finally {
      store.close();
    }
    await hub().startAgain();
  });
});

/** The syncIds the agent logged as acknowledged by the hub (debug lines of its hub client). */
function ackedSyncIds(fixture: AgentCluster): string[] {
  return fixture.agents.flatMap((agent) =>
    fixture
      .log(agent)
      .filter((entry) => entry.msg === 'hub acknowledged a sync report' && typeof entry.syncId === 'string')
      .map((entry) => String(entry.syncId)),
  );
}

/** The agent's waits before reconnecting to the hub since `since` (ms), from its log. */
function reconnectWaits(fixture: AgentCluster, since: number): string {
  const waits = fixture.agents.flatMap((agent) =>
    fixture
      .log(agent)
      .filter((entry) => typeof entry.retryInMs === 'number' && Date.parse(entry.time) >= since)
      .map((entry) => `${String(entry.retryInMs)} ms`),
  );
  return waits.length === 0 ? 'none' : waits.join(', ');
}
