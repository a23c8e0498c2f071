// Harness failures are loud and specific: each names what failed and carries the tail of that
// process's log, so a CI log says "port 6443 in use", not "timed out".

export const HARNESS_ERROR_CODES = [
  'port-in-use',
  'missing-binary',
  'build-failed',
  'not-ready',
  'process-exited',
  'timeout',
  'http',
  'command-failed',
  'bad-state',
] as const;
export type HarnessErrorCode = (typeof HARNESS_ERROR_CODES)[number];

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;
  readonly logTail: string | undefined;

  constructor(code: HarnessErrorCode, message: string, options: { cause?: unknown; logTail?: string } = {}) {
    const tail = options.logTail?.trim();
    super(tail ? `${message}\n--- last lines of the log ---\n${tail}` : message, { cause: options.cause });
    this.name = 'HarnessError';
    this.code = code;
    this.logTail = tail;
  }
}
