import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedNamespaces } from './managed-namespaces.ts';

const ref = (namespace: string, kind = 'ConfigMap') => ({
  group: '',
  version: 'v1',
  kind,
  namespace,
  name: 'x',
});

describe('managedNamespaces', () => {
  it('are the namespaces of the inventory and the targetNamespace, sorted, each once', () => {
    assert.deepEqual(
      managedNamespaces({
        managed: [ref('web'), ref('shop'), ref('web'), ref('', 'Namespace')],
        targetNamespace: 'apps',
        agentNamespace: 'ferry-system',
        watchNamespaces: [],
      }),
      ['apps', 'shop', 'web'],
    );
  });

  it('leave the agent’s own namespace out', () => {
    assert.deepEqual(
      managedNamespaces({
        managed: [ref('ferry-system')],
        targetNamespace: 'ferry-system',
        agentNamespace: 'ferry-system',
        watchNamespaces: [],
      }),
      [],
    );
  });

  it('in the namespace-scoped profile, only the namespaces the agent may read', () => {
    assert.deepEqual(
      managedNamespaces({
        managed: [ref('team-a')],
        targetNamespace: 'default',
        agentNamespace: 'ferry-system',
        watchNamespaces: ['team-a', 'team-b'],
      }),
      ['team-a'],
    );
  });
});
