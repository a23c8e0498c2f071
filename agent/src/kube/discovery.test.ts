import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Discovery, type FetchDiscovery } from './discovery.ts';

/** A discovery endpoint serving `kinds` under /api/v1, counting fetches. */
function endpoint(kinds: string[]) {
  const fetched: string[] = [];
  const fetch: FetchDiscovery = (path) => {
    fetched.push(path);
    return Promise.resolve({
      resources: kinds.map((kind) => ({ name: `${kind.toLowerCase()}s`, kind, namespaced: true })),
    });
  };
  return { fetch, fetched };
}

describe('Discovery', () => {
  it('asks once per group-version while the answer is younger than its maximum age', async () => {
    const { fetch, fetched } = endpoint(['ConfigMap']);
    const discovery = new Discovery(fetch, 1_000, 60_000);
    assert.equal((await discovery.resolve('', 'v1', 'ConfigMap'))?.resource, 'configmaps');
    await discovery.resolve('', 'v1', 'ConfigMap');
    await discovery.resources('', 'v1');
    assert.deepEqual(fetched, ['/api/v1']);
  });

  it('asks again once the answer is older than its maximum age, or after invalidate()', async () => {
    const { fetch, fetched } = endpoint(['ConfigMap']);
    const stale = new Discovery(fetch, 1_000, 0);
    await stale.resolve('', 'v1', 'ConfigMap');
    await stale.resolve('', 'v1', 'ConfigMap');
    assert.equal(fetched.length, 2);
    const kept = new Discovery(fetch, 1_000, 60_000);
    await kept.resolve('', 'v1', 'ConfigMap');
    kept.invalidate();
    await kept.resolve('', 'v1', 'ConfigMap');
    assert.equal(fetched.length, 4);
  });

  it('asks again for a kind it does not know (a CRD just established), at most once per refresh period', async () => {
    const kinds = ['ConfigMap'];
    const { fetch, fetched } = endpoint(kinds);
    const discovery = new Discovery(fetch, 0, 60_000);
    assert.equal(await discovery.resolve('', 'v1', 'Gadget'), undefined);
    assert.equal(fetched.length, 2, 'the cached answer, then one refresh');
    kinds.push('Gadget');
    assert.equal((await discovery.resolve('', 'v1', 'Gadget'))?.kind, 'Gadget');
    const once = endpoint(['ConfigMap']);
    const slow = new Discovery(once.fetch, 60_000, 60_000);
    assert.equal(await slow.resolve('', 'v1', 'Gadget'), undefined);
    assert.equal(await slow.resolve('', 'v1', 'Gadget'), undefined);
    assert.deepEqual(once.fetched, ['/api/v1'], 'no refresh within the period');
  });
});
