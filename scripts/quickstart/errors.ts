// The quick start's one error class: a code from one table, a message that names the step and the
// object, and the cause kept.

export const QUICKSTART_ERROR_CODES = [
  'usage',
  'not-built',
  'bad-dir',
  'step-failed',
  'not-ready',
  'interrupted',
] as const;
export type QuickstartErrorCode = (typeof QUICKSTART_ERROR_CODES)[number];

export class QuickstartError extends Error {
  readonly code: QuickstartErrorCode;

  constructor(code: QuickstartErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'QuickstartError';
    this.code = code;
  }
}

/** Runs one step; a failure becomes a QuickstartError that names the step (an interruption stays one). */
export async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof QuickstartError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new QuickstartError('step-failed', `${what}: ${message}`, { cause: error });
  }
}
