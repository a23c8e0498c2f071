// A small HTTP client for the harness's own calls to a cluster's API server (readiness, TokenRequest,
// Pod status patches, watches). Tests of Ferry itself go through Ferry's code, not this.
import { Agent, request } from 'undici';
import { HarnessError } from './errors.ts';

export interface KubeEndpoint {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** PEM of the cluster CA. */
  readonly ca: string;
  /** Bearer token; omitted for anonymous calls (/readyz). */
  readonly token?: string;
}

export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';
const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}

export class KubeHttp {
  readonly endpoint: KubeEndpoint;
  readonly #dispatcher: Agent;

  constructor(endpoint: KubeEndpoint) {
    this.endpoint = endpoint;
    this.#dispatcher = new Agent({ connect: { ca: endpoint.ca }, keepAliveTimeout: 10_000 });
  }

  /** Any status; the body parsed as JSON when it is JSON. Network errors throw. */
  async raw<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; anonymous?: boolean; signal?: AbortSignal } = {},
  ): Promise<KubeResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.endpoint.token !== undefined && options.anonymous !== true) {
      headers.authorization = `Bearer ${this.endpoint.token}`;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await request(new URL(path, this.endpoint.server), {
      method: method as 'GET',
      headers,
      body,
      dispatcher: this.#dispatcher,
      signal: options.signal,
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    if ((response.headers['content-type'] ?? '').toString().includes('json') && text !== '') {
      parsed = JSON.parse(text);
    }
    return { status: response.statusCode, body: parsed as T };
  }

  /** A 2xx answer's JSON body; anything else throws an 'http' HarnessError naming method, path and reason. */
  async json<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const response = await this.raw<T>(method, path, options);
    if (response.status < 200 || response.status > 299) {
      const message =
        typeof response.body === 'object' && response.body !== null && 'message' in response.body
          ? String((response.body as { message: unknown }).message)
          : String(response.body).slice(0, 500);
      throw new HarnessError('http', `${method} ${path} answered ${response.status}: ${message}`);
    }
    return response.body;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, { body });
  }

  patch<T = unknown>(path: string, body: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.json<T>('PATCH', path, { body, contentType: PATCH_CONTENT_TYPES[type] });
  }

  delete<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('DELETE', path, body === undefined ? {} : { body });
  }

  /**
   * Streams watch events of a collection path (`/api/v1/namespaces/x/pods`) until the signal aborts or
   * the server ends the stream. Resolves when the stream ends; the caller decides whether to watch again.
   */
  async watch<T>(
    path: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent<T>) => void | Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const url = new URL(path, this.endpoint.server);
    url.searchParams.set('watch', 'true');
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.endpoint.token !== undefined) headers.authorization = `Bearer ${this.endpoint.token}`;
    const response = await request(url, { method: 'GET', headers, dispatcher: this.#dispatcher, signal });
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw new HarnessError('http', `watch ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    }
    let buffered = '';
    try {
      for await (const chunk of response.body) {
        buffered += (chunk as Buffer).toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== '') await onEvent(JSON.parse(line) as WatchEvent<T>);
          newline = buffered.indexOf('\n');
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}

const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** An API server that restarts or drops a watch: expected, and answered by listing again. */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && CONNECTION_FAILURES.has(code)) return true;
    // undici's HTTP parser saw the stream cut off mid-response ("Invalid EOF state").
    if (current.name === 'HTTPParserError') return true;
    current = current.cause;
  }
  return false;
}
