// The keeper decides when a scan runs after a sync and what status it writes; the cluster is plain data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeApi, ResourceInfo } from '../kube/types.ts';
import type { ReconcileOutcome } from '../reconcile.ts';
import type { ReadinessReport } from '../readiness/index.ts';
import { ReadinessKeeper, type DrReadinessPatch } from './readiness-keeper.ts';

const CONFIGMAPS: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  verbs: ['list'],
};

function outcome(names: readonly string[], result: 'applied' | 'failed' = 'applied'): ReconcileOutcome {
  return {
    phase: { kind: 'ready', message: '' },
    spec: { targetNamespace: 'shop' } as ReconcileOutcome['spec'],
    report: {
      result,
      changeSet: names.map((name) => ({
        ref: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name },
        action: 'unchanged' as const,
      })),
    } as unknown as ReconcileOutcome['report'],
    health: undefined,
    events: [],
  };
}

function keeper(options: { fail?: boolean } = {}) {
  const written: DrReadinessPatch[] = [];
  const reported: ReadinessReport[] = [];
  let lists = 0;
  let now = 1_000_000;
  const kube = {
    listResources: () =>
      options.fail === true
        ? Promise.reject(new Error('discovery of /apis: boom (HTTP 503)'))
        : Promise.resolve([CONFIGMAPS]),
    listMetadata: () => {
      lists++;
      return Promise.resolve({
        items: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'a', uid: 'ua' } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'stray', uid: 'us' } },
        ],
        requests: 1,
      });
    },
  } as unknown as KubeApi;
  const readiness = new ReadinessKeeper(kube, {
    agentNamespace: 'ferry-system',
    watchNamespaces: [],
    writeStatus: (patch) => {
      written.push(patch);
      return Promise.resolve(true);
    },
    reported: (report) => reported.push(report),
    info: () => undefined,
    warn: () => undefined,
    now: () => now,
  });
  return {
    readiness,
    written,
    reported,
    lists: () => lists,
    later: (ms: number) => {
      now += ms;
    },
  };
}

describe('ReadinessKeeper', () => {
  const signal = new AbortController().signal;

  it('scans after the first applied sync, writes the summary and tells the hook', async () => {
    const k = keeper();
    k.readiness.afterSync(outcome(['a']), signal);
    await k.readiness.stop();
    const [first] = k.written;
    assert.ok(first !== undefined && k.written.length === 1);
    assert.equal(first.message, 'rebuildable from Git: 1 of 2 objects (1 not in Git)');
    assert.deepEqual(first.notInGit, { count: 1, items: ['ConfigMap shop/stray'] });
    assert.equal(first.error, null);
    assert.equal(k.reported.length, 1);
  });

  it('does not scan again after a sync with the same inventory within 10 minutes; does after', async () => {
    const k = keeper();
    k.readiness.afterSync(outcome(['a']), signal);
    await k.readiness.stop();
    k.later(60_000);
    k.readiness.afterSync(outcome(['a']), signal);
    await k.readiness.stop();
    assert.equal(k.lists(), 1);
    k.later(10 * 60_000);
    k.readiness.afterSync(outcome(['a']), signal);
    await k.readiness.stop();
    assert.equal(k.lists(), 2);
  });

  it('scans again when the inventory changed', async () => {
    const k = keeper();
    k.readiness.afterSync(outcome(['a']), signal);
    await k.readiness.stop();
    k.readiness.afterSync(outcome(['a', 'stray']), signal);
    await k.readiness.stop();
    assert.equal(k.lists(), 2);
    assert.equal(k.written[1]?.rebuildable, 2);
  });

  it('does not scan after a sync that did not apply', async () => {
    const k = keeper();
    k.readiness.afterSync(outcome(['a'], 'failed'), signal);
    await k.readiness.stop();
    assert.equal(k.lists(), 0);
  });

  it('records a failed scan’s error and leaves the last report', async () => {
    const k = keeper({ fail: true });
    k.readiness.afterSync(outcome(['a']), signal);
    await k.readiness.stop();
    assert.equal(k.written.length, 1);
    assert.match(String(k.written[0]?.error), /boom/);
    assert.equal(k.written[0]?.message, undefined);
    assert.equal(k.reported.length, 0);
  });
});
