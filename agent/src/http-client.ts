// The agent's one HTTP client, on node:http and node:https: keep-alive connections (at most
// `connections` per host), an optional CA and client certificate, an idle timeout, and an optional
// proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (a CONNECT tunnel, so the proxy only pipes bytes).
// Built on Node's own modules rather than undici so an agent loads less: it lives in a small container.
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions } from 'node:tls';

export interface HttpClientOptions {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly rejectUnauthorized?: boolean;
  /** Connections kept open per host (default 8). */
  readonly connections?: number;
  /** How long an idle keep-alive connection stays open (default 30 s). */
  readonly keepAliveMs?: number;
  /** No byte for this long (connecting, waiting for headers, reading the body): the request fails with ETIMEDOUT. 0: none. */
  readonly timeoutMs: number;
  /** Go through the proxy named by HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the host. */
  readonly proxyFromEnv?: boolean;
}

export interface HttpRequest {
  readonly method: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Overrides the client's idle timeout for this request (0: none, for a watch). */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as a stream: read it (text(), bytes() or iterate) or destroy it. */
  readonly body: IncomingMessage;
}

export interface HttpClient {
  request(url: string, request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/** A timeout as the errno code the agent's error lists know (net-errors.ts). */
function timeoutError(url: string, ms: number): Error {
  return Object.assign(new Error(`no answer from ${new URL(url).host} within ${String(ms)} ms`), {
    code: 'ETIMEDOUT',
  });
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const agentOptions = {
    keepAlive: true,
    keepAliveMsecs: 1_000,
    maxSockets: options.connections ?? 8,
    maxFreeSockets: options.connections ?? 8,
    timeout: options.keepAliveMs ?? 30_000,
  };
  const material = {
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.cert !== undefined ? { cert: options.cert } : {}),
    ...(options.key !== undefined ? { key: options.key } : {}),
  };
  // Made once: otherwise every new connection parses the CA and the key again.
  const tls = {
    ...material,
    secureContext: createSecureContext(material),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent({ ...agentOptions, ...tls });

  return {
    async request(url, req) {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const proxy = options.proxyFromEnv === true ? proxyFor(target) : undefined;
      const timeoutMs = req.timeoutMs ?? options.timeoutMs;
      const tunnel =
        proxy === undefined ? undefined : await openTunnel(proxy, target, tls, timeoutMs, req.signal);
      return new Promise<HttpResponse>((resolve, reject) => {
        const send = secure ? httpsRequest : httpRequest;
        const outgoing = send(
          target,
          {
            method: req.method,
            headers: {
              ...req.headers,
              ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
            },
            ...(tunnel !== undefined
              ? { agent: undefined, createConnection: () => tunnel }
              : { agent: secure ? https : http }),
            ...(req.signal !== undefined ? { signal: req.signal } : {}),
          },
          (response) => {
            resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: response });
          },
        );
        if (timeoutMs > 0) {
          outgoing.setTimeout(timeoutMs, () => {
            outgoing.destroy(timeoutError(url, timeoutMs));
          });
        } else {
          outgoing.setTimeout(0); // a pooled socket keeps the agent's idle timeout otherwise
        }
        outgoing.on('error', reject);
        outgoing.end(req.body);
      });
    },
    close() {
      http.destroy();
      https.destroy();
    },
  };
}

/** The whole body as text. */
export async function text(body: IncomingMessage): Promise<string> {
  return (await bytes(body)).toString('utf8');
}

/** The whole body. */
export async function bytes(body: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The proxy for a URL from the environment, or undefined for a direct connection. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const named =
    target.protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy);
  if (named === undefined || named === '') return undefined;
  if (bypassed(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return new URL(named.includes('://') ? named : `http://${named}`);
}

/** NO_PROXY: `*`, or hosts and domain suffixes (`example.com`, `.example.com`), each with an optional `:port`. */
function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const [name = '', entryPort] = entry.startsWith('[') ? splitBracketed(entry) : entry.split(':');
    if (entryPort !== undefined && entryPort !== port) continue;
    const suffix = name.replace(/^\*?\./, '');
    if (host === suffix || host.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

function splitBracketed(entry: string): [string, string | undefined] {
  const close = entry.indexOf(']');
  const port = entry.slice(close + 1).replace(/^:/, '');
  return [entry.slice(1, close), port === '' ? undefined : port];
}

/** A socket to `target` through the proxy's CONNECT, wrapped in TLS when the target is https. */
async function openTunnel(
  proxy: URL,
  target: URL,
  tls: ConnectionOptions,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Socket> {
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  const authority = `${target.hostname}:${port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username !== '')
    headers['proxy-authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const connect = send({
      host: proxy.hostname,
      port: proxy.port !== '' ? proxy.port : proxy.protocol === 'https:' ? 443 : 80,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      ...(signal !== undefined ? { signal } : {}),
    });
    if (timeoutMs > 0)
      connect.setTimeout(timeoutMs, () => connect.destroy(timeoutError(proxy.href, timeoutMs)));
    connect.on('connect', (answer: IncomingMessage, tunnel: Socket) => {
      connect.setTimeout(0);
      if (answer.statusCode !== 200) {
        tunnel.destroy();
        reject(
          Object.assign(
            new Error(`the proxy ${proxy.host} refused CONNECT ${authority}: ${String(answer.statusCode)}`),
            {
              code: 'ECONNREFUSED',
            },
          ),
        );
        return;
      }
      resolve(tunnel);
    });
    connect.on('error', reject);
    connect.end();
  });
  if (target.protocol !== 'https:') return socket;
  return tlsConnect({ socket, servername: target.hostname, ...tls });
}
