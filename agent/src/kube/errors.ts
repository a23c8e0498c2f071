// API errors translated once, at the client boundary, into KubeErrors that name the object.
import { connectionFailure, tlsUntrusted } from '../net-errors.ts';
import { KubeError, type KubeErrorCode } from './types.ts';

/**
 * Kubernetes 1.20 answers some server-side-apply validation failures with 500 rather than 4xx; they
 * are final (retrying sends the same invalid object again).
 */
const VALIDATION_500 = [
  'failed to create typed patch object',
  'field not declared in schema',
  'failed to create typed live object',
  'associative list with keys has an element that omits key field',
  'cannot convert',
];

export function codeForStatus(status: number, message: string): KubeErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 410:
      return 'gone';
    case 500:
      return VALIDATION_500.some((fragment) => message.includes(fragment)) ? 'invalid' : 'unavailable';
    default:
      return status === 429 || status >= 500 ? 'unavailable' : 'failed';
  }
}

/** The message of a Status body, or the start of whatever came back. */
export function statusMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string')
    return body.message;
  return (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 500);
}

export function httpError(what: string, status: number, body: unknown): KubeError {
  const message = statusMessage(body);
  return new KubeError(codeForStatus(status, message), `${what}: ${message} (HTTP ${status})`, { status });
}

export function networkError(what: string, server: string, error: unknown): KubeError {
  const code = connectionFailure(error) ?? tlsUntrusted(error);
  if (code !== undefined) {
    return new KubeError('unavailable', `${what}: cannot reach ${server} (${code})`, { cause: error });
  }
  return new KubeError('failed', `${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
