import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRef, parseApiVersion, refKey } from './object-ref.ts';

const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' };
const namespace = { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'web' };

describe('ObjectRef', () => {
  it('formats a namespaced object with its group', () => {
    assert.equal(formatRef(deployment), 'Deployment.apps/web/api');
  });
  it('formats a cluster-scoped core object without namespace or group', () => {
    assert.equal(formatRef(namespace), 'Namespace/web');
  });
  it('keys ignore the version, so v1beta1 and v1 of one object are the same object', () => {
    assert.equal(refKey({ ...deployment, version: 'v1beta1' }), refKey(deployment));
    assert.notEqual(refKey(deployment), refKey({ ...deployment, namespace: 'other' }));
  });
  it('splits apiVersions of the core group and of named groups', () => {
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
  });
});
