import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { credentialsFromCli, credentialsFromSecretData, credentialsFromUrl } from './credentials.ts';
import { SourceError } from './errors.ts';

describe('Git credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-creds-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads basic auth, a bearer token and a CA from a Secret with Flux key names', () => {
    assert.deepEqual(credentialsFromSecretData('git', { username: 'u', password: 'p' }), {
      auth: { kind: 'basic', username: 'u', password: 'p' },
    });
    assert.deepEqual(credentialsFromSecretData('git', { bearerToken: 't\n', 'ca.crt': 'PEM' }), {
      auth: { kind: 'bearer', token: 't' },
      ca: 'PEM',
    });
    assert.deepEqual(credentialsFromSecretData('git', {}), { auth: { kind: 'none' } });
  });

  it('names the Secret and the missing key, never a value, when half of basic auth is there', () => {
    assert.throws(
      () => credentialsFromSecretData('git-creds', { username: 'u' }),
      (error: unknown) =>
        error instanceof SourceError && /Secret git-creds has username but no password/.test(error.message),
    );
  });

  it('takes credentials out of a URL so that they never reach a revision or a log', () => {
    assert.deepEqual(credentialsFromUrl('https://bot:s%40cret@git.example/org/repo.git'), {
      url: 'https://git.example/org/repo.git',
      auth: { kind: 'basic', username: 'bot', password: 's@cret' },
    });
    assert.throws(() => credentialsFromUrl('ssh://git@example/repo.git'), /only https:\/\/ and http:\/\//);
  });

  it('reads the command line from files first, then the environment', () => {
    writeFileSync(join(dir, 'token'), 'tok\n');
    writeFileSync(join(dir, 'basic'), 'user:pa:ss\n');
    assert.deepEqual(credentialsFromCli({ tokenFile: join(dir, 'token') }, { FERRY_GIT_TOKEN: 'env' }), {
      kind: 'bearer',
      token: 'tok',
    });
    assert.deepEqual(credentialsFromCli({ basicFile: join(dir, 'basic') }, {}), {
      kind: 'basic',
      username: 'user',
      password: 'pa:ss',
    });
    assert.deepEqual(credentialsFromCli({}, { FERRY_GIT_TOKEN: 'env' }), { kind: 'bearer', token: 'env' });
    assert.deepEqual(credentialsFromCli({}, {}), { kind: 'none' });
    assert.throws(
      () => credentialsFromCli({ tokenFile: join(dir, 'missing') }, {}),
      /cannot read the token file/,
    );
  });
});
