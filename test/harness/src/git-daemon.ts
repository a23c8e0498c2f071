// Starts and stops the test Git server (git-server-main.ts) as a background process of its own.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from './errors.ts';
import type { GitServerConfigFile } from './git-server.ts';
import { freePort, isPortFree } from './ports.ts';
import { assertRunning, isAlive, isOurs, logTail, startDaemon, stopDaemon } from './process.ts';
import type { GitServerRecord, GitUser } from './types.ts';
import { waitFor } from './wait.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = join(HERE, 'git-server-main.ts');
/** `node --import tsx` resolves tsx from the working directory: the repository root. */
const REPO_ROOT = resolve(HERE, '..', '..', '..');
const READY_TIMEOUT_MS = 20_000;

export interface GitServerOptions {
  readonly users?: readonly GitUser[];
  readonly tokens?: readonly string[];
  /** A fixed port; a free one is picked when omitted. */
  readonly port?: number;
}

/** Files of a server started in `dir`: its repos live in `dir/repos`. */
function paths(dir: string): { config: string; log: string; pid: string; root: string } {
  return {
    config: join(dir, 'git-server.json'),
    log: join(dir, 'git-server.log'),
    pid: join(dir, 'git-server.pid'),
    root: join(dir, 'repos'),
  };
}

export async function startGitServer(dir: string, options: GitServerOptions = {}): Promise<GitServerRecord> {
  const files = paths(resolve(dir));
  await mkdir(files.root, { recursive: true });
  const config: GitServerConfigFile = {
    port: options.port ?? (await freePort()),
    root: files.root,
    users: options.users ?? [],
    tokens: options.tokens ?? [],
  };
  await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return launch(config, files);
}

async function launch(
  config: GitServerConfigFile,
  files: ReturnType<typeof paths>,
): Promise<GitServerRecord> {
  const url = `http://127.0.0.1:${config.port}`;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the server is not a test file of the runner that started us
  const daemon = await startDaemon(
    {
      what: `git server on port ${config.port}`,
      command: process.execPath,
      args: ['--import', 'tsx', MAIN, files.config],
      logFile: files.log,
      pidFile: files.pid,
      env,
      cwd: REPO_ROOT,
    },
    [MAIN, files.config],
  );
  try {
    await waitFor(
      async () => {
        assertRunning(daemon);
        return (await healthy(url)) ? true : undefined;
      },
      {
        what: `${daemon.what} to answer /healthz`,
        timeoutMs: READY_TIMEOUT_MS,
        onTimeout: () => ({ logTail: logTail(files.log) }),
      },
    );
  } catch (error) {
    await stopDaemon(daemon, 2_000);
    throw error;
  }
  return {
    url,
    port: config.port,
    root: config.root,
    users: config.users,
    tokens: config.tokens,
    process: { pid: daemon.pid, what: daemon.what, logFile: daemon.logFile, marks: daemon.marks },
  };
}

/** One GET /healthz on a fresh connection (no keep-alive socket is left behind). */
function healthy(url: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const req = get(`${url}/healthz`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolvePromise(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolvePromise(false);
    });
  });
}

/** SIGTERM by PID (only if the PID is still our server), and waits until it is gone. */
export async function stopGitServer(record: GitServerRecord): Promise<void> {
  await stopDaemon(record.process);
  if (isOurs(record.process)) {
    throw new HarnessError(
      'bad-state',
      `${record.process.what} (pid ${record.process.pid}) is still running after SIGTERM and SIGKILL`,
    );
  }
  await rm(paths(dirname(record.root)).pid, { force: true });
}

/** Stops the server if it runs, and starts it again on the same port with the same repos and credentials. */
export async function restartGitServer(record: GitServerRecord): Promise<GitServerRecord> {
  await stopGitServer(record);
  const files = paths(dirname(record.root));
  await waitFor(async () => (await isPortFree(record.port)) && !isAlive(record.process.pid), {
    what: `port ${record.port} to be free for the restarted git server`,
    timeoutMs: 10_000,
  });
  const config: GitServerConfigFile = {
    port: record.port,
    root: record.root,
    users: record.users,
    tokens: record.tokens,
  };
  await writeFile(files.config, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return launch(config, files);
}
