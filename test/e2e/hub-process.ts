// The hub as the end-to-end suites run it: `ferry-hub` from source in a child process, on a port chosen
// at run time, with its own data directory and a known admin token; stopped (SIGTERM) or killed
// (SIGKILL) by its PID and started again on the same port and database, as a restarted hub would be.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../harness/src/index.ts';
import { REPO_ROOT } from './ferry-agent.ts';

export const FERRY_HUB_NODE_ARGS = [
  '--import',
  'tsx',
  '--conditions=@ferry/source',
  join(REPO_ROOT, 'hub', 'src', 'main.ts'),
] as const;

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

export class HubProcess {
  readonly dataDir: string;
  readonly port: number;
  readonly adminToken: string;
  readonly logFile: string;
  readonly #extraArgs: readonly string[];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** How many times this hub was started (1 after start()). */
  starts = 0;

  private constructor(port: number, extraArgs: readonly string[]) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'ferry-hub-'));
    this.port = port;
    this.adminToken = randomBytes(32).toString('base64url');
    this.logFile = join(this.dataDir, 'hub.log');
    this.#extraArgs = extraArgs;
  }

  /** Starts a hub with a fresh data directory; the admin token comes from FERRY_HUB_ADMIN_TOKEN. */
  static async start(options: { readonly args?: readonly string[] } = {}): Promise<HubProcess> {
    const hub = new HubProcess(await freePort(), options.args ?? []);
    await hub.startAgain();
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the process (again) on the same port and data directory; waits for /healthz. */
  async startAgain(): Promise<void> {
    if (this.#child !== undefined) throw new Error('the hub is already running');
    const log = openSync(this.logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        ...FERRY_HUB_NODE_ARGS,
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--data-dir',
        this.dataDir,
        '--public-url',
        this.url,
        '--log-level',
        'debug',
        ...this.#extraArgs,
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, FERRY_HUB_ADMIN_TOKEN: this.adminToken },
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    this.#child = child;
    this.starts += 1;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    await waitFor(
      async () => {
        if (this.#child !== child) throw new Error(`the hub exited at start:\n${this.logTail()}`);
        const answer = await fetch(`${this.url}/healthz`).catch(() => undefined);
        return answer?.ok === true ? true : undefined;
      },
      { what: 'the hub to answer /healthz', timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  /** SIGTERM and wait for the exit (the hub closes agent links with 4000 and the store). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(killer);
  }

  /** SIGKILL: the hub gets no chance to flush, ack or close anything. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** A call to the hub's API with the admin token (or `token`); the body parsed as JSON when it is. */
  async api<T = unknown>(
    method: string,
    path: string,
    options: { readonly body?: unknown; readonly token?: string } = {},
  ): Promise<ApiAnswer<T>> {
    const answer = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token ?? this.adminToken}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await answer.text();
    const isJson = (answer.headers.get('content-type') ?? '').includes('json');
    return { status: answer.status, body: (isJson && text !== '' ? JSON.parse(text) : text) as T };
  }

  /** Like api(), but a status other than `expected` throws with the answer in the message. */
  async expect<T = unknown>(
    expected: number,
    method: string,
    path: string,
    options: { readonly body?: unknown; readonly token?: string } = {},
  ): Promise<T> {
    const answer = await this.api<T>(method, path, options);
    if (answer.status !== expected)
      throw new Error(
        `${method} ${path}: ${answer.status}, expected ${expected}: ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  }

  /** Removes the data directory (the database and the log); the process must be stopped. */
  remove(): void {
    if (this.#child !== undefined) throw new Error('stop the hub before removing its data');
    if (process.env.FERRY_KEEP_TEST_DIR === '1') return;
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  logTail(bytes = 6000): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-bytes);
    } catch {
      return '';
    }
  }
}
