import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderStages, waveOf } from './stages.ts';

interface Item {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly annotations?: Record<string, string>;
}
const item = (group: string, kind: string, name: string, wave?: string): Item => ({
  group,
  kind,
  name,
  ...(wave === undefined ? {} : { annotations: { 'ferry.dev/wave': wave } }),
});
const order = (items: Item[]): string[][] =>
  orderStages(items, (i) => i).stages.map((stage) => [stage.name, ...stage.items.map((i) => i.name)]);

describe('orderStages', () => {
  it('puts CRDs and Namespaces first (CRDs before Namespaces), whatever order the files came in', () => {
    assert.deepEqual(
      order([
        item('apps', 'Deployment', 'web'),
        item('', 'Namespace', 'ns'),
        item('apiextensions.k8s.io', 'CustomResourceDefinition', 'crd'),
      ]),
      [
        ['definitions', 'crd', 'ns'],
        ['wave 0', 'web'],
      ],
    );
  });
  it('applies namespaced configuration after definitions and before workloads', () => {
    assert.deepEqual(
      order([
        item('apps', 'Deployment', 'web'),
        item('', 'ConfigMap', 'cfg'),
        item('', 'ServiceAccount', 'sa'),
        item('rbac.authorization.k8s.io', 'ClusterRole', 'cr'),
      ]),
      [
        ['definitions', 'cr'],
        ['configuration', 'cfg', 'sa'],
        ['wave 0', 'web'],
      ],
    );
  });
  it('orders the rest by wave, lowest first, negative waves before the default', () => {
    assert.deepEqual(
      order([
        item('', 'Service', 'late', '5'),
        item('', 'Service', 'early', '-1'),
        item('', 'Service', 'middle'),
      ]),
      [
        ['wave -1', 'early'],
        ['wave 0', 'middle'],
        ['wave 5', 'late'],
      ],
    );
  });
  it('reads Argo CD sync waves too, and reports a wave that is not an integer', () => {
    assert.deepEqual(waveOf({ 'argocd.argoproj.io/sync-wave': '2' }), { wave: 2 });
    assert.deepEqual(waveOf({ 'ferry.dev/wave': 'soon' }), {
      error: 'annotation ferry.dev/wave: "soon" is not an integer',
    });
    const { errors } = orderStages([item('', 'Service', 'bad', '1.5')], (i) => i);
    assert.equal(errors.length, 1);
  });
});
