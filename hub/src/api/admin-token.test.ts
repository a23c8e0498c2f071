import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { digest, newToken } from '../crypto.ts';
import { tempStore, T0 } from '../store/test-store.ts';
import { AdminTokenError, ensureAdminToken } from './admin-token.ts';

describe('the first admin token', () => {
  it('creates the admin token on a store with none, and returns it to be printed once', () => {
    const { store, cleanup } = tempStore();
    after(cleanup);
    const first = ensureAdminToken(store, { now: T0 });
    assert.equal(first.created, true);
    assert.equal(first.name, 'admin');
    assert.ok(first.token !== undefined);
    assert.equal(store.apiTokenRole(digest(first.token)), 'admin');
    assert.deepEqual(ensureAdminToken(store, { now: T0 }), { created: false, name: 'admin' });
    assert.equal(store.listApiTokens().length, 1);
  });

  it('creates it from the environment without returning it (the operator has it)', () => {
    const { store, cleanup } = tempStore();
    after(cleanup);
    const envToken = newToken('api');
    assert.deepEqual(ensureAdminToken(store, { envToken, now: T0 }), { created: true, name: 'admin' });
    assert.equal(store.apiTokenRole(digest(envToken)), 'admin');
    assert.deepEqual(ensureAdminToken(store, { envToken, now: T0 }), { created: false, name: 'admin' });
  });

  it('adds an unknown environment token as a new admin next to the tokens there are (a way back in)', () => {
    const { store, cleanup } = tempStore();
    after(cleanup);
    ensureAdminToken(store, { now: T0 });
    const envToken = newToken('api');
    assert.deepEqual(ensureAdminToken(store, { envToken, now: T0 }), { created: true, name: 'admin-2' });
    assert.equal(store.apiTokenRole(digest(envToken)), 'admin');
  });

  it('refuses an environment token that was revoked: it must not come back', () => {
    const { store, cleanup } = tempStore();
    after(cleanup);
    const envToken = newToken('api');
    ensureAdminToken(store, { envToken, now: T0 });
    store.revokeApiToken('admin', T0);
    assert.throws(
      () => ensureAdminToken(store, { envToken, now: T0 }),
      (error: unknown) => error instanceof AdminTokenError && error.code === 'revoked-env-token',
    );
    assert.equal(store.apiTokenRole(digest(envToken)), undefined);
  });

  it('refuses a weak environment token, without quoting it', () => {
    const { store, cleanup } = tempStore();
    after(cleanup);
    for (const envToken of ['hunter2', 'short-token', `${'x'.repeat(40)} y`, 'x'.repeat(513)]) {
      assert.throws(
        () => ensureAdminToken(store, { envToken, now: T0 }),
        (error: unknown) =>
          error instanceof AdminTokenError &&
          error.code === 'weak-env-token' &&
          !error.message.includes(envToken),
      );
    }
    assert.equal(store.listApiTokens().length, 0);
  });

  it('creates a new admin token when every token was revoked', () => {
    const { store, cleanup } = tempStore();
    after(cleanup);
    ensureAdminToken(store, { now: T0 });
    store.revokeApiToken('admin', T0);
    const again = ensureAdminToken(store, { now: T0 });
    assert.equal(again.created, true);
    assert.equal(again.name, 'admin');
    assert.ok(again.token !== undefined);
    assert.equal(store.apiTokenRole(digest(again.token)), 'admin');
  });
});
