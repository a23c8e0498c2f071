// The idle API replica (replica-child.ts) in a child process of its own, with an IPC channel: started
// on the hub's store once it is seeded, stopped with a message, killed by its PID when the benchmark
// stops early.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './ws-client.ts';

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
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'bench', 'hub-scale', 'replica-child.ts'),
        JSON.stringify({ dbPath, staleAfterSeconds }),
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    const port = await new Promise<number>((resolve, reject) => {
      const onMessage = (message: { readonly type?: string; readonly port?: number }): void => {
        if (message.type !== 'ready' || message.port === undefined) return;
        child.off('message', onMessage);
        resolve(message.port);
      };
      child.on('message', onMessage);
      void exited.then(() => {
        reject(new Error('the API replica exited before it listened'));
      });
    });
    return new ReplicaProcess(child, exited, port);
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
