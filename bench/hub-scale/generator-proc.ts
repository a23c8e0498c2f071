// The generator as the benchmark drives it: a child process (generator.ts) with an IPC channel, one
// command at a time, each answer awaited; killed by its PID when the benchmark stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratorConfig } from './generator.ts';
import type { Answer, Command } from './ipc.ts';
import { REPO_ROOT } from './ws-client.ts';

/** How the generator process runs beside the hub (params.ts says what each does). */
export interface GeneratorStart {
  readonly nice?: number;
  readonly sched?: 'other' | 'batch';
  readonly nodeFlags?: readonly string[];
  /** A `taskset -c` CPU list; empty or absent: any CPU. */
  readonly cpus?: string;
}

export class GeneratorProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #waiting: ((answer: Answer) => void)[] = [];
  #exitedWith: string | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (answer: Answer) => {
      this.#waiting.shift()?.(answer);
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitedWith = `code ${String(code)}, signal ${String(signal)}`;
        for (const waiting of this.#waiting.splice(0))
          waiting({ type: 'error', message: `the generator exited (${this.#exitedWith})` });
        resolve();
      });
    });
  }

  /**
   * Starts the generator and waits for its 'ready'. At `nice`, under `sched`, on `cpus` (all its
   * threads: `nice`, `chrt` and `taskset` exec node, whose threads inherit them; a renice of the PID
   * would reach its main thread only).
   */
  static async start(
    config: GeneratorConfig,
    logFile: string,
    { nice = 0, sched = 'other', nodeFlags = [], cpus = '' }: GeneratorStart = {},
  ): Promise<GeneratorProcess> {
    const log = openSync(logFile, 'a');
    const node = [
      process.execPath,
      ...nodeFlags,
      '--import',
      'tsx',
      '--conditions=@ferry/source',
      join(REPO_ROOT, 'bench', 'hub-scale', 'generator.ts'),
      JSON.stringify(config),
    ];
    const niced = nice > 0 ? ['nice', '-n', String(nice), ...node] : node;
    const scheduled = sched === 'batch' ? ['chrt', '--batch', '0', ...niced] : niced;
    const [command = process.execPath, ...args] =
      cpus === '' ? scheduled : ['taskset', '-c', cpus, ...scheduled];
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', log, log, 'ipc'] });
    closeSync(log);
    const generator = new GeneratorProcess(child);
    const ready = await generator.#next();
    if (ready.type !== 'ok') throw new Error(`the generator did not start: ${JSON.stringify(ready)}`);
    return generator;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #next(): Promise<Answer> {
    if (this.#exitedWith !== undefined)
      return Promise.resolve({ type: 'error', message: `the generator exited (${this.#exitedWith})` });
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
    });
  }

  /** Sends a command and returns its answer; an 'error' answer throws. */
  async ask<T extends Answer['type']>(command: Command, expected: T): Promise<Extract<Answer, { type: T }>> {
    const answer = this.#next();
    this.#child.send(command);
    const got = await answer;
    if (got.type === 'error') throw new Error(`generator, ${command.type}: ${got.message}`);
    if (got.type !== expected) throw new Error(`generator, ${command.type}: answered ${got.type}`);
    return got as Extract<Answer, { type: T }>;
  }

  async stop(): Promise<void> {
    if (this.#exitedWith !== undefined) return;
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    this.#child.send({ type: 'stop' } satisfies Command);
    await this.#exited;
    clearTimeout(killer);
  }

  kill(): void {
    if (this.#exitedWith === undefined) this.#child.kill('SIGKILL');
  }
}
