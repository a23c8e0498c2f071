import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { DriftReport } from '../drift/index.ts';
import type { KubeApi, KubeObject, ResourceInfo, WatchEvent } from '../kube/index.ts';
import { DriftWatcher, type DriftWatchOptions } from './drift-watch.ts';

const info: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  verbs: ['list', 'watch'],
};
const ref = (name: string): ObjectRef => ({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  namespace: 'n',
  name,
});
const object = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'n', uid: `uid-${name}`, resourceVersion: '1' },
});

/**
 * An API server whose watch plays the events the test sends; `send` resolves once the watcher has
 * handled the event (it asked for the next one), so no test waits on time.
 */
function fakeKube(items: KubeObject[]) {
  const calls = { lists: 0, watches: 0 };
  let deliver: ((event: WatchEvent) => void) | undefined;
  let handled: (() => void) | undefined;
  let watching: (() => void) | undefined;
  const started = new Promise<void>((resolve) => {
    watching = resolve;
  });
  const kube = {
    resolve: () => Promise.resolve(info),
    listWithVersion: () => {
      calls.lists++;
      return Promise.resolve({ items, resourceVersion: '1' });
    },
    async *watch(_: ResourceInfo, options: { signal?: AbortSignal }) {
      calls.watches++;
      const signal = options.signal;
      while (signal?.aborted !== true) {
        const next = new Promise<WatchEvent | undefined>((resolve) => {
          deliver = resolve;
          signal?.addEventListener('abort', () => {
            resolve(undefined);
          });
          handled?.();
          watching?.();
        });
        const event = await next;
        if (event === undefined) return;
        yield event;
      }
    },
  } as unknown as KubeApi;
  const send = (event: WatchEvent): Promise<void> =>
    new Promise((resolve) => {
      handled = resolve;
      deliver?.(event);
    });
  return { kube, calls, send, started };
}

function options(reports: DriftReport[]): DriftWatchOptions {
  return {
    owner: { namespace: 'ferry-system', name: 'ferry' },
    ignore: [],
    namespaces: [],
    onDrift: (report) => {
      reports.push(report);
    },
    onError: (message) => {
      throw new Error(message);
    },
  };
}

describe('DriftWatcher after a sync that wrote nothing', () => {
  it('keeps its watches and compares what arrived while paused, without listing again', async () => {
    const fake = fakeKube([object('a'), object('b')]);
    const watcher = new DriftWatcher(fake.kube);
    const reports: DriftReport[] = [];
    await watcher.restart([ref('a'), ref('b')], options(reports));
    await fake.started;
    watcher.pause();
    await fake.send({ type: 'DELETED', object: object('a') });
    assert.equal(reports.length, 0, 'nothing is compared while paused');
    assert.equal(watcher.keep([ref('b'), ref('a')], []), true);
    assert.deepEqual(
      reports.map((r) => [r.ref.name, r.kind]),
      [['a', 'deleted']],
    );
    assert.deepEqual(fake.calls, { lists: 1, watches: 1 });
    await watcher.stop();
  });

  it('asks for a restart when it watches other objects or other ignore rules, after a drift, or when stopped', async () => {
    const fake = fakeKube([object('a')]);
    const watcher = new DriftWatcher(fake.kube);
    const reports: DriftReport[] = [];
    await watcher.restart([ref('a')], options(reports));
    await fake.started;
    watcher.pause();
    assert.equal(watcher.keep([ref('a'), ref('b')], []), false, 'another set of objects');
    assert.equal(watcher.keep([ref('a')], [{ pointers: ['/data'] }]), false, 'other ignore rules');
    assert.equal(watcher.keep([ref('a')], []), true);
    await fake.send({ type: 'DELETED', object: object('a') });
    assert.equal(reports.length, 1);
    watcher.pause();
    assert.equal(watcher.keep([ref('a')], []), false, 'a drift was reported since the watch started');
    await watcher.stop();
    assert.equal(watcher.keep([ref('a')], []), false, 'stopped');
  });

  it('resume() after a failed fetch drops what arrived while paused, as before', async () => {
    const fake = fakeKube([object('a')]);
    const watcher = new DriftWatcher(fake.kube);
    const reports: DriftReport[] = [];
    await watcher.restart([ref('a')], options(reports));
    await fake.started;
    watcher.pause();
    await fake.send({ type: 'DELETED', object: object('a') });
    watcher.resume();
    assert.equal(watcher.keep([ref('a')], []), true);
    assert.deepEqual(reports, []);
    await watcher.stop();
  });
});
