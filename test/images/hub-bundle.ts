// The hub's bundle started as its image's entrypoint starts it (runtime.ts), listening on 127.0.0.1 with
// a known admin token, and stopped by SIGTERM to its PID, which must end it with exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '../harness/src/ports.ts';
import type { Runtime } from './runtime.ts';

export interface BundleHub {
  readonly url: string;
  readonly adminToken: string;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** SIGTERM; resolves with the exit code (or the signal that ended it). */
  stop(): Promise<number | string>;
}

const START_TIMEOUT_MS = 30_000;

export async function startBundleHub(runtime: Runtime, env: NodeJS.ProcessEnv = {}): Promise<BundleHub> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(32).toString('base64url');
  const [file, ...args] = runtime.entrypoint;
  if (file === undefined) throw new Error('no entrypoint');
  const child: ChildProcess = spawn(file, args, {
    cwd: runtime.path('/app'),
    env: {
      ...runtime.env,
      FERRY_HUB_HOST: '127.0.0.1',
      FERRY_HUB_PORT: String(port),
      FERRY_HUB_PUBLIC_URL: url,
      FERRY_HUB_ADMIN_TOKEN: adminToken,
      ...env,
    },
    ...(runtime.user !== undefined ? { uid: runtime.user.uid, gid: runtime.user.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the hub did not say it listens within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('"msg":"hub listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${String(code)}) before listening:\n${output}`));
    });
  });
  const stop = async (): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, 'SIGTERM');
    return exited;
  };
  try {
    await listening;
  } catch (error) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    await exited;
    throw error;
  }
  return { url, adminToken, output: () => output, stop };
}
