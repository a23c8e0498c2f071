import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import { fieldDiff, MASK } from './diff.ts';

const object = (kind: string, body: Record<string, unknown>): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name: 'a', namespace: 'n', resourceVersion: '1', managedFields: [] },
  ...body,
});

describe('fieldDiff', () => {
  it('lists changed, added and removed fields by path, ignoring what the server maintains', () => {
    const live = object('Deployment', {
      spec: { replicas: 1, template: { spec: { containers: [{ image: 'a:1' }] } } },
      status: { x: 1 },
    });
    const planned = object('Deployment', {
      spec: { replicas: 2, paused: true, template: { spec: { containers: [{ image: 'a:2' }] } } },
    });
    planned.metadata.resourceVersion = '2';
    assert.deepEqual(fieldDiff(live, planned), [
      { path: 'spec.paused', to: true },
      { path: 'spec.replicas', from: 1, to: 2 },
      { path: 'spec.template.spec.containers[0].image', from: 'a:1', to: 'a:2' },
    ]);
  });
  it('masks Secret values: it says which key changes, never what it holds', () => {
    const diff = fieldDiff(
      object('Secret', { data: { password: 'b2xk', gone: 'eA==' } }),
      object('Secret', { data: { password: 'bmV3', added: 'eQ==' } }),
    );
    assert.deepEqual(diff, [
      { path: 'data.added', to: MASK },
      { path: 'data.gone', from: MASK },
      { path: 'data.password', from: MASK, to: MASK },
    ]);
    assert.ok(!JSON.stringify(diff).includes('bmV3'));
  });
});
