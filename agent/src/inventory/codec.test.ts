import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import { decodeInventory, encodeInventory, inventoryOf, mergeInventories, subtractRefs } from './codec.ts';

const WHERE = 'ConfigMap/ferry-system/ferry-inventory';

function ref(kind: string, namespace: string, name: string, group = '', version = 'v1'): ObjectRef {
  return { group, version, kind, namespace, name };
}

const DEPLOY = ref('Deployment', 'shop', 'web', 'apps');
const SERVICE = ref('Service', 'shop', 'web');
const NAMESPACE = ref('Namespace', '', 'shop');

function manyRefs(count: number): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (let i = 0; i < count; i++) {
    // Long, realistic names: 5,000 of them make about 1.3 MB of text, more than a ConfigMap holds.
    const name = `payments-ledger-reconciler-${String(i).padStart(5, '0')}-${'x'.repeat(180)}`;
    refs.push(
      ref(i % 2 === 0 ? 'ConfigMap' : 'Deployment', `team-${i % 37}`, name, i % 2 === 0 ? '' : 'apps'),
    );
  }
  return refs;
}

function encodedBytes(data: Record<string, string>): number {
  return Object.entries(data).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

describe('encodeInventory / decodeInventory', () => {
  it('stores a small inventory as plain sorted lines', () => {
    const data = encodeInventory({ entries: [SERVICE, DEPLOY, NAMESPACE] });
    assert.deepEqual(data, {
      format: 'v1',
      entries: ['|v1|Namespace||shop', '|v1|Service|shop|web', 'apps|v1|Deployment|shop|web'].join('\n'),
    });
  });

  it('round-trips 5,000 entries compressed, under the 1 MiB a ConfigMap holds', () => {
    const refs = manyRefs(5000);
    const plainBytes = refs.reduce((sum, r) => sum + Object.values(r).join('|').length + 1, 0);
    assert.ok(plainBytes > 1024 * 1024, `test data should not fit uncompressed (${plainBytes} bytes)`);
    const data = encodeInventory({ entries: refs });
    assert.equal(data.format, 'v1-gzip');
    assert.equal(data.entries, undefined);
    assert.ok(encodedBytes(data) < 1024 * 1024, `encoded ${encodedBytes(data)} bytes`);
    assert.deepEqual(decodeInventory(data, WHERE), inventoryOf(refs));
    assert.equal(decodeInventory(data, WHERE).entries.length, 5000);
  });

  it('compresses exactly when the text passes the threshold', () => {
    const inventory = { entries: [DEPLOY, SERVICE] };
    const textBytes = encodeInventory(inventory).entries?.length ?? 0;
    assert.equal(encodeInventory(inventory, { compressAboveBytes: textBytes }).format, 'v1');
    assert.equal(encodeInventory(inventory, { compressAboveBytes: textBytes - 1 }).format, 'v1-gzip');
    const gz = encodeInventory(inventory, { compressAboveBytes: 0 });
    assert.deepEqual(decodeInventory(gz, WHERE), inventoryOf([DEPLOY, SERVICE]));
  });

  it('encodes the same set identically whatever order it arrives in', () => {
    const refs = manyRefs(300);
    const shuffled = [...refs].reverse();
    assert.deepEqual(encodeInventory({ entries: shuffled }), encodeInventory({ entries: refs }));
    assert.deepEqual(
      decodeInventory(encodeInventory({ entries: shuffled }), WHERE).entries,
      inventoryOf(refs).entries,
    );
  });

  it('round-trips an empty inventory', () => {
    assert.deepEqual(decodeInventory(encodeInventory({ entries: [] }), WHERE), { entries: [] });
  });

  it('keeps the core group, cluster scope and the API version of each entry', () => {
    const crd = ref('CustomResourceDefinition', '', 'widgets.example.com', 'apiextensions.k8s.io');
    const hpa = ref('HorizontalPodAutoscaler', 'shop', 'web', 'autoscaling', 'v2');
    const decoded = decodeInventory(encodeInventory({ entries: [crd, hpa, NAMESPACE] }), WHERE);
    assert.deepEqual(decoded.entries, [NAMESPACE, crd, hpa]);
  });

  it('refuses to encode a field holding the separator', () => {
    assert.throws(() => encodeInventory({ entries: [ref('ConfigMap', 'shop', 'a|b')] }), /name "a\|b"/);
  });
});

describe('decodeInventory on malformed data', () => {
  const cases: { name: string; data: Record<string, string>; error: RegExp }[] = [
    {
      name: 'a line with too few fields is named with its number and text',
      data: { format: 'v1', entries: '|v1|Service|shop|web\napps|v1|Deployment|shop' },
      error: /ferry-inventory: line 2 "apps\|v1\|Deployment\|shop": expected .* found 4/,
    },
    {
      name: 'a line with an empty kind or name is refused',
      data: { format: 'v1', entries: '|v1||shop|' },
      error: /line 1 .*: empty kind, name/,
    },
    {
      name: 'a blank line in the middle is refused, not skipped',
      data: { format: 'v1', entries: '|v1|Service|shop|a\n\n|v1|Service|shop|b' },
      error: /line 2 "": expected/,
    },
    {
      name: 'the same object twice is refused, naming both lines',
      data: { format: 'v1', entries: 'apps|v1|Deployment|shop|web\napps|v2|Deployment|shop|web' },
      error: /line 2 .* repeats the object on line 1/,
    },
    {
      name: 'an unknown format is refused',
      data: { format: 'v9', entries: '' },
      error: /ConfigMap\/ferry-system\/ferry-inventory: format "v9"; this agent reads formats v1, v1-gzip/,
    },
    {
      name: 'data with no format key is refused',
      data: { entries: '|v1|Service|shop|web' },
      error: /no "format" key/,
    },
    {
      name: 'a gzip format without its key is refused',
      data: { format: 'v1-gzip', entries: '|v1|Service|shop|web' },
      error: /format "v1-gzip" but no "entries.gz" key/,
    },
    {
      name: 'gzip data that does not inflate is refused',
      data: { format: 'v1-gzip', 'entries.gz': 'bm90IGd6aXA=' },
      error: /"entries.gz" is not base64 of gzip data/,
    },
  ];
  for (const { name, data, error } of cases) {
    it(name, () => {
      assert.throws(() => decodeInventory(data, WHERE), error);
    });
  }

  it('accepts one trailing newline from a hand edit', () => {
    const decoded = decodeInventory({ format: 'v1', entries: '|v1|Service|shop|web\n' }, WHERE);
    assert.deepEqual(decoded.entries, [SERVICE]);
  });
});

describe('inventory set operations', () => {
  it('merging is a union that keeps the newer API version from the second inventory', () => {
    const hpaV1 = ref('HorizontalPodAutoscaler', 'shop', 'web', 'autoscaling', 'v1');
    const hpaV2 = ref('HorizontalPodAutoscaler', 'shop', 'web', 'autoscaling', 'v2');
    const merged = mergeInventories({ entries: [hpaV1, SERVICE] }, { entries: [hpaV2, DEPLOY] });
    assert.deepEqual(merged, inventoryOf([DEPLOY, hpaV2, SERVICE]));
    assert.equal(merged.entries.length, 3);
  });

  it('merging sorts by key', () => {
    const merged = mergeInventories({ entries: [SERVICE] }, { entries: [NAMESPACE, DEPLOY] });
    assert.deepEqual(merged.entries, [NAMESPACE, SERVICE, DEPLOY]);
  });

  it('subtracting ignores the API version and keeps the first set order', () => {
    const deployV1beta = ref('Deployment', 'shop', 'web', 'apps', 'v1beta1');
    assert.deepEqual(subtractRefs([SERVICE, DEPLOY, NAMESPACE], [deployV1beta]), [SERVICE, NAMESPACE]);
    assert.deepEqual(subtractRefs([SERVICE], []), [SERVICE]);
    assert.deepEqual(subtractRefs([], [SERVICE]), []);
  });
});
