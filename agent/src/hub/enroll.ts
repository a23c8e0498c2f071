// The enrollment exchange: `POST <hub>/api/v1/enroll {token, credentialDigest}`. The agent has already
// stored its credential; it sends only the digest, with the one-time token as the authority. A retry
// with the same pair is harmless until the agent's first hello, so a crash anywhere is safe. Returns
// data; the token is in no message.
import { createHttpClient, text as readText } from '../http-client.ts';
import { connectionFailure, tlsUntrusted } from '../net-errors.ts';
import type { HubConfig } from './config.ts';

export const ENROLL_REFUSALS = ['unknown', 'expired', 'used', 'superseded', 'credential-in-use'] as const;
export type EnrollRefusal = (typeof ENROLL_REFUSALS)[number];

export type EnrollResult =
  | { readonly kind: 'enrolled'; readonly cluster: string }
  /** The hub said no for a reason (403 enrollment-refused); trying again with the same pair will not help. */
  | { readonly kind: 'refused'; readonly reason: EnrollRefusal; readonly message: string }
  /** Not answered (network, TLS, 5xx) or not understood: worth trying again later. */
  | { readonly kind: 'failed'; readonly message: string };

export interface EnrollOptions {
  readonly timeoutMs: number;
}

export const DEFAULT_ENROLL_OPTIONS: EnrollOptions = { timeoutMs: 15_000 };

export async function enroll(
  config: Pick<HubConfig, 'enrollUrl' | 'ca'>,
  token: string,
  credentialDigest: string,
  options: EnrollOptions = DEFAULT_ENROLL_OPTIONS,
): Promise<EnrollResult> {
  const what = `enrollment at ${config.enrollUrl}`;
  const http = createHttpClient({ ca: config.ca, connections: 1, timeoutMs: options.timeoutMs });
  try {
    let status: number;
    let text: string;
    try {
      const response = await http.request(config.enrollUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token, credentialDigest }),
      });
      status = response.statusCode;
      text = await readText(response.body);
    } catch (error) {
      const code = tlsUntrusted(error) ?? connectionFailure(error);
      const why = code !== undefined ? code : error instanceof Error ? error.message : String(error);
      return { kind: 'failed', message: `${what}: ${why}` };
    }
    return answerOf(what, status, text);
  } finally {
    http.close();
  }
}

/** The hub's answer read: 200 {cluster}, 403 enrollment-refused {reason}, else a failure. */
export function answerOf(what: string, status: number, text: string): EnrollResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const error = record(record(body).error);
  const message = typeof error.message === 'string' ? error.message.slice(0, 300) : '';
  if (status === 200) {
    const cluster = record(body).cluster;
    if (typeof cluster === 'string' && cluster !== '') return { kind: 'enrolled', cluster };
    return { kind: 'failed', message: `${what}: answer 200 without a cluster name` };
  }
  const reason = error.reason ?? record(body).reason;
  if (status === 403 && error.code === 'enrollment-refused' && isRefusal(reason))
    return { kind: 'refused', reason, message: message === '' ? `refused: ${reason}` : message };
  const code = typeof error.code === 'string' ? error.code : 'no error code';
  return {
    kind: 'failed',
    message: `${what}: HTTP ${status} (${code})${message === '' ? '' : `: ${message}`}`,
  };
}

function isRefusal(value: unknown): value is EnrollRefusal {
  return typeof value === 'string' && (ENROLL_REFUSALS as readonly string[]).includes(value);
}
