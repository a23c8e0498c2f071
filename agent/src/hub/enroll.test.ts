import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { answerOf, enroll } from './enroll.ts';

const WHAT = 'enrollment at https://hub/api/v1/enroll';

describe('answerOf', () => {
  it('reads an enrollment', () => {
    assert.deepEqual(answerOf(WHAT, 200, '{"cluster":"prod-eu"}'), { kind: 'enrolled', cluster: 'prod-eu' });
  });

  for (const reason of ['unknown', 'expired', 'used', 'superseded', 'credential-in-use'] as const) {
    it(`reads a refusal for reason ${reason}`, () => {
      const body = JSON.stringify({
        error: { code: 'enrollment-refused', reason, message: `token ${reason}` },
      });
      assert.deepEqual(answerOf(WHAT, 403, body), { kind: 'refused', reason, message: `token ${reason}` });
    });
  }

  it('takes anything else as a failure worth retrying, with the status and code', () => {
    assert.deepEqual(answerOf(WHAT, 500, '{"error":{"code":"internal","message":"database locked"}}'), {
      kind: 'failed',
      message: `${WHAT}: HTTP 500 (internal): database locked`,
    });
    assert.deepEqual(answerOf(WHAT, 502, '<html>bad gateway</html>'), {
      kind: 'failed',
      message: `${WHAT}: HTTP 502 (no error code)`,
    });
    assert.equal(
      answerOf(WHAT, 403, '{"error":{"code":"enrollment-refused","reason":"odd"}}').kind,
      'failed',
    );
    assert.equal(answerOf(WHAT, 200, '{}').kind, 'failed');
  });
});

describe('enroll', () => {
  it('posts the token and the digest as JSON', async () => {
    let seen: unknown;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen = {
          method: request.method,
          url: request.url,
          type: request.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
        };
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"cluster":"c1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const result = await enroll(
        { enrollUrl: `http://127.0.0.1:${port}/api/v1/enroll`, ca: undefined },
        'tok',
        'ab'.repeat(32),
      );
      assert.deepEqual(result, { kind: 'enrolled', cluster: 'c1' });
      assert.deepEqual(seen, {
        method: 'POST',
        url: '/api/v1/enroll',
        type: 'application/json',
        body: { token: 'tok', credentialDigest: 'ab'.repeat(32) },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails, without the token in the message, when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const result = await enroll(
      { enrollUrl: `http://127.0.0.1:${port}/api/v1/enroll`, ca: undefined },
      'secret-tok',
      'ab'.repeat(32),
    );
    assert.ok(result.kind === 'failed');
    assert.match(result.message, /ECONNREFUSED/);
    assert.ok(!JSON.stringify(result).includes('secret-tok'));
  });
});
