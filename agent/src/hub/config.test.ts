import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeApi, KubeObject } from '../kube/index.ts';
import { hubUrls, parseHubConfig, readHubConfig } from './config.ts';

const WHERE = 'Secret ferry-system/ferry-agent-hub';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('hubUrls', () => {
  const cases: { name: string; url: string; channel: string; enroll: string }[] = [
    {
      name: 'an https hub gets a wss channel on the same port',
      url: 'https://hub.example.com:8443',
      channel: 'wss://hub.example.com:8443/api/v1/agents/connect',
      enroll: 'https://hub.example.com:8443/api/v1/enroll',
    },
    {
      name: 'an http hub gets a ws channel',
      url: 'http://127.0.0.1:8080/',
      channel: 'ws://127.0.0.1:8080/api/v1/agents/connect',
      enroll: 'http://127.0.0.1:8080/api/v1/enroll',
    },
    {
      name: 'a hub under a path prefix keeps it',
      url: 'https://example.com/ferry/ ',
      channel: 'wss://example.com/ferry/api/v1/agents/connect',
      enroll: 'https://example.com/ferry/api/v1/enroll',
    },
  ];
  for (const { name, url, channel, enroll } of cases) {
    it(name, () => {
      const urls = hubUrls(url);
      assert.ok(urls.ok);
      assert.equal(urls.channelUrl, channel);
      assert.equal(urls.enrollUrl, enroll);
    });
  }

  const refused: { url: string; problem: string }[] = [
    { url: '', problem: 'is empty' },
    { url: 'hub.example.com', problem: 'is not a URL' },
    { url: 'wss://hub.example.com', problem: 'uses wss:, expected http: or https:' },
    { url: 'https://admin:s3cret@hub.example.com', problem: 'must not carry a user or password' },
    { url: 'https://hub.example.com/?x=1', problem: 'must not have a query or a fragment' },
  ];
  for (const { url, problem } of refused) {
    it(`refuses ${JSON.stringify(url)}: ${problem}`, () => {
      assert.deepEqual(hubUrls(url), { ok: false, problem });
    });
  }
});

describe('parseHubConfig', () => {
  it('reads the url, the one-time token (trimmed) and the CA', () => {
    const result = parseHubConfig(WHERE, {
      url: 'https://hub.example.com:8443',
      enrollmentToken: 'tok_123\n',
      'ca.crt': PEM,
    });
    assert.deepEqual(result, {
      kind: 'configured',
      config: {
        url: 'https://hub.example.com:8443',
        channelUrl: 'wss://hub.example.com:8443/api/v1/agents/connect',
        enrollUrl: 'https://hub.example.com:8443/api/v1/enroll',
        enrollmentToken: 'tok_123',
        ca: PEM,
      },
    });
  });

  it('takes empty token and CA keys as absent', () => {
    const result = parseHubConfig(WHERE, { url: 'https://hub', enrollmentToken: '', 'ca.crt': ' ' });
    assert.ok(result.kind === 'configured');
    assert.equal(result.config.enrollmentToken, undefined);
    assert.equal(result.config.ca, undefined);
  });

  it('names the Secret and the key of a bad url', () => {
    assert.deepEqual(parseHubConfig(WHERE, { url: 'ftp://hub' }), {
      kind: 'invalid',
      message: `${WHERE} key url uses ftp:, expected http: or https:`,
    });
    assert.deepEqual(parseHubConfig(WHERE, { enrollmentToken: 'x' }), {
      kind: 'invalid',
      message: `${WHERE} key url is missing`,
    });
  });

  it('refuses a token with spaces without quoting it', () => {
    const result = parseHubConfig(WHERE, { url: 'https://hub', enrollmentToken: 'two words' });
    assert.ok(result.kind === 'invalid');
    assert.ok(!result.message.includes('two words'));
    assert.match(result.message, /key enrollmentToken/);
  });

  it('refuses a CA that is no PEM certificate', () => {
    assert.deepEqual(parseHubConfig(WHERE, { url: 'https://hub', 'ca.crt': 'not a cert' }), {
      kind: 'invalid',
      message: `${WHERE} key ca.crt holds no PEM certificate`,
    });
  });

  it('lets --hub-url win over the Secret, and says so in its errors', () => {
    const result = parseHubConfig(WHERE, { url: 'https://hub' }, 'http://localhost:9000');
    assert.equal(
      result.kind === 'configured' && result.config.channelUrl,
      'ws://localhost:9000/api/v1/agents/connect',
    );
    assert.deepEqual(parseHubConfig(WHERE, {}, 'nope'), {
      kind: 'invalid',
      message: '--hub-url is not a URL',
    });
  });
});

describe('readHubConfig', () => {
  const kubeWith = (secret: KubeObject | undefined): KubeApi =>
    ({ get: () => Promise.resolve(secret) }) as unknown as KubeApi;
  const b64 = (text: string): string => Buffer.from(text).toString('base64');

  it('answers absent when there is no Secret: the agent runs alone', async () => {
    assert.deepEqual(await readHubConfig(kubeWith(undefined), { namespace: 'ferry-system' }), {
      kind: 'absent',
    });
  });

  it('decodes the Secret’s data', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ferry-agent-hub', namespace: 'ferry-system' },
      data: { url: b64('https://hub.example.com'), enrollmentToken: b64('abc') },
    };
    const result = await readHubConfig(kubeWith(secret), { namespace: 'ferry-system' });
    assert.equal(result.kind === 'configured' && result.config.enrollmentToken, 'abc');
  });

  it('uses --hub-url with no Secret at all', async () => {
    const result = await readHubConfig(kubeWith(undefined), {
      namespace: 'ferry-system',
      urlOverride: 'http://127.0.0.1:9000',
    });
    assert.equal(result.kind === 'configured' && result.config.url, 'http://127.0.0.1:9000');
  });
});
