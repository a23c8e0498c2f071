// The hub under benchmark: the built `node hub/dist/main.js` (what the hub image runs), on a free port
// of 127.0.0.1 with its own data directory and a known admin token, stopped by its PID. Its API is
// called as an admin would, with fetch.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../../test/harness/src/index.ts';

export class BuiltHub {
  readonly url: string;
  readonly logFile: string;
  readonly #adminToken: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  private constructor(url: string, logFile: string, adminToken: string, child: ChildProcess) {
    this.url = url;
    this.logFile = logFile;
    this.#adminToken = adminToken;
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else
        child.once('exit', () => {
          resolve();
        });
    });
  }

  /** Starts the hub in `dataDir` (made if missing) and waits for /healthz. */
  static async start(repoRoot: string, dataDir: string): Promise<BuiltHub> {
    const main = join(repoRoot, 'hub', 'dist', 'main.js');
    if (!existsSync(main))
      throw new Error(`the hub is not built (${main}): run \`pnpm --filter @ferry/hub... build\``);
    mkdirSync(dataDir, { recursive: true });
    const port = await freePort();
    const url = `http://127.0.0.1:${String(port)}`;
    const adminToken = randomBytes(32).toString('base64url');
    const logFile = join(dataDir, 'hub.log');
    const log = openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [main, '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--public-url', url],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, FERRY_HUB_ADMIN_TOKEN: adminToken },
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    const hub = new BuiltHub(url, logFile, adminToken, child);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`the hub exited at start:\n${hub.logTail()}`);
          const answer = await fetch(`${url}/healthz`).catch(() => undefined);
          return answer?.status === 200 ? true : undefined;
        },
        { what: 'the hub to answer /healthz', timeoutMs: 60_000, intervalMs: 100 },
      );
    } catch (error) {
      await hub.stop();
      throw error;
    }
    return hub;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** A call to the API as the admin; a status other than `expected` throws with the answer. */
  async api<T>(expected: number, method: string, path: string, body?: unknown): Promise<T> {
    const answer = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    if (answer.status !== expected)
      throw new Error(`hub: ${method} ${path} answered ${String(answer.status)}: ${text.slice(0, 500)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** GET of a path the hub serves without the API token (an install manifest). */
  async text(path: string): Promise<string> {
    const answer = await fetch(`${this.url}${path}`);
    const text = await answer.text();
    if (answer.status !== 200)
      throw new Error(`hub: GET ${path} answered ${String(answer.status)}: ${text.slice(0, 500)}`);
    return text;
  }

  /** SIGTERM (the hub closes agent links and its store), SIGKILL after 15 s; waits for the exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const killer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
      await this.#exited;
      clearTimeout(killer);
    }
  }

  logTail(bytes = 4000): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-bytes);
    } catch {
      return '';
    }
  }
}
