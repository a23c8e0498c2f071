// `ferry status --watch -o json` as a child process against a real hub (startHub on 127.0.0.1, port
// chosen at run time): it prints one JSON object per event, and Ctrl-C (SIGINT) ends it with exit 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SILENT_LOGGER } from '@ferry/shared';
import { parseHubConfig } from '../config.ts';
import { newToken } from '../crypto.ts';
import { ensureStaticManifestBuilt } from '../install/test-static-manifest.ts';
import { startHub, type RunningHub } from '../server.ts';
import { newCluster } from '../store/test-store.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ADMIN = newToken('api');

describe('ferry status --watch against a real hub', () => {
  let dir: string;
  let hub: RunningHub;

  before(async () => {
    await ensureStaticManifestBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ferry-watch-'));
    const parsed = parseHubConfig(['--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'hub')], {
      env: { FERRY_HUB_ADMIN_TOKEN: ADMIN },
      hostname: 'test',
    });
    if (!parsed.ok) throw new Error('test config refused');
    hub = await startHub(parsed.config, SILENT_LOGGER);
    hub.store.createCluster(newCluster('prod-eu-1', { env: 'prod' }), new Date());
    hub.events.changed(['prod-eu-1']);
  });

  after(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-o json prints one JSON object per event; SIGINT ends it with exit 0', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ferry/source', CLI_MAIN, 'status', '--watch', '-o', 'json'],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: dir, FERRY_HUB: hub.url, FERRY_TOKEN: ADMIN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const read = async (): Promise<{ event: string; id: string | null; data: unknown }> => {
      const next = await lines.next();
      assert.equal(next.done, false, `the watch ended early: ${stderr}`);
      return JSON.parse(next.value) as { event: string; id: string | null; data: unknown };
    };
    try {
      assert.deepEqual(await read(), { event: 'snapshot', id: null, data: {} });
      const cluster = await read();
      assert.equal(cluster.event, 'cluster');
      assert.equal((cluster.data as { name: string }).name, 'prod-eu-1');
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
  });
});
