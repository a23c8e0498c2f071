import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DriftReport } from '../drift/index.ts';
import type { KubeApi, KubeObject, ResourceInfo, WatchEvent } from '../kube/index.ts';
import { configMapInfo, configMapRef as ref } from '../kube/testing/config-maps.ts';
import { DriftWatcher, type DriftWatchOptions } from './drift-watch.ts';

const info = configMapInfo();
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
  let deliver: ((event: WatchEvent | Error) => void) | undefined;
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
        const next = new Promise<WatchEvent | Error | undefined>((resolve) => {
          deliver = resolve;
          signal?.addEventListener('abort', () => {
            resolve(undefined);
          });
          handled?.();
          watching?.();
        });
        const event = await next;
        if (event === undefined) return;
        if (event instanceof Error) throw event;
        yield event;
      }
    },
  } as unknown as KubeApi;
  /** An event, or an error that ends the watch (resolves once the watcher watches again). */
  const send = (event: WatchEvent | Error): Promise<void> =>
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

describe('DriftWatcher.known: the live objects it can vouch for', () => {
  const changed = (name: string, value: string): KubeObject => ({
    ...object(name),
    metadata: { ...object(name).metadata, resourceVersion: '2' },
    data: { value },
  });

  it('answers each object as its watch last saw it, and what arrived while paused', async () => {
    const fake = fakeKube([object('a'), object('b')]);
    const watcher = new DriftWatcher(fake.kube);
    const reports: DriftReport[] = [];
    assert.equal(watcher.known().get(ref('a')), undefined, 'nothing before the watches start');
    await watcher.restart([ref('a'), ref('b')], options(reports));
    await fake.started;
    assert.equal(watcher.known().get(ref('a'))?.metadata.resourceVersion, '1');
    assert.equal(watcher.known().get(ref('c')), undefined, 'not one of the watched objects');
    watcher.pause();
    // A change of fields Ferry does not own (none here: no managedFields) is not drift.
    await fake.send({ type: 'MODIFIED', object: changed('a', 'x') });
    assert.deepEqual(watcher.known().get(ref('a'))?.data, { value: 'x' });
    await fake.send({ type: 'DELETED', object: object('b') });
    assert.equal(watcher.known().get(ref('b')), undefined, 'deleted while paused');
    assert.equal(watcher.keep([ref('a'), ref('b')], []), true);
    assert.deepEqual(
      reports.map((r) => [r.ref.name, r.kind]),
      [['b', 'deleted']],
    );
    assert.equal(watcher.known().get(ref('b')), undefined, 'a drifted object is read again');
    assert.deepEqual(watcher.known().get(ref('a'))?.data, { value: 'x' });
    await watcher.stop();
    assert.equal(watcher.known().get(ref('a')), undefined, 'stopped');
  });

  it('does not vouch for the objects of a watch that failed, until it delivers events again', async () => {
    const fake = fakeKube([object('a')]);
    const watcher = new DriftWatcher(fake.kube);
    const errors: string[] = [];
    await watcher.restart([ref('a')], {
      ...options([]),
      onError: (message) => {
        errors.push(message);
      },
    });
    await fake.started;
    assert.notEqual(watcher.known().get(ref('a')), undefined);
    // Resolves once the watch loop has backed off and watches again (from the same resourceVersion).
    await fake.send(new Error('connection reset'));
    assert.deepEqual(errors, ['watching ConfigMap failed']);
    assert.equal(watcher.known().get(ref('a')), undefined, 'events may have been missed');
    await fake.send({ type: 'MODIFIED', object: changed('a', 'y') });
    assert.deepEqual(watcher.known().get(ref('a'))?.data, { value: 'y' });
    assert.deepEqual(fake.calls, { lists: 1, watches: 2 });
    await watcher.stop();
  });
});
