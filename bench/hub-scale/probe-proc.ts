// The API probe (api-probe.ts) in a child process of its own, with an IPC channel: started beside the
// hub, stopped with a message that it answers with its samples; killed by its PID when the benchmark
// stops early.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ProbeResults } from './api-probe.ts';
import { REPO_ROOT } from './ws-client.ts';

export class ProbeProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #results: ProbeResults | undefined;
  #done = false;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.#done = true;
        resolve();
      });
    });
  }

  /** Starts the probe and waits until it runs. */
  static async start(baseUrl: string, token: string, intervalMs: number): Promise<ProbeProcess> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'bench', 'hub-scale', 'probe-child.ts'),
        JSON.stringify({ baseUrl, token, intervalMs }),
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const probe = new ProbeProcess(child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: { readonly type?: string }): void => {
        if (message.type !== 'ready') return;
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      void probe.#exited.then(() => {
        reject(new Error('the API probe exited before it started'));
      });
    });
    return probe;
  }

  /** Stops the probe and returns what it measured (the same on a second call). */
  async stop(): Promise<ProbeResults> {
    if (this.#results !== undefined) return this.#results;
    if (this.#done) throw new Error('the API probe exited before it was stopped');
    const answered = new Promise<ProbeResults>((resolve) => {
      this.#child.once('message', (results: ProbeResults) => {
        resolve(results);
      });
    });
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000);
    this.#child.send({ type: 'stop' });
    const results = await Promise.race([
      answered,
      this.#exited.then(() => Promise.reject(new Error('the API probe exited without its samples'))),
    ]);
    await this.#exited;
    clearTimeout(killer);
    this.#results = results;
    return results;
  }

  kill(): void {
    if (!this.#done) this.#child.kill('SIGKILL');
  }
}
