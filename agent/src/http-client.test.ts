import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectionFailure } from './net-errors.ts';
import { createHttpClient, proxyFor, text } from './http-client.ts';

describe('proxyFor', () => {
  const cases: [string, string, NodeJS.ProcessEnv, string | undefined][] = [
    ['no proxy variables', 'https://git.example.com/r.git', {}, undefined],
    [
      'https uses HTTPS_PROXY',
      'https://git.example.com/r.git',
      { HTTPS_PROXY: 'http://p:3128' },
      'http://p:3128/',
    ],
    [
      'https falls back to HTTP_PROXY',
      'https://git.example.com/r',
      { HTTP_PROXY: 'http://p:3128' },
      'http://p:3128/',
    ],
    ['http ignores HTTPS_PROXY', 'http://git.example.com/r', { HTTPS_PROXY: 'http://p:3128' }, undefined],
    ['lower-case names count', 'http://git.example.com/r', { http_proxy: 'p:8080' }, 'http://p:8080/'],
    [
      'NO_PROXY host',
      'https://git.example.com/r',
      { HTTPS_PROXY: 'http://p', NO_PROXY: 'git.example.com' },
      undefined,
    ],
    [
      'NO_PROXY domain',
      'https://git.example.com/r',
      { HTTPS_PROXY: 'http://p', NO_PROXY: '.example.com' },
      undefined,
    ],
    ['NO_PROXY wildcard', 'https://git.example.com/r', { HTTPS_PROXY: 'http://p', NO_PROXY: '*' }, undefined],
    [
      'NO_PROXY other port',
      'https://git.example.com/r',
      { HTTPS_PROXY: 'http://p', NO_PROXY: 'git.example.com:8443' },
      'http://p/',
    ],
    [
      'NO_PROXY same port',
      'https://git.example.com:8443/r',
      { HTTPS_PROXY: 'http://p', NO_PROXY: 'git.example.com:8443' },
      undefined,
    ],
    [
      'NO_PROXY suffix is not a substring',
      'https://notexample.com/r',
      { HTTPS_PROXY: 'http://p', NO_PROXY: 'example.com' },
      'http://p/',
    ],
    [
      'NO_PROXY list',
      'http://10.0.0.1/r',
      { HTTP_PROXY: 'http://p', NO_PROXY: 'localhost, 10.0.0.1' },
      undefined,
    ],
  ];
  for (const [name, url, env, expected] of cases) {
    it(name, () => {
      assert.equal(proxyFor(new URL(url), env)?.href, expected);
    });
  }
});

describe('createHttpClient against a local server', () => {
  let server: Server;
  let base: string;
  const connections = new Set<Socket>();
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/silent') return; // never answers: the client's timeout must end it
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'text/plain');
        res.end(`${req.method ?? ''} ${req.url ?? ''} ${body}`);
      });
    });
    server.on('connection', (socket) => connections.add(socket));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });

  it('sends the body and reads the answer, reusing one kept-alive connection', async () => {
    connections.clear();
    const http = createHttpClient({ timeoutMs: 5_000, connections: 1 });
    try {
      for (const n of [1, 2, 3]) {
        const answer = await http.request(`${base}/echo`, { method: 'POST', body: `n=${String(n)}` });
        assert.equal(answer.statusCode, 200);
        assert.equal(await text(answer.body), `POST /echo n=${String(n)}`);
      }
      assert.equal(connections.size, 1);
    } finally {
      http.close();
    }
  });

  it('fails a request that gets no answer within the timeout with ETIMEDOUT', async () => {
    const http = createHttpClient({ timeoutMs: 200 });
    try {
      const error = await http.request(`${base}/silent`, { method: 'GET' }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      assert.equal(connectionFailure(error), 'ETIMEDOUT');
    } finally {
      http.close();
    }
  });

  it('names a refused connection ECONNREFUSED', async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const http = createHttpClient({ timeoutMs: 2_000 });
    try {
      const error = await http.request(`http://127.0.0.1:${String(port)}/`, { method: 'GET' }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      assert.equal(connectionFailure(error), 'ECONNREFUSED');
    } finally {
      http.close();
    }
  });

  it('stops waiting when the signal aborts', async () => {
    const http = createHttpClient({ timeoutMs: 0 });
    const abort = new AbortController();
    try {
      const pending = http.request(`${base}/silent`, { method: 'GET', signal: abort.signal });
      abort.abort();
      await assert.rejects(pending, { name: 'AbortError' });
    } finally {
      http.close();
    }
  });
});
