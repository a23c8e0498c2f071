// Per-cluster PKI made with openssl: a CA, the API server's serving certificate, and the
// ServiceAccount signing key pair.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from './errors.ts';

const run = promisify(execFile);

export interface ClusterPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly saKey: string;
  readonly saPub: string;
}

const SERVER_SANS = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
  'IP:10.0.0.1',
];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new HarnessError('command-failed', `openssl ${args[0] ?? ''} failed in ${cwd}`, {
      cause: error,
      logTail: stderr,
    });
  }
}

export async function createPki(dir: string, clusterName: string): Promise<ClusterPki> {
  mkdirSync(dir, { recursive: true });
  const pki: ClusterPki = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  };
  writeFileSync(
    join(dir, 'apiserver.ext'),
    [
      `subjectAltName=${SERVER_SANS.join(',')}`,
      'extendedKeyUsage=serverAuth',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'basicConstraints=CA:FALSE',
      '',
    ].join('\n'),
  );
  const days = ['-days', '3650'];
  await Promise.all([
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        ...days,
        '-subj',
        `/CN=ferry-harness-${clusterName}-ca`,
      ],
      dir,
    ),
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'apiserver.key',
        '-out',
        'apiserver.csr',
        '-subj',
        '/CN=kube-apiserver',
      ],
      dir,
    ),
    openssl(['genrsa', '-out', 'sa.key', '2048'], dir),
  ]);
  await Promise.all([
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'apiserver.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'apiserver.crt',
        ...days,
        '-extfile',
        'apiserver.ext',
      ],
      dir,
    ),
    openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir),
  ]);
  return pki;
}
