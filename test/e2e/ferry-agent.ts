// Runs `ferry-agent` as a pipeline would run the built command, for the CLI suites: the package's build
// output, which the test runner rebuilds first when a source is newer (test/built.ts).
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const FERRY_AGENT_MAIN = join(REPO_ROOT, 'agent', 'dist', 'main.js');
export const FERRY_AGENT_NODE_ARGS = [FERRY_AGENT_MAIN] as const;

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Only PATH and `env` reach the command: no kubeconfig or Git token leaks in from the test runner. */
export function ferryAgent(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...FERRY_AGENT_NODE_ARGS, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr });
      },
    );
  });
}
