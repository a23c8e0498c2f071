import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryDigest, scanDue } from './due.ts';
import { READINESS_SCAN_INTERVAL_MS } from './types.ts';

const ref = (name: string) => ({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name });

describe('scanDue', () => {
  const inventory = inventoryDigest([ref('a'), ref('b')], 'shop');

  it('is due the first time', () => {
    assert.equal(scanDue(undefined, inventory, 0), true);
  });

  it('is not due after a sync that changed nothing, within 10 minutes', () => {
    assert.equal(scanDue({ at: 1_000, inventory }, inventory, 1_000 + READINESS_SCAN_INTERVAL_MS - 1), false);
  });

  it('is due 10 minutes after the last scan', () => {
    assert.equal(scanDue({ at: 1_000, inventory }, inventory, 1_000 + READINESS_SCAN_INTERVAL_MS), true);
  });

  it('is due when the inventory or the targetNamespace changed', () => {
    assert.equal(scanDue({ at: 1_000, inventory }, inventoryDigest([ref('a')], 'shop'), 1_001), true);
    assert.equal(
      scanDue({ at: 1_000, inventory }, inventoryDigest([ref('a'), ref('b')], 'web'), 1_001),
      true,
    );
  });

  it('the digest ignores order and versions', () => {
    assert.equal(inventoryDigest([ref('b'), { ...ref('a'), version: 'v2' }], 'shop'), inventory);
  });
});
