// Harness failures are loud and specific: a port in use, a missing binary and an API server that never
// gets ready each produce an error that says which, with the tail of that process's log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureKubeBinaries } from '../harness/src/binaries.ts';
import { startDaemon } from '../harness/src/process.ts';
import { freePort, Harness, HarnessError } from '../harness/src/index.ts';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      resolve(server);
    });
  });
}

function isHarnessError(code: string | readonly string[], ...fragments: string[]) {
  const codes = typeof code === 'string' ? [code] : code;
  return (error: unknown): boolean => {
    assert.ok(error instanceof HarnessError, `a HarnessError, not ${String(error)}`);
    assert.ok(
      codes.includes(error.code),
      `code ${error.code} is one of ${codes.join(', ')}: ${error.message}`,
    );
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${fragment}" in: ${error.message}`);
    return true;
  };
}

describe('harness errors', () => {
  const harness = Harness.fromEnv();
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-harness-errors-'));
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("names the port when the API server's port is in use, and leaves nothing running", async () => {
    const port = await freePort();
    const squatter = await listen(port);
    try {
      await assert.rejects(
        harness.addCluster('busy-port', { apiserverPort: port, controllerManager: false }),
        isHarnessError(
          'port-in-use',
          `port ${port} is in use`,
          'kube-apiserver of busy-port',
          'last lines of the log',
        ),
      );
    } finally {
      squatter.close();
    }
    assert.equal(harness.state().clusters['busy-port'], undefined);
    assert.deepEqual(
      harness.leftovers().filter((line) => line.includes('busy-port')),
      [],
    );
  });

  it('says which binary is missing', async () => {
    const saved = process.env.KUBE_BIN_DIR;
    process.env.KUBE_BIN_DIR = scratch;
    try {
      await assert.rejects(
        ensureKubeBinaries(),
        isHarnessError('missing-binary', join(scratch, 'kube-apiserver')),
      );
    } finally {
      if (saved === undefined) delete process.env.KUBE_BIN_DIR;
      else process.env.KUBE_BIN_DIR = saved;
    }
    await assert.rejects(
      startDaemon(
        {
          what: 'a daemon',
          command: join(scratch, 'no-such-binary'),
          args: [],
          logFile: join(scratch, 'l'),
          pidFile: join(scratch, 'p'),
        },
        [],
      ),
      isHarnessError('missing-binary', 'no-such-binary'),
    );
  });

  it('reports an API server that never gets ready, with its log', async () => {
    const deadEtcd = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      harness.addCluster('never-ready', {
        apiserverArgs: [`--etcd-servers=${deadEtcd}`],
        controllerManager: false,
        readyTimeoutMs: 8_000,
      }),
      isHarnessError(['timeout', 'process-exited'], 'kube-apiserver of never-ready', 'last lines of the log'),
    );
    assert.equal(harness.state().clusters['never-ready'], undefined);
    assert.deepEqual(
      harness.leftovers().filter((line) => line.includes('never-ready')),
      [],
    );
  });
});
