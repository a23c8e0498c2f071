// The agent benchmark's cluster side: install deploy/agent with kubectl as a user would, point the
// bootstrap ConfigMap at the benchmark's repo (interval 1 h, so only what the benchmark does makes a
// sync happen), and read or poke the GitSync the agent creates from it.
import { join } from 'node:path';
import { waitFor, type Harness, type KubeHttp } from '../test/harness/src/index.ts';
import { MANIFEST_PATH } from './agent-manifests.ts';
import type { RunningAgent } from './agent-process.ts';

export const AGENT_NAMESPACE = 'ferry-system';
const REQUESTED_AT = 'ferry.dev/requested-at';
const GITSYNC_PATH = `/apis/ferry.dev/v1alpha1/namespaces/${AGENT_NAMESPACE}/gitsyncs/ferry`;

export interface GitSyncView {
  readonly metadata: { readonly generation: number; readonly annotations?: Record<string, string> };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly lastAppliedRevision?: string;
    readonly lastHandledRequestedAt?: string;
    readonly conditions?: readonly { type: string; status: string; reason: string; message: string }[];
    readonly inventory?: { readonly objects: number; readonly namespaces: number };
  };
}

/**
 * One harness cluster, as its admin: kubectl where a person would use it, HTTP for polling (a kubectl
 * process every 50 ms would take the CPU the agent is being measured on).
 */
export class BenchCluster {
  readonly harness: Harness;
  readonly name: string;
  readonly http: KubeHttp;

  constructor(harness: Harness, name: string) {
    this.harness = harness;
    this.name = name;
    this.http = harness.kube(name);
  }

  kubectl(args: readonly string[], input?: string): Promise<string> {
    return this.harness.kubectl(this.name, args, input);
  }

  /** `kubectl apply -k deploy/agent`, the Git credentials Secret and the bootstrap ConfigMap. */
  async installAgent(repoRoot: string, repoUrl: string, gitToken: string): Promise<void> {
    await this.kubectl(['apply', '-k', join(repoRoot, 'deploy', 'agent')]);
    await this.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/gitsyncs.ferry.dev']);
    await this.kubectl([
      '-n',
      AGENT_NAMESPACE,
      'create',
      'secret',
      'generic',
      'git-credentials',
      `--from-literal=bearerToken=${gitToken}`,
    ]);
    const gitSync = [
      'apiVersion: ferry.dev/v1alpha1',
      'kind: GitSync',
      'metadata:',
      '  name: ferry',
      `  namespace: ${AGENT_NAMESPACE}`,
      'spec:',
      `  repo: ${repoUrl}`,
      '  ref: main',
      `  path: ${MANIFEST_PATH}`,
      '  interval: 1h',
      '  credentials:',
      '    secretName: git-credentials',
      '',
    ].join('\n');
    const bootstrap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ferry-agent-bootstrap', namespace: AGENT_NAMESPACE },
      data: { 'gitsync.yaml': gitSync },
    };
    await this.kubectl(['apply', '-f', '-'], JSON.stringify(bootstrap));
  }

  async gitSync(): Promise<GitSyncView | undefined> {
    const answer = await this.http.raw<GitSyncView>('GET', GITSYNC_PATH);
    return answer.status === 200 ? answer.body : undefined;
  }

  /** Waits until the GitSync is Ready with `sha` applied, while the agent runs. */
  async waitReady(sha: string, timeoutMs: number, agent: RunningAgent): Promise<GitSyncView> {
    return waitFor(
      async () => {
        agent.assertRunning();
        const view = await this.gitSync();
        const ready = view?.status?.conditions?.find((c) => c.type === 'Ready');
        const applied = view?.status?.lastAppliedRevision ?? '';
        return ready?.status === 'True' && applied.endsWith(sha) ? view : undefined;
      },
      {
        what: `the GitSync to be Ready at ${sha}`,
        timeoutMs,
        intervalMs: 250,
        onTimeout: () => ({ logTail: agent.logTail() }),
      },
    );
  }

  /** Asks for a sync now with the annotation (what `kubectl annotate` sends); answers its value. */
  async requestSync(): Promise<string> {
    const value = `${new Date().toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
    await this.http.patch(GITSYNC_PATH, { metadata: { annotations: { [REQUESTED_AT]: value } } });
    return value;
  }

  /** Waits until the agent's status says it handled the request `value`. */
  async waitHandled(value: string, timeoutMs: number): Promise<void> {
    await waitFor(async () => (await this.gitSync())?.status?.lastHandledRequestedAt === value, {
      what: `the sync requested at ${value} to be handled`,
      timeoutMs,
      intervalMs: 50,
    });
  }

  /** Sets the GitSync's interval (a spec change: the agent syncs once for it, then on the new interval). */
  async setInterval(interval: string): Promise<void> {
    await this.http.patch(GITSYNC_PATH, { spec: { interval } });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
