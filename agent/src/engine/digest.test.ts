import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import { DIGEST_ANNOTATION, isSubset, isUnchanged, manifestDigest } from './digest.ts';

const manifest = (data: Record<string, string>): KubeObject => {
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'n' },
    data,
  };
  object.metadata.annotations = { [DIGEST_ANNOTATION]: manifestDigest(object) };
  return object;
};

describe('the unchanged fast path', () => {
  it('digests do not depend on key order or on the digest annotation itself', () => {
    const a = manifestDigest({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
      data: { x: '1', y: '2' },
    });
    const b = manifestDigest({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'a', annotations: { [DIGEST_ANNOTATION]: 'old' } },
      data: { y: '2', x: '1' },
    });
    assert.equal(a, b);
  });
  it('is unchanged when the digest matches and every field still has its value, whatever the server added', () => {
    const desired = manifest({ key: 'v' });
    const live: KubeObject = {
      ...structuredClone(desired),
      metadata: { ...structuredClone(desired.metadata), uid: 'u', resourceVersion: '9' },
    };
    assert.equal(isUnchanged(desired, live), true);
  });
  it('falls back to the dry-run after drift, a changed manifest, or an object Ferry never applied', () => {
    const desired = manifest({ key: 'v' });
    assert.equal(isUnchanged(desired, { ...structuredClone(desired), data: { key: 'drifted' } }), false);
    assert.equal(isUnchanged(manifest({ key: 'w' }), structuredClone(desired)), false);
    assert.equal(
      isUnchanged(desired, { ...structuredClone(desired), metadata: { name: 'a', namespace: 'n' } }),
      false,
    );
    assert.equal(isUnchanged(desired, undefined), false);
  });
  it('compares lists item by item and by length', () => {
    assert.equal(isSubset([{ a: 1 }], [{ a: 1, b: 2 }]), true);
    assert.equal(isSubset([{ a: 1 }], [{ a: 1 }, { a: 2 }]), false);
    assert.equal(isSubset({ a: '1' }, { a: 1 }), false);
  });
  it("compares a Secret's stringData with the base64 data the API server stores", () => {
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { password: 'pw' },
    };
    desired.metadata.annotations = { [DIGEST_ANNOTATION]: manifestDigest(desired) };
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: structuredClone(desired.metadata),
      data: { password: Buffer.from('pw').toString('base64') },
    };
    assert.equal(isUnchanged(desired, live), true);
    assert.equal(
      isUnchanged(desired, { ...live, data: { password: Buffer.from('other').toString('base64') } }),
      false,
    );
  });
});
