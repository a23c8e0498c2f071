// The CLI's HTTP client for the hub's API: one request over node:http(s) (a custom CA works through
// `ca`), the bearer token in a header, JSON in and out. Failures come back as CliError with the exit
// code scripts see (exit-codes.ts). No message ever holds the token.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Connection } from './config.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { isRecord } from './cluster-json.ts';

export interface HubResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Send the API token (default true; GET /install/<token> needs none). */
  readonly auth?: boolean;
  readonly timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Connection-level error codes worth a hint. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function unreachable(hub: string, error: Error & { code?: string }): CliError {
  const code = error.code ?? '';
  const hint = TLS_CODES.has(code)
    ? ` (the hub's certificate is not trusted: give its CA with --ca FILE or FERRY_CA)`
    : code === 'ECONNREFUSED'
      ? ' (is the hub running, and is this its address?)'
      : '';
  return new CliError(EXIT.unreachable, `cannot reach the hub at ${hub}: ${error.message}${hint}`, {
    cause: error,
  });
}

/** One request; resolves with any HTTP status, rejects with CliError(unreachable) when none came back. */
export function hubRequest(
  connection: Connection,
  path: string,
  options: RequestOptions = {},
): Promise<HubResponse> {
  const url = new URL(`${connection.hub}${path}`);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'ferry-cli' };
  if (options.auth !== false && connection.token !== undefined)
    headers.authorization = `Bearer ${connection.token}`;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        reject(unreachable(connection.hub, error));
      });
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    };
    const common = { method: options.method ?? 'GET', headers, timeout: timeoutMs };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            { ...common, ...(connection.ca === undefined ? {} : { ca: connection.ca }) },
            onResponse,
          )
        : httpRequest(url, common, onResponse);
    req.on('timeout', () => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
    });
    req.on('error', (error) => {
      reject(unreachable(connection.hub, error));
    });
    req.end(body);
  });
}

/** The hub's error body `{"error": {"code", "message"}}`, when it sent one. */
export function errorOf(
  response: HubResponse,
): { code: string; message: string; reason?: string } | undefined {
  try {
    const value: unknown = JSON.parse(response.body);
    const error = isRecord(value) ? value.error : undefined;
    if (isRecord(error) && typeof error.code === 'string' && typeof error.message === 'string')
      return {
        code: error.code,
        message: error.message,
        ...(typeof error.reason === 'string' ? { reason: error.reason } : {}),
      };
  } catch {
    // not JSON: described by status below
  }
  return undefined;
}

export function exitCodeFor(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.unauthorized;
  if (status === 404) return EXIT.notFound;
  if (status === 502 || status === 503 || status === 504) return EXIT.unreachable;
  return EXIT.failure;
}

/** A CliError for a response that is not the one expected; `what` says what was asked. */
export function responseError(response: HubResponse, what: string): CliError {
  const error = errorOf(response);
  const detail =
    error !== undefined
      ? `${error.message} (${error.code}${error.reason === undefined ? '' : `: ${error.reason}`})`
      : `HTTP ${response.status}`;
  const hint = response.status === 401 ? '; run ferry login, or set FERRY_TOKEN' : '';
  return new CliError(exitCodeFor(response.status), `${what}: ${detail}${hint}`);
}

/** The parsed JSON of a response with one of the expected statuses; CliError otherwise. */
export async function requestJson(
  connection: Connection,
  path: string,
  what: string,
  options: RequestOptions & { readonly expect?: readonly number[] } = {},
): Promise<unknown> {
  if (options.auth !== false && connection.token === undefined)
    throw new CliError(EXIT.unauthorized, `${what}: no API token; run ferry login, or set FERRY_TOKEN`);
  const response = await hubRequest(connection, path, options);
  if (!(options.expect ?? [200]).includes(response.status)) throw responseError(response, what);
  if (response.status === 204) return undefined;
  try {
    return JSON.parse(response.body);
  } catch (error) {
    throw new CliError(EXIT.failure, `${what}: the hub's answer is not JSON (HTTP ${response.status})`, {
      cause: error,
    });
  }
}
