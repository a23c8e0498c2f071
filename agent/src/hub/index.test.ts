import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@ferry/shared';
import { startHubLink } from './index.ts';
import { FakeKube, secret } from './testing/fake-kube.ts';

function logger(): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    log: createLogger({
      level: 'debug',
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    }),
  };
}

describe('startHubLink', () => {
  it('runs alone when there is no hub Secret, and says so once', async () => {
    const { lines, log } = logger();
    const link = await startHubLink({
      kube: new FakeKube().api,
      namespace: 'ferry-system',
      gitSync: 'ferry',
      log,
    });
    assert.equal(link, undefined);
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [['info', 'no hub configured: running alone']],
    );
  });

  it('runs alone on a bad hub Secret, naming the Secret and key', async () => {
    const kube = new FakeKube();
    kube.put(
      secret('ferry-system', 'ferry-agent-hub', { url: 'ftp://hub.example.com', enrollmentToken: 'tok' }),
    );
    const { lines, log } = logger();
    assert.equal(
      await startHubLink({ kube: kube.api, namespace: 'ferry-system', gitSync: 'ferry', log }),
      undefined,
    );
    assert.equal(lines[0]?.level, 'error');
    assert.equal(
      lines[0].msg,
      'hub configuration not used, running alone: Secret ferry-system/ferry-agent-hub key url uses ftp:, expected http: or https:',
    );
  });

  it('makes a link with a fresh epoch from a good Secret, and logs no token', async () => {
    const kube = new FakeKube();
    kube.put(
      secret('ferry-system', 'ferry-agent-hub', {
        url: 'https://hub.example.com:8443',
        enrollmentToken: 'tok-123',
      }),
    );
    const { lines, log } = logger();
    const link = await startHubLink({ kube: kube.api, namespace: 'ferry-system', gitSync: 'ferry', log });
    assert.ok(link);
    assert.equal(link.config.channelUrl, 'wss://hub.example.com:8443/api/v1/agents/connect');
    assert.match(link.epoch, /^[0-9a-f-]{36}$/);
    assert.ok(!JSON.stringify(lines).includes('tok-123'));
  });
});
