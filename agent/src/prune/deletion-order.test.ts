import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import { deletionOrder } from './deletion-order.ts';

const ref = (kind: string, namespace: string, name: string, group = ''): ObjectRef => ({
  group,
  version: 'v1',
  kind,
  namespace,
  name,
});
const CRD = ref('CustomResourceDefinition', '', 'widgets.example.com', 'apiextensions.k8s.io');
const NS = ref('Namespace', '', 'shop');
const ROLE = ref('ClusterRole', '', 'reader', 'rbac.authorization.k8s.io');
const WEB = ref('Deployment', 'shop', 'web', 'apps');
const SVC = ref('Service', 'shop', 'web');
const WIDGET = ref('Widget', 'shop', 'w', 'example.com');

describe('deletionOrder', () => {
  const cases: { name: string; input: ObjectRef[]; expected: ObjectRef[] }[] = [
    {
      name: 'namespaced objects go before cluster-scoped ones, Namespaces and CRDs last',
      input: [CRD, NS, ROLE, WEB],
      expected: [WEB, ROLE, NS, CRD],
    },
    {
      name: 'a custom resource is deleted before its CRD',
      input: [CRD, WIDGET],
      expected: [WIDGET, CRD],
    },
    {
      name: 'objects of the same rank keep the order they came in',
      input: [SVC, NS, WEB, WIDGET],
      expected: [SVC, WEB, WIDGET, NS],
    },
  ];
  for (const { name, input, expected } of cases) {
    it(name, () => {
      assert.deepEqual(deletionOrder(input), expected);
    });
  }

  it('leaves its input alone', () => {
    const input = [NS, WEB];
    deletionOrder(input);
    assert.deepEqual(input, [NS, WEB]);
  });
});
