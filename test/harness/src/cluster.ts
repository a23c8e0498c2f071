// One harness cluster: its own kube-apiserver (serving certificate, token auth, RBAC, ServiceAccount
// signing keys) and kube-controller-manager, on the shared etcd under its own prefix.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { KubeBinaries } from './binaries.ts';
import { HarnessError } from './errors.ts';
import { purgePrefix } from './etcd.ts';
import { KubeHttp } from './kube-http.ts';
import { freePort } from './ports.ts';
import { assertRunning, logTail, startDaemon, stopDaemon, type Daemon } from './process.ts';
import { createPki, type ClusterPki } from './pki.ts';
import type { ClusterRecord, EtcdRecord, ProcessRecord } from './types.ts';
import { waitFor } from './wait.ts';

export interface ClusterOptions {
  /** How long each component may take to become ready. */
  readonly readyTimeoutMs: number;
  /** Without it: no ReplicaSets, Pods, token Secrets or garbage collection. */
  readonly controllerManager: boolean;
  /** Wait until the `default` ServiceAccount has its token Secret (1.20 admits no Pod before). */
  readonly waitDefaultServiceAccount: boolean;
  /** Extra flags; the last one of a name wins. */
  readonly apiserverArgs: readonly string[];
  readonly controllerManagerArgs: readonly string[];
  /** A fixed API server port instead of a free one chosen at run time (no retry when it is taken). */
  readonly apiserverPort?: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  readyTimeoutMs: Number(process.env.KUBE_READY_TIMEOUT ?? 60) * 1000,
  controllerManager: process.env.KUBE_NO_CM !== '1',
  waitDefaultServiceAccount: process.env.KUBE_WAIT_SA !== '0',
  apiserverArgs: (process.env.KUBE_APISERVER_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
  controllerManagerArgs: (process.env.KUBE_CM_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
};

const PORT_ATTEMPTS = 3;

/** `--name=value` → `--name`; anything else as it is. */
const flagName = (arg: string): string => arg.split('=', 1)[0] ?? arg;

/**
 * The default flags less those the extra ones name, then the extra ones: an extra flag replaces the
 * default of its name (list flags such as --etcd-servers would otherwise add to it, not replace it).
 */
export function withOverrides(defaults: readonly string[], extra: readonly string[]): string[] {
  const named = new Set(extra.map(flagName));
  return [...defaults.filter((arg) => !named.has(flagName(arg))), ...extra];
}

function kubeconfig(name: string, server: string, ca: string, user: string, token: string): string {
  // JSON is YAML: kubectl and client libraries read it as a kubeconfig.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name, context: { cluster: name, user } }],
    'current-context': name,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function apiserverArgs(
  pki: ClusterPki,
  dir: string,
  etcd: EtcdRecord,
  prefix: string,
  port: number,
): string[] {
  return [
    `--etcd-servers=${etcd.url}`,
    `--etcd-prefix=${prefix}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    '--insecure-port=0',
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--cert-dir=${pki.dir}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.0.0.0/16',
    '--profiling=false',
  ];
}

async function launchApiserver(
  binaries: KubeBinaries,
  name: string,
  dir: string,
  args: readonly string[],
): Promise<Daemon> {
  return startDaemon(
    {
      what: `kube-apiserver of ${name}`,
      command: binaries.apiserver,
      args,
      logFile: join(dir, 'logs', 'kube-apiserver.log'),
      pidFile: join(dir, 'kube-apiserver.pid'),
      env: { ...process.env, GOGC: process.env.GOGC ?? '50' },
    },
    [binaries.apiserver, dir],
  );
}

async function waitApiserverReady(
  daemon: Daemon,
  server: string,
  ca: string,
  timeoutMs: number,
): Promise<void> {
  const anonymous = new KubeHttp({ server, ca });
  try {
    await waitFor(
      async () => {
        assertRunning(daemon);
        const response = await anonymous.raw('GET', '/readyz', { anonymous: true });
        return response.status === 200;
      },
      {
        what: `${daemon.what} to answer /readyz`,
        timeoutMs,
        intervalMs: 200,
        onTimeout: () => ({ logTail: logTail(daemon.logFile) }),
      },
    );
  } finally {
    await anonymous.close();
  }
}

async function startControllerManager(
  binaries: KubeBinaries,
  name: string,
  dir: string,
  pki: ClusterPki,
  port: number,
  extraArgs: readonly string[],
  timeoutMs: number,
): Promise<Daemon> {
  const daemon = await startDaemon(
    {
      what: `kube-controller-manager of ${name}`,
      command: binaries.controllerManager,
      args: [
        `--kubeconfig=${join(dir, 'controller-manager.kubeconfig')}`,
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        '--use-service-account-credentials=true',
        '--leader-elect=false',
        '--address=127.0.0.1',
        `--port=${port}`,
        '--secure-port=0',
        '--profiling=false',
        `--flex-volume-plugin-dir=${join(dir, 'flexvolume')}`,
        ...extraArgs,
      ],
      logFile: join(dir, 'logs', 'kube-controller-manager.log'),
      pidFile: join(dir, 'kube-controller-manager.pid'),
    },
    [binaries.controllerManager, dir],
  );
  await waitFor(
    async () => {
      assertRunning(daemon);
      const response = await request(`http://127.0.0.1:${port}/healthz`);
      const text = await response.body.text();
      return response.statusCode === 200 && text === 'ok';
    },
    {
      what: `${daemon.what} to answer /healthz`,
      timeoutMs,
      intervalMs: 200,
      onTimeout: () => ({ logTail: logTail(daemon.logFile) }),
    },
  );
  return daemon;
}

async function waitDefaultServiceAccount(
  record: ClusterRecord,
  ca: string,
  timeoutMs: number,
): Promise<void> {
  const kube = new KubeHttp({ server: record.server, ca, token: record.token });
  try {
    await waitFor(
      async () => {
        // 404 until the controller-manager has created the ServiceAccount.
        const sa = await kube.raw<{ secrets?: unknown[] }>(
          'GET',
          '/api/v1/namespaces/default/serviceaccounts/default',
        );
        return sa.status === 200 && (sa.body.secrets ?? []).length > 0;
      },
      {
        what: `the default ServiceAccount of ${record.name} to get its token Secret`,
        timeoutMs,
        intervalMs: 200,
        onTimeout: () => ({ logTail: logTail(join(record.dir, 'logs', 'kube-controller-manager.log')) }),
      },
    );
  } finally {
    await kube.close();
  }
}

const asRecord = (daemon: Daemon): ProcessRecord => ({ ...daemon });

/** Creates the cluster's PKI and tokens, starts its API server and controller-manager, waits until ready. */
export async function startCluster(
  name: string,
  dir: string,
  etcd: EtcdRecord,
  binaries: KubeBinaries,
  options: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
): Promise<ClusterRecord> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  mkdirSync(join(dir, 'flexvolume'), { recursive: true });
  const pki = await createPki(join(dir, 'pki'), name);
  const ca = readFileSync(pki.caCert, 'utf8');
  const adminToken = randomBytes(24).toString('hex');
  const cmToken = randomBytes(24).toString('hex');
  writeFileSync(
    join(dir, 'tokens.csv'),
    `${adminToken},admin,admin,"system:masters"\n${cmToken},system:kube-controller-manager,system:kube-controller-manager\n`,
    { mode: 0o600 },
  );
  // A fresh prefix per incarnation: a re-added cluster never sees its predecessor's keys.
  const etcdPrefix = `/ferry-harness/${name}-${randomBytes(4).toString('hex')}/`;

  let apiserver: Daemon | undefined;
  let port = 0;
  for (let attempt = 1; apiserver === undefined; attempt++) {
    port = options.apiserverPort ?? (await freePort());
    const args = withOverrides(
      apiserverArgs(pki, dir, etcd, etcdPrefix.slice(0, -1), port),
      options.apiserverArgs,
    );
    writeFileSync(join(dir, 'kube-apiserver.args.json'), JSON.stringify(args));
    const daemon = await launchApiserver(binaries, name, dir, args);
    try {
      await waitApiserverReady(daemon, `https://127.0.0.1:${port}`, ca, options.readyTimeoutMs);
      apiserver = daemon;
    } catch (error) {
      await stopDaemon(daemon);
      // Another process may have taken the port between our probe and the bind: try a new one.
      const retry =
        error instanceof HarnessError && error.code === 'port-in-use' && options.apiserverPort === undefined;
      if (!retry || attempt >= PORT_ATTEMPTS) throw error;
    }
  }

  const server = `https://127.0.0.1:${port}`;
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(`ferry-${name}`, server, ca, 'admin', adminToken), {
    mode: 0o600,
  });
  writeFileSync(
    join(dir, 'controller-manager.kubeconfig'),
    kubeconfig(`ferry-${name}`, server, ca, 'system:kube-controller-manager', cmToken),
    { mode: 0o600 },
  );
  const base = {
    name,
    server,
    kubeconfig: kubeconfigPath,
    token: adminToken,
    caFile: pki.caCert,
    etcdPrefix,
    dir,
    apiserverPort: port,
    apiserver: asRecord(apiserver),
  };
  if (!options.controllerManager) return { ...base, controllerManagerPort: 0, controllerManager: undefined };

