// The lifecycle suite's manifests and views: the objects its repos hold (named by scenario), the
// bootstrap ConfigMap that points the GitSync at a repo, the GitSync as kubectl prints it, and the
// agent's JSON log lines.

export interface GitSyncView {
  readonly metadata: { readonly generation: number; readonly annotations?: Record<string, string> };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly lastAppliedRevision?: string;
    readonly lastAttemptedRevision?: string;
    readonly lastHandledRequestedAt?: string;
    readonly conditions?: readonly {
      readonly type: string;
      readonly status: string;
      readonly reason: string;
      readonly message: string;
    }[];
  };
}

export interface LeaseView {
  readonly holderIdentity?: string;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

/** A Lease time (MicroTime, microseconds) in ms since the epoch. */
export const leaseTime = (time: string | undefined): number =>
  Date.parse((time ?? '').replace(/\.(\d{3})\d*Z$/, '.$1Z'));

export const condition = (view: GitSyncView, type: string) =>
  view.status?.conditions?.find((c) => c.type === type);

/** One line of the agent's log: {"time", "level", "msg", ...fields}. */
export interface LogEntry {
  readonly time: string;
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export function parseLog(text: string): LogEntry[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogEntry];
      } catch {
        return [];
      }
    });
}

export function bootstrapConfigMap(
  url: string,
  options: { readonly path: string; readonly appNamespace: string },
): string {
  // Interval 1 h: only the annotation, the spec, the watches and a restart make a sync happen here.
  const gitsync = `apiVersion: ferry.dev/v1alpha1
kind: GitSync
metadata:
  name: ferry
  namespace: ferry-system
spec:
  repo: ${url}
  ref: main
  path: ${options.path}
  targetNamespace: ${options.appNamespace}
  interval: 1h
  credentials:
    secretName: git-credentials
`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ferry-agent-bootstrap', namespace: 'ferry-system' },
    data: { 'gitsync.yaml': gitsync },
  });
}

export const configMap = (namespace: string, name: string, value: string): string =>
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${namespace}
data:
  key: ${value}
`;

/** A Deployment of one replica; the simulated kubelet (where it runs) makes its Pod ready. */
export const deployment = (namespace: string, name: string): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: example.invalid/${name}:1
`;

/** The ConfigMap's data.key as the API server has it, or undefined when it is gone. */
export async function liveValue(
  kubectl: (args: readonly string[]) => Promise<string>,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  const text = await kubectl(['-n', namespace, 'get', 'configmap', name, '-o', 'json', '--ignore-not-found']);
  if (text.trim() === '') return undefined;
  return (JSON.parse(text) as { data?: { key?: string } }).data?.key;
}
