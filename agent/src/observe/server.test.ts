import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { Metrics } from './metrics.ts';
import { startObserveServer, type ObserveServer, type Probe } from './server.ts';

const HOST = '127.0.0.1';

/** A port nothing listens on any more: free once more after the server that had it is closed. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(port, HOST, () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}

describe('observe server', () => {
  const metrics = new Metrics();
  metrics.counter('hits_total', 'Hits.').inc(2);
  let ready: Probe = { ok: false, reason: 'bootstrapping' };
  let live: Probe = { ok: true };
  let server: ObserveServer;
  let base: string;

  before(async () => {
    server = await startObserveServer({ port: 0, host: HOST, metrics, ready: () => ready, live: () => live });
    base = `http://${HOST}:${server.port}`;
  });
  after(() => server.close());

  it('picks a free port when asked for port 0', () => {
    assert.ok(server.port > 0);
  });

  it('serves /metrics in the exposition format', async () => {
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await response.text(), metrics.render());
  });

  it('answers /healthz with ok while live, and 503 with the reason when not', async () => {
    const ok = await fetch(`${base}/healthz`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await ok.text(), 'ok');
    live = { ok: false, reason: 'sync loop stuck for 10m' };
    const stuck = await fetch(`${base}/healthz`);
    assert.equal(stuck.status, 503);
    assert.equal(await stuck.text(), 'sync loop stuck for 10m');
    live = { ok: true };
  });

  it('answers /readyz as readiness flips', async () => {
    const before = await fetch(`${base}/readyz`);
    assert.equal(before.status, 503);
    assert.equal(await before.text(), 'bootstrapping');
    ready = { ok: true };
    const now = await fetch(`${base}/readyz`);
    assert.equal(now.status, 200);
    assert.equal(await now.text(), 'ok');
    ready = { ok: false };
    const lost = await fetch(`${base}/readyz`);
    assert.equal(lost.status, 503);
    assert.equal(await lost.text(), 'not ok');
  });

  it('a probe that throws answers 503 with its message', async () => {
    const throwing = await startObserveServer({
      port: 0,
      host: HOST,
      metrics,
      ready: () => {
        throw new Error('cache unreadable');
      },
      live: () => ({ ok: true }),
    });
    try {
      const response = await fetch(`http://${HOST}:${throwing.port}/readyz`);
      assert.equal(response.status, 503);
      assert.equal(await response.text(), 'cache unreadable\n');
    } finally {
      await throwing.close();
    }
  });

  it('ignores the query string', async () => {
    assert.equal((await fetch(`${base}/healthz?verbose=1`)).status, 200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(`${base}/metrics`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await response.text(), '');
  });

  it('answers other methods with 405 and the allowed ones', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(`${base}/metrics`, { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
      await response.text();
    }
  });

  it('answers unknown paths with 404', async () => {
    for (const path of ['/', '/metrics/', '/health', '/debug/pprof']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 404, path);
      await response.text();
    }
  });
});

describe('observe server close', () => {
  const options = {
    host: HOST,
    metrics: new Metrics(),
    ready: () => ({ ok: true }),
    live: () => ({ ok: true }),
  };

  it('releases the port, even with a keep-alive connection open', async () => {
    const server = await startObserveServer({ port: 0, ...options });
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: HOST, port: server.port, path: '/healthz', agent }, (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode);
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    await server.close();
    assert.equal(await isFree(server.port), true);
    agent.destroy();
  });

  it('ends a connection in the middle of a request instead of waiting for it', async () => {
    const server = await startObserveServer({ port: 0, ...options });
    const socket = connect(server.port, HOST);
    const ended = new Promise<void>((resolve) => {
      socket.on('close', () => {
        resolve();
      });
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n', () => {
        resolve();
      });
    });
    const timer = new AbortController();
    const waited = setTimeout(2000, 'waited', { signal: timer.signal }).catch(() => 'cancelled');
    const outcome = await Promise.race([server.close().then(() => 'closed'), waited]);
    timer.abort();
    assert.equal(outcome, 'closed', 'close() waited for the half-sent request');
    await ended;
  });

  it('can be closed twice', async () => {
    const server = await startObserveServer({ port: 0, ...options });
    await server.close();
    await server.close();
  });

  it('rejects when the port is taken', async () => {
    const first = await startObserveServer({ port: 0, ...options });
    try {
      await assert.rejects(startObserveServer({ port: first.port, ...options }), { code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
