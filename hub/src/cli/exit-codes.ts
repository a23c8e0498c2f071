// Exit codes of `ferry` commands (docs/cli.md), so scripts can tell what went wrong, and the one error
// class the commands throw: its code is the exit code, its message the line printed after "ferry: ".
export const EXIT = {
  ok: 0,
  /** Anything else that failed: the hub refused a value (400), a conflict (409), a hub error (500). */
  failure: 1,
  /** Bad arguments or flags, or no hub configured. */
  usage: 2,
  /** The cluster (or install token) does not exist (404). */
  notFound: 3,
  /** No token, or the hub refused it (401), or the token's role may not do this (403). */
  unauthorized: 4,
  /** The hub could not be reached: connection refused, DNS, TLS, timeout, or a proxy's 502/503/504. */
  unreachable: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  /** For a usage error: the usage text to print after the message. */
  readonly usage: string | undefined;

  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown; usage?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = exitCode;
    this.usage = options?.usage;
  }
}

export function usageError(message: string, usage: string): CliError {
  return new CliError(EXIT.usage, message, { usage });
}

/** What a command may touch: its output streams, the environment, stdin, the clock. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** All of stdin (for a token piped in); undefined when stdin is a terminal. */
  readonly readStdin: () => Promise<string | undefined>;
  readonly now: () => Date;
  /** The user's home directory (for ~/.config/ferry/config.json). */
  readonly home: string;
  /** Whether stdout is a terminal (`status --watch` redraws there; prints lines to a pipe). */
  readonly stdoutIsTty: boolean;
  /**
   * Ctrl-C (SIGINT) or SIGTERM as an abort signal, for a command that runs until stopped; from the
   * first call on, those signals abort it instead of killing the process.
   */
  readonly interrupt: () => AbortSignal;
}
