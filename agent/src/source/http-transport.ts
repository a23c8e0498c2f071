// isomorphic-git's HTTP client: one keep-alive client per source, an optional CA bundle, the proxy from
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and the credentials as an Authorization header.
import { bytes, createHttpClient } from '../http-client.ts';
import { ensureAdvertisedHead } from './advertisement.ts';
import type { GitAuth } from './types.ts';

/** The shape isomorphic-git calls (its `HttpClient`), written out so this file does not import it. */
export interface GitHttpRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: AsyncIterable<Uint8Array>;
}

export interface GitHttpResponse {
  url: string;
  method?: string;
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string>;
  body: AsyncIterableIterator<Uint8Array>;
}

export interface GitHttpTransport {
  request(request: GitHttpRequest): Promise<GitHttpResponse>;
  close(): Promise<void>;
}

export interface TransportOptions {
  readonly auth: GitAuth;
  readonly ca?: string;
  /** Per request, from connect to last byte. */
  readonly timeoutMs?: number;
}

function authorization(auth: GitAuth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
  }
}

async function collect(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* once(data: Uint8Array): AsyncIterableIterator<Uint8Array> {
  await Promise.resolve();
  yield data;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function createGitHttpTransport(options: TransportOptions): GitHttpTransport {
  const timeout = options.timeoutMs ?? 60_000;
  const http = createHttpClient({
    ca: options.ca,
    keepAliveMs: 30_000,
    timeoutMs: timeout,
    proxyFromEnv: true,
  });
  const auth = authorization(options.auth);
  return {
    async request(req) {
      // A fresh header object each time: isomorphic-git may keep and change the one it passed.
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (auth !== undefined) headers.authorization = auth;
      const method = req.method === 'POST' ? 'POST' : 'GET';
      const response = await http.request(req.url, { method, headers, body: await collect(req.body) });
      const responseHeaders = flatHeaders(response.headers);
      let body: AsyncIterableIterator<Uint8Array> = response.body[
        Symbol.asyncIterator
      ]() as AsyncIterableIterator<Uint8Array>;
      if (
        method === 'GET' &&
        response.statusCode === 200 &&
        req.url.includes('/info/refs?service=git-upload-pack')
      ) {
        const advertisement = await bytes(response.body);
        body = once(ensureAdvertisedHead(advertisement));
      }
      return {
        url: req.url,
        method,
        statusCode: response.statusCode,
        statusMessage: String(response.statusCode),
        headers: responseHeaders,
        body,
      };
    },
    close: async () => {
      http.close();
      await Promise.resolve();
    },
  };
}
