// A part of the benchmark in a child process of its own (the API probe, the idle API replica): the
// script under tsx with its configuration as JSON, an IPC channel, and its 'ready' message awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './ws-client.ts';

export interface StartedChild<Ready> {
  readonly child: ChildProcess;
  /** Settles when the child has exited. */
  readonly exited: Promise<void>;
  /** Its 'ready' message. */
  readonly ready: Ready;
}

/** Starts bench/hub-scale/`script` and waits for its 'ready' message; rejects if it exits first. */
export async function startChild<Ready extends { readonly type?: string }>(
  script: string,
  config: object,
  what: string,
): Promise<StartedChild<Ready>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'hub-scale', script), JSON.stringify(config)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const onMessage = (message: Ready): void => {
      if (message.type !== 'ready') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    void exited.then(() => {
      reject(new Error(`${what} exited before it was ready`));
    });
  });
  return { child, exited, ready };
}
