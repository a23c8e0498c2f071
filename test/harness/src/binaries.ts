// Where the harness's programs come from: kube-apiserver and kube-controller-manager built from
// Debian's kubernetes source package (cached outside the clone), etcd and openssl from Debian.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HarnessError } from './errors.ts';

const run = promisify(execFile);
const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build-kube.sh');

export interface KubeBinaries {
  readonly apiserver: string;
  readonly controllerManager: string;
  readonly etcd: string;
}

function binariesIn(bin: string, etcd: string): KubeBinaries {
  return {
    apiserver: join(bin, 'kube-apiserver'),
    controllerManager: join(bin, 'kube-controller-manager'),
    etcd,
  };
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Returns the Kubernetes binaries, building them when the cache lacks them (about 5 minutes cold).
 * KUBE_BIN_DIR points at ready binaries and skips the build; KUBE_BUILD_CACHE moves the cache.
 */
export async function ensureKubeBinaries(): Promise<KubeBinaries> {
  let bin = process.env.KUBE_BIN_DIR;
  if (bin === undefined || bin === '') {
    try {
      const { stdout } = await run('bash', [BUILD_SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
      bin = stdout.trim().split('\n').pop() ?? '';
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new HarnessError(
        'build-failed',
        `building kube-apiserver from Debian's sources failed (${BUILD_SCRIPT})`,
        {
          cause: error,
          logTail: stderr.split('\n').slice(-30).join('\n'),
        },
      );
    }
  }
  const etcd = findOnPath('etcd');
  if (etcd === undefined) {
    throw new HarnessError(
      'missing-binary',
      'etcd is not installed: apt-get install etcd-server (scripts/setup.sh does)',
    );
  }
  const binaries = binariesIn(bin, etcd);
  for (const path of [binaries.apiserver, binaries.controllerManager]) {
    if (!existsSync(path))
      throw new HarnessError('missing-binary', `${path} is missing (KUBE_BIN_DIR=${bin})`);
  }
  return binaries;
}
