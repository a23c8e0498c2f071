// The API probe (api-probe.ts) in a child process of its own, with an IPC channel: started beside the
// hub, stopped with a message that it answers with its samples; killed by its PID when the benchmark
// stops early.
import type { ChildProcess } from 'node:child_process';
import type { ProbeResults } from './api-probe.ts';
import { startChild } from './child-proc.ts';

export class ProbeProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #results: ProbeResults | undefined;
  #done = false;

  private constructor(child: ChildProcess, exited: Promise<void>) {
    this.#child = child;
    this.#exited = exited.then(() => {
      this.#done = true;
    });
  }

  /** Starts the probe and waits until it runs. */
  static async start(baseUrl: string, token: string, intervalMs: number): Promise<ProbeProcess> {
    const { child, exited } = await startChild(
      'probe-child.ts',
      { baseUrl, token, intervalMs },
      'the API probe',
    );
    return new ProbeProcess(child, exited);
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
