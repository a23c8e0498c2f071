import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refKey, type ObjectRef } from '@ferry/shared';
import type { KubeApi, KubeObject } from '../kube/index.ts';
import { configMapInfo, configMapRef as ref } from '../kube/testing/config-maps.ts';
import { indexOwned, type KnownLive } from './live-index.ts';

const configMaps = configMapInfo();
const object = (name: string, value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'n' },
  data: { value },
});
const owner = { namespace: 'ferry-system', name: 'ferry' };

/** The API server's side: `stored` objects, each list and GET counted. */
function cluster(stored: readonly KubeObject[]) {
  const calls = { lists: 0, gets: [] as string[] };
  const byName = new Map(stored.map((o) => [o.metadata.name, o]));
  const kube = {
    list: () => {
      calls.lists++;
      return Promise.resolve([...stored]);
    },
    get: (r: ObjectRef) => {
      calls.gets.push(r.name);
      return Promise.resolve(byName.get(r.name));
    },
  } as unknown as KubeApi;
  return { kube, calls };
}

const knowing = (objects: readonly KubeObject[]): KnownLive => {
  const byKey = new Map(objects.map((o) => [refKey(ref(o.metadata.name)), o]));
  return { get: (r) => byKey.get(refKey(r)) };
};

const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `cm-${String(i)}`);

describe('indexOwned', () => {
  it('lists each kind once when nothing is known (no watches yet)', async () => {
    const live = names(10).map((n) => object(n, 'live'));
    const { kube, calls } = cluster(live);
    const index = await indexOwned(
      kube,
      names(10).map((n) => ({ ref: ref(n), info: configMaps })),
      {
        owner,
        concurrency: 4,
      },
    );
    assert.deepEqual((await index.get(ref('cm-3')))?.data, { value: 'live' });
    assert.deepEqual(calls, { lists: 1, gets: [] });
  });

  it('reads nothing when the watches know every object, and answers what they hold', async () => {
    const { kube, calls } = cluster([]);
    const index = await indexOwned(
      kube,
      names(10).map((n) => ({ ref: ref(n), info: configMaps })),
      {
        owner,
        concurrency: 4,
        known: knowing(names(10).map((n) => object(n, 'watched'))),
      },
    );
    assert.deepEqual((await index.get(ref('cm-9')))?.data, { value: 'watched' });
    assert.deepEqual(calls, { lists: 0, gets: [] });
  });

  it('reads a few objects the watches do not know one by one, without listing', async () => {
    const { kube, calls } = cluster([object('new-1', 'live'), object('new-2', 'live')]);
    const wanted = [...names(10), 'new-1', 'new-2'].map((n) => ({ ref: ref(n), info: configMaps }));
    const index = await indexOwned(kube, wanted, {
      owner,
      concurrency: 4,
      known: knowing(names(10).map((n) => object(n, 'watched'))),
    });
    assert.deepEqual((await index.get(ref('new-2')))?.data, { value: 'live' });
    assert.deepEqual((await index.get(ref('cm-0')))?.data, { value: 'watched' });
    assert.deepEqual(calls, { lists: 0, gets: ['new-2'] });
  });

  it('lists a kind with many unknown objects, and then trusts the list over the watches', async () => {
    const live = [...names(10), 'a', 'b', 'c', 'd', 'e'].map((n) => object(n, 'listed'));
    const { kube, calls } = cluster(live);
    const wanted = live.map((o) => ({ ref: ref(o.metadata.name), info: configMaps }));
    const index = await indexOwned(kube, wanted, {
      owner,
      concurrency: 4,
      known: knowing(names(10).map((n) => object(n, 'watched'))),
    });
    assert.deepEqual((await index.get(ref('cm-0')))?.data, { value: 'listed' });
    assert.deepEqual(calls, { lists: 1, gets: [] });
  });

  it('answers absent objects without asking, known or not', async () => {
    const { kube, calls } = cluster([]);
    const index = await indexOwned(kube, [{ ref: ref('fresh'), info: configMaps }], {
      owner,
      concurrency: 4,
      absent: () => true,
      known: knowing([]),
    });
    assert.equal(await index.get(ref('fresh')), undefined);
    assert.deepEqual(calls, { lists: 0, gets: [] });
  });
});
