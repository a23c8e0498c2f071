// The hub from the build output, as its image's entrypoint runs it (`node hub/dist/main.js`, its NODE_OPTIONS): on
// 127.0.0.1 and a free port, its SQLite file under the state folder, the public URL written into
// install manifests, and an admin API token generated here and given in FERRY_HUB_ADMIN_TOKEN.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { HUB_NODE_OPTIONS } from '../../hub/src/node-options.ts';
import { freePort } from '../../test/harness/src/index.ts';
import { QuickstartError } from './errors.ts';
import { BUILT, REPO_ROOT, type StateLayout } from './layout.ts';
import { logTail, startDetached, stopProcess, type ProcessRef } from './processes.ts';

export interface RunningHub {
  readonly url: string;
  readonly adminToken: string;
  readonly ref: ProcessRef;
  readonly logFile: string;
  readonly dataDir: string;
  /** SIGTERM (the hub closes agent links and its store), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function startHub(layout: StateLayout, signal: AbortSignal): Promise<RunningHub> {
  mkdirSync(layout.hubDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(32).toString('base64url');
  const started = await startDetached({
    what: 'hub',
    command: process.execPath,
    args: [
      BUILT.hub,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      layout.hubDir,
      '--public-url',
      url,
    ],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_OPTIONS: HUB_NODE_OPTIONS,
      FERRY_HUB_ADMIN_TOKEN: adminToken,
    },
    cwd: REPO_ROOT,
    logFile: layout.hubLog,
  });
  const hub: RunningHub = {
    url,
    adminToken,
    ref: started.ref,
    logFile: layout.hubLog,
    dataDir: layout.hubDir,
    stop: async () => {
      await stopProcess(started.ref, 15_000);
    },
  };
  const seen = { exited: false };
  void started.exited.then(() => {
    seen.exited = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (seen.exited) {
      throw new QuickstartError(
        'step-failed',
        `the hub exited at start; its log (${layout.hubLog}):\n${logTail(layout.hubLog)}`,
      );
    }
    const answer = await fetch(`${url}/healthz`).catch(() => undefined);
    if (answer?.status === 200) return hub;
    if (signal.aborted || Date.now() > deadline) {
      await hub.stop();
      if (signal.aborted) throw new QuickstartError('interrupted', 'interrupted while the hub started');
      throw new QuickstartError(
        'step-failed',
        `the hub did not answer ${url}/healthz within ${START_TIMEOUT_MS / 1000} s; its log (${layout.hubLog}):\n${logTail(layout.hubLog)}`,
      );
    }
    await delay(200);
  }
}
