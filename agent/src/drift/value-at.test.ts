import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldNodes } from './fields.ts';
import { sameValue, valueAt } from './value-at.ts';

const object = {
  metadata: { finalizers: ['ferry.dev/keep'], creationTimestamp: null },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.19', ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'busybox' },
    ],
    args: ['a', 'b'],
  },
};

function at(fieldsV1: Record<string, unknown>): unknown {
  const node = fieldNodes(fieldsV1).at(-1);
  assert.ok(node);
  return valueAt(object, node.segments);
}

describe('valueAt', () => {
  it('finds a list item by its keys, and a field inside it', () => {
    assert.deepEqual(at({ 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { 'f:image': {} } } } }), {
      value: 'busybox',
    });
    const port = { 'k:{"containerPort":80,"protocol":"TCP"}': {} };
    assert.deepEqual(at({ 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:ports': port } } } }), {
      value: { containerPort: 80, protocol: 'TCP' },
    });
  });
  it('finds a set member by value and a positional item by index', () => {
    assert.deepEqual(at({ 'f:metadata': { 'f:finalizers': { 'v:"ferry.dev/keep"': {} } } }), {
      value: 'ferry.dev/keep',
    });
    assert.deepEqual(at({ 'f:spec': { 'f:args': { 'i:1': {} } } }), { value: 'b' });
  });
  it('tells a null value from an absent one', () => {
    assert.deepEqual(at({ 'f:metadata': { 'f:creationTimestamp': {} } }), { value: null });
    assert.equal(at({ 'f:metadata': { 'f:labels': {} } }), undefined);
    assert.equal(at({ 'f:spec': { 'f:containers': { 'k:{"name":"gone"}': {} } } }), undefined);
    assert.equal(at({ 'f:spec': { 'f:args': { 'i:2': {} } } }), undefined);
  });
  it('compares found values deeply, and absent only equals absent', () => {
    assert.equal(sameValue({ value: { a: [1] } }, { value: { a: [1] } }), true);
    assert.equal(sameValue({ value: null }, undefined), false);
    assert.equal(sameValue(undefined, undefined), true);
  });
});
