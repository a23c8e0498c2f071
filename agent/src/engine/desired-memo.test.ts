import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OWNER_NAME_LABEL } from '../inventory/types.ts';
import type { KubeApi, ResourceInfo } from '../kube/index.ts';
import { configMapInfo as configMaps, configMapRef } from '../kube/testing/config-maps.ts';
import { RenderMemo, type RenderedObject } from '../render/index.ts';
import { resolveDesired } from './desired.ts';
import { DesiredMemo } from './desired-memo.ts';

const rendered = (name: string): RenderedObject => ({
  ref: configMapRef(name),
  manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'n' }, data: { a: '1' } },
  source: { file: 'app.yaml', line: 1 },
  namespaceDefaulted: false,
});
/** Discovery whose answer is `info` until the test swaps it (a new answer: another object). */
const discovery = (info: { current: ResourceInfo }): KubeApi =>
  ({ resolve: () => Promise.resolve(info.current) }) as unknown as KubeApi;
const owner = { namespace: 'ferry-system', name: 'ferry' };

describe('desired objects made once per rendered object', () => {
  it('hands back the object it made for the same rendered object, kind answer and owner', async () => {
    const info = { current: configMaps() };
    const objects = [rendered('a'), rendered('b')];
    const memo = new DesiredMemo();
    const first = await resolveDesired(discovery(info), objects, owner, { desired: memo });
    const again = await resolveDesired(discovery(info), objects, owner, { desired: memo });
    assert.equal(again.objects[0], first.objects[0]);
    assert.equal(again.objects[1], first.objects[1]);
    assert.equal(first.objects[0]?.manifest.metadata.labels?.[OWNER_NAME_LABEL], 'ferry');
  });

  it('makes it again for a new render, a new discovery answer or another owner, and the same as without a memo', async () => {
    const info = { current: configMaps() };
    const objects = [rendered('a')];
    const memo = new DesiredMemo();
    const first = (await resolveDesired(discovery(info), objects, owner, { desired: memo })).objects[0];
    const rerendered = (await resolveDesired(discovery(info), [rendered('a')], owner, { desired: memo }))
      .objects[0];
    assert.notEqual(rerendered, first);
    assert.deepEqual(rerendered, first);
    info.current = configMaps();
    const rediscovered = (await resolveDesired(discovery(info), objects, owner, { desired: memo }))
      .objects[0];
    assert.notEqual(rediscovered, first);
    const other = { namespace: 'ferry-system', name: 'other' };
    const otherOwner = (await resolveDesired(discovery(info), objects, other, { desired: memo })).objects[0];
    assert.equal(otherOwner?.manifest.metadata.labels?.[OWNER_NAME_LABEL], 'other');
    assert.deepEqual(
      otherOwner,
      (await resolveDesired(discovery(info), objects, other)).objects[0],
      'the memo changes nothing but the work',
    );
  });
});

describe('RenderMemo', () => {
  it('keeps the last render under its commit, path and options only', () => {
    const memo = new RenderMemo();
    const options = { targetNamespace: 'a', maxObjects: 1, maxDocumentBytes: 1, maxAliasCount: 1 };
    const key = RenderMemo.keyOf('c1', 'deploy', options);
    const objects = [rendered('a')];
    memo.set(key, objects);
    assert.equal(memo.get(RenderMemo.keyOf('c1', 'deploy', { ...options })), objects);
    assert.equal(memo.get(RenderMemo.keyOf('c2', 'deploy', options)), undefined);
    assert.equal(memo.get(RenderMemo.keyOf('c1', 'other', options)), undefined);
    assert.equal(memo.get(RenderMemo.keyOf('c1', 'deploy', { ...options, targetNamespace: 'b' })), undefined);
    memo.set(RenderMemo.keyOf('c2', 'deploy', options), []);
    assert.equal(memo.get(key), undefined, 'only the last render is kept');
  });
});
