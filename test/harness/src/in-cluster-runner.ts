// Runs a local Node.js process as if it ran in a Pod of a Deployment: the Pod template's
// ServiceAccount (a TokenRequest token, rotated like the kubelet does), env, envFrom and volumes are
// resolved from the real cluster and materialized under workDir; paths into mounts are rewritten to
// their materialized place. The Deployment's own Pods stay Pending (there is no kubelet): this process
// stands in for one of them.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Harness } from './harness.ts';
import { HarnessError } from './errors.ts';
import type { KubeHttp } from './kube-http.ts';
import {
  DEFAULT_SERVICE_ACCOUNT_PATH,
  materializeVolume,
  resolveEnv,
  rewritePaths,
  writeAtomically,
  type PodIdentity,
  type PodSpecView,
  type SourceReader,
} from './in-cluster-runner-pod.ts';
import { TokenKeeper } from './service-account-token.ts';

export interface InClusterRunOptions {
  readonly namespace: string;
  readonly deployment: string;
  /** The container to imitate; default the first. */
  readonly container?: string;
  /** Replaces the image's entrypoint; the container's `args` are appended. */
  readonly command: readonly string[];
  /** Set last, as given (not rewritten). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Holds fs/ (the Pod's view of its mounts), volumes/, serviceaccount/ and the log. */
  readonly workDir: string;
  /** Working directory of the process; default the runner's own. */
  readonly cwd?: string;
  /** Between SIGTERM and SIGKILL in stop(); default 5 s. */
  readonly stopGraceMs?: number;
  /** Lifetime asked for the ServiceAccount token; default 3600, at least 600. */
  readonly tokenExpirationSeconds?: number;
}

export interface InClusterProcess {
  readonly pid: number;
  /** The Pod name the process believes it has (`<deployment>-sim-<random>`). */
  readonly podName: string;
  readonly logFile: string;
  /** token, ca.crt, namespace; also what FERRY_SERVICEACCOUNT_DIR names. */
  readonly serviceAccountDir: string;
  /** The Pod's file system view: mountPath P is at `${fsRoot}${P}`. */
  readonly fsRoot: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  /** The exit code, or null when a signal ended the process. */
  readonly exited: Promise<number | null>;
  /** Requests fresh tokens now (what the kubelet does at 80% of a token's lifetime). */
  rotateToken(): Promise<void>;
  /** Timer-driven rotations so far and the last rotation failure (rotation is retried). */
  tokenStatus(): { readonly rotations: number; readonly lastError: string | undefined };
  /** SIGTERM, SIGKILL after the grace period, waits for the exit; idempotent. */
  stop(): Promise<void>;
}

interface DeploymentView {
  readonly spec: {
    readonly template: {
      readonly metadata?: {
        readonly labels?: Readonly<Record<string, string>>;
        readonly annotations?: Readonly<Record<string, string>>;
      };
      readonly spec: PodSpecView;
    };
  };
}

function podSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function cachedReader(kube: KubeHttp, namespace: string): SourceReader {
  const cache = new Map<string, Promise<Map<string, Buffer> | undefined>>();
  return (kind, name) => {
    const key = `${kind}/${name}`;
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = (async () => {
        const path = `/api/v1/namespaces/${namespace}/${kind === 'Secret' ? 'secrets' : 'configmaps'}/${name}`;
        const answer = await kube.raw<{ data?: Record<string, string>; binaryData?: Record<string, string> }>(
          'GET',
          path,
        );
        if (answer.status === 404) return undefined;
        if (answer.status !== 200) throw new HarnessError('http', `GET ${path} answered ${answer.status}`);
        const data = new Map<string, Buffer>();
        for (const [k, v] of Object.entries(answer.body.data ?? {})) {
          data.set(k, kind === 'Secret' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
        }
        for (const [k, v] of Object.entries(answer.body.binaryData ?? {}))
          data.set(k, Buffer.from(v, 'base64'));
        return data;
      })();
      cache.set(key, entry);
    }
    return entry;
  };
}

