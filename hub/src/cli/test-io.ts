// For the CLI's tests: a CliIo that records what a command prints, with its own environment and stdin.
import type { CliIo } from './exit-codes.ts';
import { NOW } from './test-fixtures.ts';

export interface RecordingIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Aborts the signal interrupt() gave: Ctrl-C. */
  readonly stop: () => void;
}

export function recordingIo(
  env: Readonly<Record<string, string | undefined>> = {},
  stdin?: string,
  home = '/nonexistent-home',
): RecordingIo {
  let out = '';
  let err = '';
  const interrupted = new AbortController();
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env,
    readStdin: () => Promise.resolve(stdin),
    now: () => NOW,
    home,
    stdoutIsTty: false,
    interrupt: () => interrupted.signal,
    out: () => out,
    err: () => err,
    stop: () => {
      interrupted.abort();
    },
  };
}
