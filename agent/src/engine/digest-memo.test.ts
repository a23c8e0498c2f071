import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import { manifestDigest } from './digest.ts';
import { DigestMemo } from './digest-memo.ts';

const configMap = (name: string, value = '1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'n' },
  data: { key: value },
});

/** A memo that counts the digests it computes. */
function counting(capacity?: number): { memo: DigestMemo; computed: string[] } {
  const computed: string[] = [];
  const memo = new DigestMemo(capacity, (manifest) => {
    computed.push(manifest.metadata.name);
    return manifestDigest(manifest);
  });
  return { memo, computed };
}

describe('DigestMemo', () => {
  it('answers manifestDigest, computing it once per manifest text', () => {
    const { memo, computed } = counting();
    for (let sync = 0; sync < 3; sync++) {
      assert.equal(memo.digest(configMap('a')), manifestDigest(configMap('a')));
      assert.equal(memo.digest(configMap('b')), manifestDigest(configMap('b')));
    }
    assert.deepEqual(computed, ['a', 'b']);
  });

  it('computes again when the manifest changed', () => {
    const { memo, computed } = counting();
    memo.digest(configMap('a', '1'));
    assert.equal(memo.digest(configMap('a', '2')), manifestDigest(configMap('a', '2')));
    assert.deepEqual(computed, ['a', 'a']);
  });

  it('keeps two generations of at most `capacity` entries: what was used lately stays', () => {
    const { memo, computed } = counting(2);
    memo.digest(configMap('a'));
    memo.digest(configMap('b'));
    memo.digest(configMap('c')); // a and b become the previous generation
    memo.digest(configMap('a')); // found there, kept in the current one
    memo.digest(configMap('d')); // c and a become the previous generation; b is dropped
    memo.digest(configMap('a'));
    memo.digest(configMap('b'));
    assert.deepEqual(computed, ['a', 'b', 'c', 'd', 'b']);
  });
});
