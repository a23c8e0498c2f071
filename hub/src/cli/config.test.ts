import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configPath, normalizeHubUrl, readConfig, resolveConnection, writeConfig } from './config.ts';
import { CliError, EXIT } from './exit-codes.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-config-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

describe('the config file', () => {
  it('lives at FERRY_CONFIG, else under XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(configPath({ env: { FERRY_CONFIG: '/x/c.json' }, home: '/h' }), '/x/c.json');
    assert.equal(configPath({ env: { XDG_CONFIG_HOME: '/xdg' }, home: '/h' }), '/xdg/ferry/config.json');
    assert.equal(configPath({ env: {}, home: '/h' }), '/h/.config/ferry/config.json');
  });

  it('is written whole, readable by its owner only, and read back', () => {
    const path = join(dir, 'nested', 'config.json');
    writeConfig(path, { hub: 'https://hub.example.com', token: 't0ken', ca: PEM });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'nested')).mode & 0o077, 0);
    assert.deepEqual(readConfig(path), { hub: 'https://hub.example.com', token: 't0ken', ca: PEM });
    writeConfig(path, { hub: 'https://other.example.com', token: 'second' });
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      hub: 'https://other.example.com',
      token: 'second',
    });
  });

  it('is absent without error, and refused by name when broken', () => {
    assert.equal(readConfig(join(dir, 'none.json')), undefined);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"hub": 1}');
    assert.throws(
      () => readConfig(broken),
      (error: unknown) =>
        error instanceof CliError && error.message.includes(broken) && error.exitCode === EXIT.failure,
    );
  });
});

describe('resolveConnection', () => {
  const path = join(dir, 'resolve.json');
  writeConfig(path, { hub: 'https://hub.example.com/', token: 'stored-token', ca: PEM });
  const io = (env: Record<string, string>) => ({ env: { FERRY_CONFIG: path, ...env }, home: dir });

  it('takes hub, token and CA from the config file', () => {
    assert.deepEqual(resolveConnection({}, io({})), {
      hub: 'https://hub.example.com',
      token: 'stored-token',
      ca: PEM,
    });
  });

  it('lets FERRY_TOKEN and FERRY_HUB override the file', () => {
    assert.equal(resolveConnection({}, io({ FERRY_TOKEN: 'env-token' })).token, 'env-token');
    const other = resolveConnection(
      {},
      io({ FERRY_HUB: 'https://other.example.com', FERRY_TOKEN: 'env-token' }),
    );
    assert.deepEqual(other, { hub: 'https://other.example.com', token: 'env-token', ca: undefined });
  });

  it('never sends the stored token or CA to another hub', () => {
    assert.deepEqual(resolveConnection({ hub: 'https://evil.example.com' }, io({})), {
      hub: 'https://evil.example.com',
      token: undefined,
      ca: undefined,
    });
  });

  it('reads --ca (over FERRY_CA) from a file', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'PEM FROM FILE');
    assert.equal(resolveConnection({ ca }, io({ FERRY_CA: '/nonexistent' })).ca, 'PEM FROM FILE');
    assert.throws(
      () => resolveConnection({}, io({ FERRY_CA: join(dir, 'missing.pem') })),
      /FERRY_CA .*missing\.pem: cannot read it/,
    );
  });
});

describe('normalizeHubUrl', () => {
  it('keeps scheme, host, port and path, without a trailing slash', () => {
    assert.equal(normalizeHubUrl('https://hub.example.com:8443/', 'x'), 'https://hub.example.com:8443');
    assert.equal(normalizeHubUrl('http://10.0.0.1/ferry/', 'x'), 'http://10.0.0.1/ferry');
  });

  it('refuses credentials, queries and other schemes, naming the source', () => {
    for (const bad of ['https://u:p@hub', 'https://hub/?a=1', 'wss://hub', 'hub.example.com'])
      assert.throws(
        () => normalizeHubUrl(bad, '--hub'),
        (error: unknown) =>
          error instanceof CliError && error.exitCode === EXIT.usage && error.message.startsWith('--hub: '),
        bad,
      );
  });
});
