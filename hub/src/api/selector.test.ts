import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSelector } from './selector.ts';

describe('label selectors', () => {
  it('reads key=value pairs, every one of which must match', () => {
    assert.deepEqual(parseSelector('env=prod,team=a'), { ok: true, selector: { env: 'prod', team: 'a' } });
    assert.deepEqual(parseSelector('app.kubernetes.io/name=web'), {
      ok: true,
      selector: { 'app.kubernetes.io/name': 'web' },
    });
    assert.deepEqual(parseSelector('tier='), { ok: true, selector: { tier: '' } });
  });

  it('reads a key that is also the name of an object property like any other', () => {
    assert.deepEqual(parseSelector('constructor=x'), { ok: true, selector: { constructor: 'x' } });
  });

  it('accepts the same pair twice and refuses two values for one key', () => {
    assert.deepEqual(parseSelector('env=prod,env=prod'), { ok: true, selector: { env: 'prod' } });
    assert.equal(parseSelector('env=prod,env=dev').ok, false);
  });

  it('refuses what is not equality on valid keys and values', () => {
    for (const text of ['env', 'env!=prod', 'env in (a)', '=prod', 'env=prod,', 'env=-x', 'Bad.Prefix/x=y']) {
      assert.equal(parseSelector(text).ok, false, text);
    }
  });
});
