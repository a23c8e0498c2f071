// The hub as the end-to-end suites run it: `ferry-hub` (its build output) in a child process, on a port chosen
// at run time, with its own data directory and a known admin token, over HTTP or HTTPS (a CA of its
// own, which the install manifests carry to the agents); stopped (SIGTERM) or killed (SIGKILL) by its
// PID and started again on the same port and database, as a restarted hub would be.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import { createPki } from '../harness/src/pki.ts';
import { freePort, waitFor } from '../harness/src/index.ts';
import { REPO_ROOT } from './ferry-agent.ts';

/** The hub's build output, as its image runs it (the test runner rebuilds it when a source is newer). */
export const FERRY_HUB_NODE_ARGS = [join(REPO_ROOT, 'hub', 'dist', 'main.js')] as const;

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
  /** The CA (PEM) of the hub's serving certificate, when it serves HTTPS. */
  ca: string | undefined;
  #tlsArgs: readonly string[] = [];
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

  /**
   * Starts a hub with a fresh data directory; the admin token comes from FERRY_HUB_ADMIN_TOKEN. With
   * `tls`, it serves HTTPS with a certificate for 127.0.0.1 from a CA of its own (`--ca-file` puts that
   * CA into the install manifests, so agents reach it over wss:// and trust only it).
   */
  static async start(
    options: { readonly args?: readonly string[]; readonly tls?: boolean } = {},
  ): Promise<HubProcess> {
    const hub = new HubProcess(await freePort(), options.args ?? []);
    if (options.tls === true) {
      const pki = await createPki(join(hub.dataDir, 'pki'), 'ferry-hub');
      hub.ca = readFileSync(pki.caCert, 'utf8');
      hub.#tlsArgs = ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--ca-file', pki.caCert];
    }
    await hub.startAgain();
    return hub;
  }

  get url(): string {
    return `${this.ca === undefined ? 'http' : 'https'}://127.0.0.1:${this.port}`;
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
        ...this.#tlsArgs,
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
        const answer = await this.fetch('GET', '/healthz').catch(() => undefined);
        return answer?.status === 200 ? true : undefined;
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
    const answer = await this.fetch(method, path, {
      headers: {
        authorization: `Bearer ${options.token ?? this.adminToken}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const isJson = answer.contentType.includes('json');
    return {
      status: answer.status,
      body: (isJson && answer.text !== '' ? JSON.parse(answer.text) : answer.text) as T,
    };
  }

  /** One request to the hub, trusting its CA (and only it) when it serves HTTPS. */
  fetch(
    method: string,
    path: string,
    options: { readonly headers?: Readonly<Record<string, string>>; readonly body?: string } = {},
  ): Promise<{ readonly status: number; readonly contentType: string; readonly text: string }> {
    if (this.ca === undefined) {
      return fetch(`${this.url}${path}`, {
        method,
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        ...(options.body === undefined ? {} : { body: options.body }),
      }).then(async (answer) => ({
        status: answer.status,
        contentType: answer.headers.get('content-type') ?? '',
        text: await answer.text(),
      }));
    }
    const ca = this.ca;
    return new Promise((resolve, reject) => {
      const call = request(
        `${this.url}${path}`,
        { method, headers: options.headers ?? {}, ca, timeout: 30_000 },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            resolve({
              status: answer.statusCode ?? 0,
              contentType: answer.headers['content-type'] ?? '',
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
          answer.on('error', reject);
        },
      );
      call.on('timeout', () => call.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      call.on('error', reject);
      call.end(options.body);
    });
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
