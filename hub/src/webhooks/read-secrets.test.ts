import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readWebhookSecrets } from './read-secrets.ts';

const FILES: Record<string, string> = {
  '/etc/ferry/webhook-secret': 'from-the-file-0123456789\n',
  '/etc/ferry/webhook-secrets.json': '{"https://github.com/acme/fleet.git": "fleet-own-secret-0123"}',
  '/etc/ferry/short': 'short\n',
};
const readText = (path: string): string => {
  const text = FILES[path];
  if (text === undefined) throw new Error('ENOENT: no such file');
  return text;
};

describe('readWebhookSecrets', () => {
  it('reads the shared secret file over the variable, and the per-repository file', () => {
    const secrets = readWebhookSecrets(
      {
        sharedFile: '/etc/ferry/webhook-secret',
        shared: 'from-the-variable-0123456789',
        perRepoFile: '/etc/ferry/webhook-secrets.json',
      },
      readText,
    );
    assert.equal(secrets.shared, 'from-the-file-0123456789');
    assert.deepEqual([...secrets.byRepo], [['github.com/acme/fleet', 'fleet-own-secret-0123']]);
  });

  it('takes the variable when no file is named, and nothing when nothing is', () => {
    const names = { sharedFile: undefined, perRepoFile: undefined };
    assert.equal(
      readWebhookSecrets({ ...names, shared: 'from-the-variable-0123456789' }, readText).shared,
      'from-the-variable-0123456789',
    );
    const none = readWebhookSecrets({ ...names, shared: undefined }, readText);
    assert.equal(none.shared, undefined);
    assert.equal(none.byRepo.size, 0);
  });

  it('names the flag and file that cannot be read or hold a bad secret, never the secret', () => {
    assert.throws(
      () =>
        readWebhookSecrets({ sharedFile: '/nowhere', shared: undefined, perRepoFile: undefined }, readText),
      { message: '--webhook-secret-file /nowhere: cannot read it: ENOENT: no such file' },
    );
    assert.throws(
      () =>
        readWebhookSecrets(
          { sharedFile: '/etc/ferry/short', shared: undefined, perRepoFile: undefined },
          readText,
        ),
      { message: '--webhook-secret-file /etc/ferry/short: the secret must be at least 16 characters' },
    );
    assert.throws(
      () =>
        readWebhookSecrets(
          { sharedFile: undefined, shared: undefined, perRepoFile: '/etc/ferry/short' },
          readText,
        ),
      /^WebhookSecretsError: --webhook-secrets \/etc\/ferry\/short: must be a JSON object/,
    );
  });
});