function inheritedEnv(home: string): Record<string, string> {
  // Not the runner's environment: a Pod has no KUBECONFIG pointing at the admin.
  const env: Record<string, string> = { HOME: home };
  for (const name of ['PATH', 'LANG', 'TZ', 'NODE_V8_COVERAGE']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  if (!('PATH' in env)) env.PATH = '/usr/local/bin:/usr/bin:/bin';
  return env;
}

/**
 * Starts `command` as a stand-in for a Pod of Deployment/namespace/deployment on the harness cluster
 * `clusterName`, with that Pod's ServiceAccount identity, env and mounted files.
 */
export async function runInCluster(
  harness: Harness,
  clusterName: string,
  options: InClusterRunOptions,
): Promise<InClusterProcess> {
  const [program, ...programArgs] = options.command;
  if (program === undefined) throw new HarnessError('bad-state', 'runInCluster needs a command');
  const cluster = harness.cluster(clusterName);
  const kube = harness.kube(clusterName);
  const { namespace } = options;
  const where = `Deployment/${namespace}/${options.deployment}`;
  let keeper: TokenKeeper | undefined;
  try {
    const deployment = await kube.get<DeploymentView>(
      `/apis/apps/v1/namespaces/${namespace}/deployments/${options.deployment}`,
    );
    const podSpec = deployment.spec.template.spec;
    const container =
      options.container === undefined
        ? podSpec.containers[0]
        : podSpec.containers.find((candidate) => candidate.name === options.container);
    if (container === undefined) {
      throw new HarnessError(
        'bad-state',
        `${where} has no container ${options.container ?? '(none at all)'}`,
      );
    }
    const serviceAccount = podSpec.serviceAccountName ?? podSpec.serviceAccount ?? 'default';
    const identity: PodIdentity = {
      namespace,
      name: `${options.deployment}-sim-${podSuffix()}`,
      uid: randomUUID(),
      serviceAccount,
      labels: deployment.spec.template.metadata?.labels ?? {},
      annotations: deployment.spec.template.metadata?.annotations ?? {},
    };

    // Fresh directories for this run.
    // Absolute: the mounts are symlinks, and the process may run in another working directory.
    const workDir = resolve(options.workDir);
    const fsRoot = join(workDir, 'fs');
    const volumesDir = join(workDir, 'volumes');
    const serviceAccountDir = join(workDir, 'serviceaccount');
    for (const dir of [fsRoot, volumesDir, serviceAccountDir]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }

    // The ServiceAccount directory: token (TokenRequest), ca.crt, namespace.
    keeper = new TokenKeeper(kube, namespace, serviceAccount);
    const expirationSeconds = Math.max(600, options.tokenExpirationSeconds ?? 3600);
    await keeper.add(join(serviceAccountDir, 'token'), undefined, expirationSeconds);
    const ca = readFileSync(cluster.caFile);
    writeAtomically(join(serviceAccountDir, 'ca.crt'), ca);
    writeAtomically(join(serviceAccountDir, 'namespace'), namespace);

    // Volumes the container mounts, then its mounts as links under fs/.
    const read = cachedReader(kube, namespace);
    const mounts = [...(container.volumeMounts ?? [])].sort(
      (a, b) => a.mountPath.length - b.mountPath.length,
    );
    const volumeDirs = new Map<string, string>();
    const ctx = { identity, read, keeper, where, claimsDir: join(workDir, 'claims') };
    for (const name of new Set(mounts.map((mount) => mount.name))) {
      const volume = podSpec.volumes?.find((candidate) => candidate.name === name);
      if (volume === undefined) {
        throw new HarnessError('bad-state', `${where} mounts volume ${name}, which it does not define`);
      }
      volumeDirs.set(name, await materializeVolume(volume, join(volumesDir, name), ctx));
    }
    const mountPaths = mounts.map((mount) => mount.mountPath);
    const links = mounts.map((mount) => ({
      at: join(fsRoot, mount.mountPath),
      to: join(volumeDirs.get(mount.name) ?? join(volumesDir, mount.name), mount.subPath ?? ''),
    }));
    if (
      podSpec.automountServiceAccountToken !== false &&
      !mountPaths.includes(DEFAULT_SERVICE_ACCOUNT_PATH)
    ) {
      mountPaths.push(DEFAULT_SERVICE_ACCOUNT_PATH);
      links.push({ at: join(fsRoot, DEFAULT_SERVICE_ACCOUNT_PATH), to: serviceAccountDir });
    }
    for (const link of links) {
      if (!existsSync(link.to)) mkdirSync(link.to, { recursive: true });
      mkdirSync(dirname(link.at), { recursive: true });
      rmSync(link.at, { recursive: true, force: true });
      symlinkSync(link.to, link.at);
    }

    // Environment and arguments.
    const home = join(fsRoot, 'root');
    mkdirSync(home, { recursive: true });
    const port = String(cluster.apiserverPort);
    const serviceEnv = {
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: port,
      KUBERNETES_SERVICE_PORT_HTTPS: port,
      KUBERNETES_PORT: `tcp://127.0.0.1:${port}`,
    };
    const { env: podEnv, expand } = await resolveEnv(container, serviceEnv, { identity, read, where });
    const env: Record<string, string> = {
      ...inheritedEnv(home),
      HOSTNAME: identity.name,
      ...rewritePaths(podEnv, fsRoot, mountPaths),
      FERRY_SERVICEACCOUNT_DIR: serviceAccountDir,
      ...(options.extraEnv ?? {}),
    };
    const args = (container.args ?? []).map(
      (arg) => rewritePaths({ arg: expand(arg) }, fsRoot, mountPaths).arg ?? arg,
    );

    // The process.
    const logFile = join(workDir, `${identity.name}.log`);
    const log = openSync(logFile, 'a');
    const child = spawn(program, [...programArgs, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env,
      stdio: ['ignore', log, log],
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        resolve(code);
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (error: NodeJS.ErrnoException) => {
          reject(
            new HarnessError(
              error.code === 'ENOENT' ? 'missing-binary' : 'process-exited',
              `cannot start ${program} for ${where}: ${error.message}`,
              { cause: error },
            ),
          );
        });
      });
    } finally {
      closeSync(log);
    }
    const pid = child.pid ?? -1;
    const killOnExit = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const tokens = keeper;
    const graceMs = options.stopGraceMs ?? 5_000;
    let stopping: Promise<void> | undefined;
    return {
      pid,
      podName: identity.name,
      logFile,
      serviceAccountDir,
      fsRoot,
      env,
      args,
      exited,
      rotateToken: () => tokens.rotateAll(),
      tokenStatus: () => ({ rotations: tokens.rotations, lastError: tokens.lastError }),
      stop: () => {
        stopping ??= (async () => {
          tokens.stop();
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const grace = new AbortController();
            const timer = new Promise<boolean>((resolve) => {
              const handle = setTimeout(() => {
                resolve(false);
              }, graceMs);
              grace.signal.addEventListener('abort', () => {
                clearTimeout(handle);
                resolve(true);
              });
            });
            const inTime = await Promise.race([exited.then(() => true), timer]);
            grace.abort();
            if (!inTime) child.kill('SIGKILL');
          }
          await exited;
          process.off('exit', killOnExit);
          await kube.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    keeper?.stop();
    await kube.close();
    throw error;
  }
}
