// The only module that imports @kubernetes/client-node: it turns a kubeconfig (any auth it supports)
// or the in-cluster ServiceAccount folder into a KubeConnection. Requests themselves go through
// kube/api.ts on one keep-alive HTTP client. The library is loaded only for a kubeconfig: in the
// cluster the agent reads its ServiceAccount folder itself, and never pays the ~80 MB of memory that
// loading the library's generated API costs.
import { readFileSync, statSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { join } from 'node:path';
import { KubeError } from './types.ts';

export const DEFAULT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The kubelet rotates projected tokens; re-read the file at least this often. */
const TOKEN_REREAD_MS = 60_000;

export interface KubeConnection {
  readonly server: string;
  readonly ca: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly insecureSkipTlsVerify: boolean;
  /** The current Authorization header value, if any (re-read for rotated ServiceAccount tokens). */
  authorization(): string | undefined;
  /** The namespace the agent runs in (in-cluster) or the kubeconfig context's namespace. */
  readonly namespace: string | undefined;
}

export interface ConnectOptions {
  /** A kubeconfig file; when absent: in-cluster if KUBERNETES_SERVICE_HOST is set, else the default kubeconfig. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Where the ServiceAccount token, CA and namespace are (FERRY_SERVICEACCOUNT_DIR, else the standard path). */
  readonly serviceAccountDir?: string;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KubeError('unauthorized', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const tokenFile = join(dir, 'token');
  let token = readText(tokenFile).trim();
  let readAt = Date.now();
  let mtime = statSync(tokenFile).mtimeMs;
  const namespaceFile = join(dir, 'namespace');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readText(join(dir, 'ca.crt')),
    cert: undefined,
    key: undefined,
    insecureSkipTlsVerify: false,
    namespace: readText(namespaceFile).trim(),
    authorization: () => {
      const now = Date.now();
      if (
        now - readAt > TOKEN_REREAD_MS ||
        statSync(tokenFile, { throwIfNoEntry: false })?.mtimeMs !== mtime
      ) {
        token = readText(tokenFile).trim();
        mtime = statSync(tokenFile).mtimeMs;
        readAt = now;
      }
      return `Bearer ${token}`;
    },
  };
}

async function fromKubeconfig(options: ConnectOptions): Promise<KubeConnection> {
  let config;
  try {
    const { KubeConfig } = await import('@kubernetes/client-node');
    config = new KubeConfig();
    if (options.kubeconfig !== undefined) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
    if (options.context !== undefined) config.setCurrentContext(options.context);
  } catch (error) {
    throw new KubeError(
      'unauthorized',
      `cannot load kubeconfig ${options.kubeconfig ?? '(default)'}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null)
    throw new KubeError(
      'unauthorized',
      `kubeconfig ${options.kubeconfig ?? '(default)'} has no current cluster`,
    );
  const https: RequestOptions = {};
  await config.applyToHTTPSOptions(https);
  const headers = (https.headers ?? {}) as Record<string, string | undefined>;
  const header = headers.Authorization ?? headers.authorization;
  const pem = (value: unknown): string | undefined =>
    value === undefined || value === null
      ? undefined
      : Buffer.isBuffer(value)
        ? value.toString('utf8')
        : typeof value === 'string'
          ? value
          : undefined;
  const context = config.getContextObject(config.getCurrentContext());
  return {
    server: cluster.server,
    ca: pem(https.ca),
    cert: pem(https.cert),
    key: pem(https.key),
    insecureSkipTlsVerify: cluster.skipTLSVerify,
    namespace: context?.namespace,
    authorization: () => header,
  };
}

export async function connect(
  options: ConnectOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<KubeConnection> {
  if (
    options.kubeconfig === undefined &&
    env.KUBERNETES_SERVICE_HOST !== undefined &&
    env.KUBERNETES_SERVICE_HOST !== ''
  ) {
    return inCluster(
      env,
      options.serviceAccountDir ?? env.FERRY_SERVICEACCOUNT_DIR ?? DEFAULT_SERVICE_ACCOUNT_DIR,
    );
  }
  return fromKubeconfig(options);
}
