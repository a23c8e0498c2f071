// The agent's one observability port: /healthz (liveness), /readyz (readiness) and /metrics
// (Prometheus), on node:http. It answers from the callbacks it is given and decides nothing itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPOSITION_CONTENT_TYPE } from './exposition.ts';

/** The answer of a liveness or readiness check; the reason is the 503's body. */
export interface Probe {
  readonly ok: boolean;
  readonly reason?: string;
}

export interface ObserveServerOptions {
  /** 0 picks a free port (see the returned `port`). */
  readonly port: number;
  /** The address to listen on; all interfaces when left out (kubelet probes come from the node). */
  readonly host?: string;
  readonly metrics: { render(): string };
  readonly ready: () => Probe;
  readonly live: () => Probe;
}

export interface ObserveServer {
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and ends every connection, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
}

const TEXT = 'text/plain; charset=utf-8';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one request gets. Pure apart from the callbacks. */
export function answer(
  method: string | undefined,
  url: string | undefined,
  options: ObserveServerOptions,
): Answer {
  const path = new URL(url ?? '/', 'http://localhost').pathname;
  const route = ROUTES[path];
  if (route === undefined) return { status: 404, contentType: TEXT, body: `not found: ${path}\n` };
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      contentType: TEXT,
      body: `method ${method ?? ''} not allowed\n`,
      headers: { allow: 'GET, HEAD' },
    };
  }
  try {
    return route(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: path === '/metrics' ? 500 : 503, contentType: TEXT, body: `${message}\n` };
  }
}

function probe(check: Probe): Answer {
  if (check.ok) return { status: 200, contentType: TEXT, body: 'ok' };
  return { status: 503, contentType: TEXT, body: check.reason ?? 'not ok' };
}

const ROUTES: Readonly<Record<string, ((options: ObserveServerOptions) => Answer) | undefined>> = {
  '/healthz': (options) => probe(options.live()),
  '/readyz': (options) => probe(options.ready()),
  '/metrics': (options) => ({
    status: 200,
    contentType: EXPOSITION_CONTENT_TYPE,
    body: options.metrics.render(),
  }),
};

function respond(request: IncomingMessage, response: ServerResponse, options: ObserveServerOptions): void {
  const { status, contentType, body, headers = {} } = answer(request.method, request.url, options);
  response.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  // Node leaves the body out of a HEAD response by itself.
  response.end(body);
}

/** Starts listening; resolves once the port is bound, rejects if it cannot be (e.g. in use). */
export function startObserveServer(options: ObserveServerOptions): Promise<ObserveServer> {
  const server = createServer((request, response) => {
    respond(request, response, options);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      let closed: Promise<void> | undefined;
      resolve({
        port,
        close: () => {
          closed ??= new Promise<void>((done) => {
            server.close(() => {
              done();
            });
            server.closeAllConnections();
          });
          return closed;
        },
      });
    });
  });
}
