// isomorphic-git's HTTP client, on undici: one keep-alive dispatcher per source, an optional CA bundle,
// the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and the credentials as an Authorization header.
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
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
  const dispatcher: Dispatcher = new EnvHttpProxyAgent({
    ...(options.ca !== undefined ? { connect: { ca: options.ca } } : {}),
    keepAliveTimeout: 30_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const auth = authorization(options.auth);
  return {
    async request(req) {
      // A fresh header object each time: isomorphic-git may keep and change the one it passed.
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (auth !== undefined) headers.authorization = auth;
      const method: Dispatcher.HttpMethod = req.method === 'POST' ? 'POST' : 'GET';
      const response = await request(req.url, {
        method,
        headers,
        body: await collect(req.body),
        dispatcher,
      });
      const responseHeaders = flatHeaders(response.headers);
      let body: AsyncIterableIterator<Uint8Array> = response.body[
        Symbol.asyncIterator
      ]() as AsyncIterableIterator<Uint8Array>;
      if (
        method === 'GET' &&
        response.statusCode === 200 &&
        req.url.includes('/info/refs?service=git-upload-pack')
      ) {
        const advertisement = Buffer.from(await response.body.arrayBuffer());
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
    close: () => dispatcher.close(),
  };
}
