// The hub under test: the built `node hub/dist/main.js` (what the hub image runs; from source, under
// tsx, every named function got an own `name` property: ~150 MB more RSS at 10,000 agents, see
// bench/RESULTS.md) in a process of its own, on a port chosen at run time,
// with the benchmark's data directory and admin token, its log appended to a file; stopped with SIGTERM
// (SIGKILL after a grace) by its PID and started again on the same port and database.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './ws-client.ts';
import { HUB_NODE_OPTIONS } from '../../hub/src/node-options.ts';

export interface HubOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly adminToken: string;
  readonly staleAfterSeconds: number;
  readonly nodeFlags: readonly string[];
  readonly logFile: string;
}

/** A port free on 127.0.0.1 now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port from the kernel'));
        else resolve(address.port);
      });
    });
  });
}

export class HubProcess {
  readonly options: HubOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: HubOptions) {
    this.options = options;
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.options.port)}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) throw new Error('the hub is already running');
    const { options } = this;
    const log = openSync(options.logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        // As the hub's image runs it, then the benchmark's own (a profiler, another setting to compare).
        ...HUB_NODE_OPTIONS.split(' '),
        ...options.nodeFlags,
        join(REPO_ROOT, 'hub', 'dist', 'main.js'),
        '--host',
        '127.0.0.1',
        '--port',
        String(options.port),
        '--data-dir',
        options.dataDir,
        '--public-url',
        this.url,
        '--stale-after',
        `${String(options.staleAfterSeconds)}s`,
        '--log-level',
        'info',
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, FERRY_HUB_ADMIN_TOKEN: options.adminToken },
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    const deadline = performance.now() + 120_000;
    for (;;) {
      if (this.#child !== child) throw new Error(`the hub exited at start:\n${this.logTail()}`);
      const ok = await fetch(`${this.url}/healthz`)
        .then((answer) => answer.status === 200)
        .catch(() => false);
      if (ok) return;
      if (performance.now() > deadline) throw new Error(`the hub did not answer /healthz in 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 30_000): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(killer);
  }

  /** For Ctrl-C and failures: SIGKILL at once, no wait. */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  logTail(bytes = 4000): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').slice(-bytes);
    } catch {
      return '';
    }
  }
}
