// The hub's configuration, for the Git webhook relay's secrets: where they come from (flags over the
// environment), read by the server at start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HUB_USAGE, parseHubConfig, type HubConfig } from './config.ts';

function config(argv: readonly string[], env: Record<string, string> = {}): HubConfig {
  const result = parseHubConfig(argv, { env, hostname: 'hub.local' });
  assert.ok(result.ok, JSON.stringify(result));
  return result.config;
}

describe('parseHubConfig: webhook secrets', () => {
  it('names no secret by default: the relay refuses every push', () => {
    assert.deepEqual(config([]).webhookSecrets, {
      sharedFile: undefined,
      shared: undefined,
      perRepoFile: undefined,
    });
  });

  it('takes --webhook-secret-file and --webhook-secrets', () => {
    assert.deepEqual(
      config(['--webhook-secret-file', '/etc/ferry/secret', '--webhook-secrets', '/etc/ferry/secrets.json'])
        .webhookSecrets,
      { sharedFile: '/etc/ferry/secret', shared: undefined, perRepoFile: '/etc/ferry/secrets.json' },
    );
  });

  it('takes the shared secret itself from FERRY_HUB_WEBHOOK_SECRET and the file from FERRY_HUB_WEBHOOK_SECRETS', () => {
    const env = {
      FERRY_HUB_WEBHOOK_SECRET: 'from-the-environment-0123',
      FERRY_HUB_WEBHOOK_SECRETS: '/env/secrets.json',
    };
    assert.deepEqual(config([], env).webhookSecrets, {
      sharedFile: undefined,
      shared: 'from-the-environment-0123',
      perRepoFile: '/env/secrets.json',
    });
    assert.equal(
      config(['--webhook-secrets', '/flag.json'], env).webhookSecrets.perRepoFile,
      '/flag.json',
      'the flag wins',
    );
  });

  it('says so in the usage', () => {
    assert.match(HUB_USAGE, /--webhook-secret-file F/);
    assert.match(HUB_USAGE, /FERRY_HUB_WEBHOOK_SECRET\)/);
    assert.match(HUB_USAGE, /--webhook-secrets F/);
  });
});