  const cmPort = await freePort();
  let controllerManager: Daemon;
  try {
    controllerManager = await startControllerManager(
      binaries,
      name,
      dir,
      pki,
      cmPort,
      options.controllerManagerArgs,
      options.readyTimeoutMs,
    );
  } catch (error) {
    await stopDaemon(apiserver);
    throw error;
  }
  const record: ClusterRecord = {
    ...base,
    controllerManagerPort: cmPort,
    controllerManager: asRecord(controllerManager),
  };
  if (options.waitDefaultServiceAccount) {
    try {
      await waitDefaultServiceAccount(record, ca, options.readyTimeoutMs);
    } catch (error) {
      await stopCluster(record);
      throw error;
    }
  }
  return record;
}

/** Stops the controller-manager, then the API server, by PID. */
export async function stopCluster(record: ClusterRecord): Promise<void> {
  if (record.controllerManager) await stopDaemon(record.controllerManager);
  await stopDaemon(record.apiserver);
}

/** Stops the cluster and deletes every key it had in etcd; other clusters keep running. */
export async function destroyClusterData(record: ClusterRecord, etcd: EtcdRecord): Promise<number> {
  await stopCluster(record);
  return purgePrefix(etcd.url, record.etcdPrefix);
}

/** Restarts only the API server, on the same port with the same flags and data. */
export async function restartApiServer(
  record: ClusterRecord,
  binaries: KubeBinaries,
  readyTimeoutMs = DEFAULT_CLUSTER_OPTIONS.readyTimeoutMs,
): Promise<ClusterRecord> {
  await stopDaemon(record.apiserver);
  const args = JSON.parse(readFileSync(join(record.dir, 'kube-apiserver.args.json'), 'utf8')) as string[];
  const daemon = await launchApiserver(binaries, record.name, record.dir, args);
  await waitApiserverReady(daemon, record.server, readFileSync(record.caFile, 'utf8'), readyTimeoutMs);
  return { ...record, apiserver: asRecord(daemon) };
}
