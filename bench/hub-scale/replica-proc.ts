// The idle API replica (replica-child.ts) in a child process of its own, with an IPC channel: started
// on the hub's store once it is seeded, stopped with a message, killed by its PID when the benchmark
// stops early.
import type { ChildProcess } from 'node:child_process';
import { startChild } from './child-proc.ts';

export class ReplicaProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly port: number;
  #done = false;

  private constructor(child: ChildProcess, exited: Promise<void>, port: number) {
    this.#child = child;
    this.#exited = exited;
    this.port = port;
    void exited.then(() => {
      this.#done = true;
    });
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Starts the replica on the store at `dbPath` and waits until it listens. */
  static async start(dbPath: string, staleAfterSeconds: number): Promise<ReplicaProcess> {
    const { child, exited, ready } = await startChild<{ readonly type?: string; readonly port?: number }>(
      'replica-child.ts',
      { dbPath, staleAfterSeconds },
      'the API replica',
    );
    if (ready.port === undefined) throw new Error('the API replica said it was ready without its port');
    return new ReplicaProcess(child, exited, ready.port);
  }

  /** Stops the replica (its store closed) and waits for its exit; killed after 30 s. */
  async stop(): Promise<void> {
    if (this.#done) return;
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000);
    this.#child.send({ type: 'stop' });
    await this.#exited;
    clearTimeout(killer);
  }

  kill(): void {
    if (!this.#done) this.#child.kill('SIGKILL');
  }
}
