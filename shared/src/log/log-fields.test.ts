import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CAUSES, toLogError, toLogFields } from './log-fields.ts';

describe('toLogFields: redaction', () => {
  const cases: { name: string; fields: Record<string, unknown>; expected: unknown }[] = [
    {
      name: 'a key naming a secret is redacted, whatever its case',
      fields: { password: 'p', gitToken: 't', CLIENT_SECRET: 's', credentials: 'c', Authorization: 'a' },
      expected: {
        password: '[redacted]',
        gitToken: '[redacted]',
        CLIENT_SECRET: '[redacted]',
        credentials: '[redacted]',
        Authorization: '[redacted]',
      },
    },
    {
      name: 'nested keys are redacted at any depth, in arrays too',
      fields: {
        repo: { url: 'https://git', auth: { basic: { username: 'u', password: 'p' } } },
        list: [{ token: 't' }],
      },
      expected: {
        repo: { url: 'https://git', auth: { basic: { username: 'u', password: '[redacted]' } } },
        list: [{ token: '[redacted]' }],
      },
    },
    {
      name: 'a secret-named key is redacted whole, even when its value is an object',
      fields: { secretData: { 'ca.crt': 'pem', key: 'k' } },
      expected: { secretData: '[redacted]' },
    },
    {
      name: 'the password in a URL is redacted, the user and host kept',
      fields: { url: 'fetching https://x-access-token:ghp_abc@github.example/org/repo.git now' },
      expected: { url: 'fetching https://x-access-token:[redacted]@github.example/org/repo.git now' },
    },
    {
      name: 'a map is written as an object and redacted the same way',
      fields: {
        headers: new Map([
          ['authorization', 'Bearer t'],
          ['accept', 'json'],
        ]),
      },
      expected: { headers: { authorization: '[redacted]', accept: 'json' } },
    },
  ];
  for (const { name, fields, expected } of cases) {
    it(name, () => {
      assert.deepEqual(toLogFields(fields), expected);
    });
  }
});

describe('toLogFields: values', () => {
  it('writes dates as ISO, bigints as strings, bytes as their size, and leaves out what has no JSON form', () => {
    assert.deepEqual(
      toLogFields({
        at: new Date('2025-01-02T03:04:05.000Z'),
        big: 12n,
        data: Buffer.from('c2VjcmV0', 'base64'),
        nothing: undefined,
        fn: () => 1,
        nil: null,
        set: new Set(['a']),
      }),
      { at: '2025-01-02T03:04:05.000Z', big: '12', data: '[6 bytes]', nil: null, set: ['a'] },
    );
  });

  it('a cycle is cut, but the same object twice is written twice', () => {
    const shared = { a: 1 };
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    assert.deepEqual(toLogFields({ loop, x: shared, y: shared }), {
      loop: { name: 'loop', self: '[circular]' },
      x: { a: 1 },
      y: { a: 1 },
    });
  });

  it('very deep objects are cut', () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    assert.match(JSON.stringify(toLogFields({ deep })), /"\[too deep\]"/);
  });
});

describe('toLogError', () => {
  it('writes message, code and cause only, leaving out what else an error carries', () => {
    const error = Object.assign(new Error('apply failed', { cause: new Error('409 conflict') }), {
      code: 'conflict',
      request: { headers: { cookie: 'session=abc' } },
    });
    assert.deepEqual(toLogError(error), {
      message: 'apply failed',
      code: 'conflict',
      cause: { message: '409 conflict' },
    });
  });

  it('a cause that is not an Error is written as a value', () => {
    assert.deepEqual(toLogError(new Error('outer', { cause: { status: 503, token: 't' } })), {
      message: 'outer',
      cause: { status: 503, token: '[redacted]' },
    });
  });

  it('the cause chain is bounded', () => {
    let error = new Error('root');
    for (let i = 1; i <= 20; i++) error = new Error(`level ${i}`, { cause: error });
    let depth = 0;
    let node: unknown = toLogError(error);
    while (typeof node === 'object' && node !== null && 'cause' in node) {
      node = node.cause;
      depth++;
    }
    assert.equal(depth, MAX_CAUSES + 1);
    assert.equal(node, '[more causes]');
  });

  it('an error that is its own cause ends', () => {
    const error = new Error('self');
    error.cause = error;
    assert.deepEqual(toLogError(error), {
      message: 'self',
      cause: { message: 'self', cause: '[more causes]' },
    });
  });

  it('a URL password in a message is redacted', () => {
    assert.deepEqual(toLogError(new Error('cannot reach https://u:pw@git.example/r.git')), {
      message: 'cannot reach https://u:[redacted]@git.example/r.git',
    });
  });
});
