import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { digest, newToken } from '../crypto.ts';
import { at, T0, tempStore } from './test-store.ts';

describe('API tokens for people', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  const ann = digest(newToken('api'));
  const bob = digest(newToken('api'));

  it('stores a token by its digest with a role, and answers the role for the digest', () => {
    assert.deepEqual(store.createApiToken({ digest: ann, name: 'ann', role: 'admin' }, T0), { ok: true });
    assert.deepEqual(store.createApiToken({ digest: bob, name: 'bob', role: 'viewer' }, T0), { ok: true });
    assert.equal(store.apiTokenRole(ann), 'admin');
    assert.equal(store.apiTokenRole(bob), 'viewer');
    assert.equal(store.apiTokenRole(digest(newToken('api'))), undefined);
  });

  it('refuses a second active token of one name, or a digest already stored', () => {
    assert.deepEqual(
      store.createApiToken({ digest: digest(newToken('api')), name: 'ann', role: 'viewer' }, T0),
      {
        ok: false,
        reason: 'name-taken',
      },
    );
    assert.deepEqual(store.createApiToken({ digest: ann, name: 'carl', role: 'viewer' }, T0), {
      ok: false,
      reason: 'digest-taken',
    });
  });

  it('revokes a token: its digest gives no role, it stays listed, its name is free again', () => {
    assert.equal(store.revokeApiToken('bob', at(10)), true);
    assert.equal(store.apiTokenRole(bob), undefined);
    assert.equal(store.revokeApiToken('bob', at(11)), false);
    const bob2 = digest(newToken('api'));
    assert.deepEqual(store.createApiToken({ digest: bob2, name: 'bob', role: 'admin' }, at(12)), {
      ok: true,
    });
    assert.deepEqual(store.listApiTokens(), [
      { name: 'ann', role: 'admin', createdAt: T0, revokedAt: undefined },
      { name: 'bob', role: 'viewer', createdAt: T0, revokedAt: at(10) },
      { name: 'bob', role: 'admin', createdAt: at(12), revokedAt: undefined },
    ]);
  });

  it('finds a token by its digest, active or revoked, and nothing for an unknown digest', () => {
    assert.deepEqual(store.apiTokenByDigest(ann), {
      name: 'ann',
      role: 'admin',
      createdAt: T0,
      revokedAt: undefined,
    });
    assert.deepEqual(store.apiTokenByDigest(bob), {
      name: 'bob',
      role: 'viewer',
      createdAt: T0,
      revokedAt: at(10),
    });
    assert.equal(store.apiTokenByDigest(digest(newToken('api'))), undefined);
  });
});
