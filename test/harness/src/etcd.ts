// The one etcd shared by every harness cluster; each cluster lives under its own key prefix.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { HarnessError } from './errors.ts';
import { freePort } from './ports.ts';
import { assertRunning, logTail, startDaemon, stopDaemon } from './process.ts';
import type { EtcdRecord } from './types.ts';
import { waitFor } from './wait.ts';

/** etcd 3.4 cannot skip fsync, so its data goes to tmpfs when there is one. */
function dataDirFor(dir: string): string {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  try {
    mkdirSync('/dev/shm', { recursive: true });
    return join('/dev/shm', `ferry-etcd-${suffix}`);
  } catch {
    return join(dir, 'etcd-data');
  }
}

export async function startEtcd(
  etcdBinary: string,
  dir: string,
  readyTimeoutMs: number,
): Promise<EtcdRecord> {
  mkdirSync(dir, { recursive: true });
  const dataDir = process.env.KUBE_ETCD_DATA ?? dataDirFor(dir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const daemon = await startDaemon(
    {
      what: 'etcd',
      command: etcdBinary,
      args: [
        '--name=ferry-harness',
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=ferry-harness=${peer}`,
        '--logger=zap',
        '--log-level=warn',
      ],
      logFile: join(dir, 'etcd.log'),
      pidFile: join(dir, 'etcd.pid'),
    },
    [etcdBinary, dataDir],
  );
  const record: EtcdRecord = { url, dataDir, process: { ...daemon } };
  try {
    await waitFor(
      async () => {
        assertRunning(daemon);
        const response = await request(`${url}/health`);
        const body = (await response.body.json()) as { health?: string };
        return response.statusCode === 200 && body.health === 'true';
      },
      {
        what: 'etcd to be healthy',
        timeoutMs: readyTimeoutMs,
        onTimeout: () => ({ logTail: logTail(daemon.logFile) }),
      },
    );
  } catch (error) {
    await stopEtcd(record);
    throw error;
  }
  return record;
}

export async function stopEtcd(record: EtcdRecord): Promise<void> {
  await stopDaemon(record.process);
  rmSync(record.dataDir, { recursive: true, force: true });
}

/** The range end that selects every key starting with prefix (etcd's "prefix" convention). */
function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== undefined && end[i] !== 0xff) {
      end[i] = (end[i] ?? 0) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

async function kv(
  url: string,
  verb: 'range' | 'deleterange',
  prefix: string,
): Promise<Record<string, unknown>> {
  const key = Buffer.from(prefix);
  const response = await request(`${url}/v3/kv/${verb}`, {
    method: 'POST',
    body: JSON.stringify({
      key: key.toString('base64'),
      range_end: prefixRangeEnd(key).toString('base64'),
      ...(verb === 'range' ? { count_only: true } : {}),
    }),
  });
  const body = (await response.body.json()) as Record<string, unknown>;
  if (response.statusCode !== 200) {
    throw new HarnessError(
      'http',
      `etcd ${verb} of prefix ${prefix} answered ${response.statusCode}: ${JSON.stringify(body)}`,
    );
  }
  return body;
}

/** Deletes every key under the prefix (which must end with '/'). Returns how many were deleted. */
export async function purgePrefix(url: string, prefix: string): Promise<number> {
  if (!prefix.endsWith('/')) throw new HarnessError('bad-state', `etcd prefix must end with '/': ${prefix}`);
  const body = await kv(url, 'deleterange', prefix);
  return Number(body.deleted ?? 0);
}

/** How many keys sit under the prefix. */
export async function countPrefix(url: string, prefix: string): Promise<number> {
  const body = await kv(url, 'range', prefix);
  return Number(body.count ?? 0);
}
