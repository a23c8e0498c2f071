import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/types.ts';
import { fieldNodes, fieldPaths, ownedBy } from './fields.ts';

describe('fieldPaths', () => {
  const cases: { name: string; fieldsV1: Record<string, unknown>; paths: string[] }[] = [
    {
      name: 'fields of maps are JSON pointers',
      fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:selector': {} } },
      paths: ['/spec/replicas', '/spec/selector'],
    },
    {
      name: 'a key with a slash or a tilde is escaped as in JSON pointers',
      fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:ferry.dev/digest': {}, 'f:a~b': {} } } },
      paths: ['/metadata/annotations/ferry.dev~1digest', '/metadata/annotations/a~0b'],
    },
    {
      name: 'a list item is named by its key, and the item itself is owned when marked with a dot',
      fieldsV1: { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } },
      paths: ['/containers[name=app]', '/containers[name=app]/image'],
    },
    {
      name: 'several keys are joined with commas, numbers bare',
      fieldsV1: { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { 'f:containerPort': {} } } },
      paths: ['/ports[containerPort=80,protocol=TCP]/containerPort'],
    },
    {
      name: 'a key value that would be ambiguous bare is written as JSON',
      fieldsV1: { 'f:env': { 'k:{"name":"a=b,c"}': {}, 'k:{"name":""}': {} } },
      paths: ['/env[name="a=b,c"]', '/env[name=""]'],
    },
    {
      name: 'a member of a set list is written with its JSON value',
      fieldsV1: { 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"ferry.dev/keep"': {} } } },
      paths: ['/metadata/finalizers', '/metadata/finalizers[="ferry.dev/keep"]'],
    },
    {
      name: 'a positional list item is an index',
      fieldsV1: { 'f:args': { 'i:0': {}, 'i:2': {} } },
      paths: ['/args/0', '/args/2'],
    },
    {
      name: 'an empty tree owns nothing',
      fieldsV1: {},
      paths: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(fieldPaths(c.fieldsV1), c.paths);
    });
  }

  it('a node with owned fields below it is no leaf; its fields are', () => {
    const nodes = fieldNodes({ 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } });
    assert.deepEqual(
      nodes.map((node) => [node.path, node.leaf]),
      [
        ['/containers[name=app]', false],
        ['/containers[name=app]/image', true],
      ],
    );
    assert.deepEqual(nodes[0]?.segments, [
      { type: 'field', name: 'containers' },
      { type: 'key', keys: { name: 'app' } },
    ]);
  });
});

describe('ownedBy', () => {
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      managedFields: [
        {
          manager: 'ferry',
          operation: 'Apply',
          fieldsV1: { 'f:data': { 'f:a': {} }, 'f:status': { 'f:x': {} } },
        },
        { manager: 'ferry', operation: 'Update', fieldsV1: { 'f:data': { 'f:b': {} } } },
        { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:data': { 'f:c': {} } } },
      ],
    },
  };
  it("collects the manager's Apply and Update entries and leaves out status", () => {
    assert.deepEqual([...ownedBy(object, 'ferry')], ['/data/a', '/data/b']);
  });
  it('owns nothing for a manager without entries, or an object without managedFields', () => {
    assert.equal(ownedBy(object, 'helm').size, 0);
    assert.equal(ownedBy({ ...object, metadata: { name: 'a' } }, 'ferry').size, 0);
  });
});
