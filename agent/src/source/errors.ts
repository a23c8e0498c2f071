// Typed, specific source errors. Each one stops the sync before render: nothing downstream runs and
// the last applied state stays as it is.

export const SOURCE_ERROR_CODES = [
  'unreachable',
  'tls-untrusted',
  'auth-refused',
  'repo-not-found',
  'ref-not-found',
  'no-matching-tag',
  'path-not-found',
  'invalid-ref',
  'too-large',
  'git-failed',
] as const;
export type SourceErrorCode = (typeof SOURCE_ERROR_CODES)[number];

export class SourceError extends Error {
  readonly code: SourceErrorCode;

  constructor(code: SourceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'SourceError';
    this.code = code;
  }
}
