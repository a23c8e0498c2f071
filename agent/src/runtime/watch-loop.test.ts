import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KubeError,
  type KubeApi,
  type KubeObject,
  type ResourceInfo,
  type WatchEvent,
} from '../kube/index.ts';
import { watchLoop } from './watch-loop.ts';

const info: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  verbs: ['list', 'watch'],
};
const object = (rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', namespace: 'n', resourceVersion: rv },
});

type Step = { readonly events: readonly WatchEvent[]; readonly then?: 'gone' | 'end' };

/** A scripted API server: lists answer the next resourceVersion; watches play the steps in order. */
function scripted(steps: Step[], controller: AbortController) {
  const calls = { lists: 0, watchedFrom: [] as string[] };
  const kube = {
    listWithVersion: () => {
      calls.lists++;
      return Promise.resolve({
        items: [object(`${calls.lists * 100}`)],
        resourceVersion: `${calls.lists * 100}`,
      });
    },
    async *watch(_: ResourceInfo, options: { resourceVersion: string }) {
      await Promise.resolve();
      calls.watchedFrom.push(options.resourceVersion);
      const step = steps.shift();
      if (step === undefined) {
        controller.abort();
        return;
      }
      for (const event of step.events) yield event;
      if (step.then === 'gone')
        throw new KubeError('gone', 'too old resource version (HTTP 410)', { status: 410 });
    },
  } as unknown as KubeApi;
  return { kube, calls };
}

describe('watchLoop', () => {
  it('lists again after a 410 Gone instead of watching from the stale version', async () => {
    const controller = new AbortController();
    const { kube, calls } = scripted(
      [
        { events: [{ type: 'MODIFIED', object: object('105') }], then: 'gone' },
        { events: [{ type: 'MODIFIED', object: object('205') }] },
      ],
      controller,
    );
    const seen: string[] = [];
    let lists = 0;
    await watchLoop(
      kube,
      info,
      {},
      {
        onList: () => {
          lists++;
        },
        onEvent: (e) => void seen.push(e.object.metadata.resourceVersion ?? ''),
      },
      controller.signal,
    );
    assert.equal(lists, 2);
    assert.deepEqual(calls.watchedFrom, ['100', '200', '205']);
    assert.deepEqual(seen, ['105', '205']);
  });

  it('resumes a watch the server ended from the last resourceVersion seen, bookmarks included, without listing', async () => {
    const controller = new AbortController();
    const { kube, calls } = scripted(
      [
        {
          events: [
            { type: 'ADDED', object: object('101') },
            { type: 'BOOKMARK', object: object('150') },
          ],
        },
        { events: [{ type: 'DELETED', object: object('151') }] },
      ],
      controller,
    );
    const types: string[] = [];
    await watchLoop(
      kube,
      info,
      {},
      { onList: () => undefined, onEvent: (e) => void types.push(e.type) },
      controller.signal,
    );
    assert.equal(calls.lists, 1);
    assert.deepEqual(calls.watchedFrom, ['100', '150', '151']);
    assert.deepEqual(types, ['ADDED', 'DELETED'], 'bookmarks move the version but are not events');
  });

  it('reports other errors and goes on after a pause (1 s, then 2 s)', async () => {
    const controller = new AbortController();
    let failures = 0;
    const kube = {
      listWithVersion: () => {
        failures++;
        if (failures === 3) controller.abort();
        return Promise.reject(new KubeError('unavailable', 'cannot reach the API server'));
      },
    } as unknown as KubeApi;
    const errors: unknown[] = [];
    await watchLoop(
      kube,
      info,
      {},
      { onList: () => undefined, onEvent: () => undefined, onError: (e) => void errors.push(e) },
      controller.signal,
    );
    assert.equal(errors.length, 2);
  });
});
