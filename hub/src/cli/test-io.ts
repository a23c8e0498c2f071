// For the CLI's tests: a CliIo that records what a command prints, with its own environment and stdin.
import type { CliIo } from './exit-codes.ts';
import { NOW } from './test-fixtures.ts';

export interface RecordingIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function recordingIo(
  env: Readonly<Record<string, string | undefined>> = {},
  stdin?: string,
  home = '/nonexistent-home',
): RecordingIo {
  let out = '';
  let err = '';
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
    out: () => out,
    err: () => err,
  };
}
