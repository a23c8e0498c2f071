// The lifecycle suite's fixture: a fresh harness cluster with the agent installed by `kubectl apply -k`
// (either RBAC profile), its bootstrap ConfigMap pointed at a repo on the harness Git server (with a
// `git-credentials` Secret), and agents started from the installed Deployment by the in-cluster runner,
// so that each runs with the Deployment's ServiceAccount token, env, args and RBAC.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runInCluster,
  startKubeletSim,
  waitFor,
  type Harness,
  type InClusterProcess,
  type RunningKubeletSim,
} from '../harness/src/index.ts';
import { FERRY_AGENT_NODE_ARGS, REPO_ROOT } from './ferry-agent.ts';
import {
  bootstrapConfigMap,
  condition,
  parseLog,
  type GitSyncView,
  type LeaseView,
  type LogEntry,
} from './agent-lifecycle-fixtures.ts';

export const AGENT_NS = 'ferry-system';

export const PROFILES = { 'cluster-wide': 'deploy/agent', namespaced: 'deploy/agent/namespaced' } as const;
export type Profile = keyof typeof PROFILES;

export interface AgentClusterOptions {
  /** A cluster name of this suite's own (the CRD and ClusterRoles are cluster-scoped). */
  readonly cluster: string;
  readonly profile: Profile;
  /** The GitSync's targetNamespace; created before the install, as the namespaced profile needs. */
  readonly appNamespace: string;
  /** The repo folder the GitSync follows, and the files of the repo's first commit. */
  readonly path: string;
  readonly files: Readonly<Record<string, string>>;
  /**
   * Installs from an install manifest instead of `kubectl apply -k` and a bootstrap ConfigMap: given the
   * repo's URL, answers the manifest (the hub's `GET /install/<token>`), which is applied as it is.
   */
  readonly manifest?: (repoUrl: string) => Promise<string>;
  /** False: the app namespace is not created before the install (Git holds it, as after a disaster). */
  readonly createAppNamespace?: boolean;
}

export class AgentCluster {
  readonly harness: Harness;
  readonly options: AgentClusterOptions;
  readonly repo: string;
  readonly agents: InClusterProcess[] = [];
  readonly #scratch: string;
  readonly #kubelets: RunningKubeletSim[] = [];
  #added = false;

  private constructor(harness: Harness, options: AgentClusterOptions) {
    this.harness = harness;
    this.options = options;
    this.repo = `${options.cluster}-${Date.now().toString(36)}`;
    this.#scratch = mkdtempSync(join(tmpdir(), `ferry-${options.cluster}-`));
  }

  /**
   * Adds the cluster, creates the repo, installs the profile (or the given manifest), creates the Git
   * credentials Secret and (without a manifest) the bootstrap ConfigMap.
   */
  static async install(harness: Harness, options: AgentClusterOptions): Promise<AgentCluster> {
    const fixture = new AgentCluster(harness, options);
    try {
      await fixture.#install();
    } catch (error) {
      await fixture.destroy();
      throw error;
    }
    return fixture;
  }

  async #install(): Promise<void> {
    const { harness, options } = this;
    await harness.addCluster(options.cluster);
    this.#added = true;
    if (options.createAppNamespace !== false)
      await this.kubectl(['create', 'namespace', options.appNamespace]);
    const files = Object.fromEntries(
      Object.entries(options.files).map(([name, text]) => [`${options.path}/${name}`, text]),
    );
    await harness.repos().create(this.repo, { files });
    const manifest = await options.manifest?.(harness.repos().url(this.repo));
    if (manifest === undefined)
      await this.kubectl(['apply', '-k', join(REPO_ROOT, PROFILES[options.profile])]);
    else await this.kubectl(['apply', '-f', '-'], manifest);
    await this.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/gitsyncs.ferry.dev']);
    const user = harness.gitServer().users[0];
    assert.ok(user !== undefined, 'the harness Git server has a user');
    await this.kubectl([
      '-n',
      AGENT_NS,
      'create',
      'secret',
      'generic',
      'git-credentials',
      `--from-literal=username=${user.username}`,
      `--from-literal=password=${user.password}`,
    ]);
    if (manifest === undefined)
      await this.kubectl(['apply', '-f', '-'], bootstrapConfigMap(harness.repos().url(this.repo), options));
  }

  kubectl(args: readonly string[], input?: string): Promise<string> {
    return this.harness.kubectl(this.options.cluster, args, input);
  }

  /** The GitSync, or undefined while it does not exist. */
  async gitSync(): Promise<GitSyncView | undefined> {
    const text = await this.kubectl([
      '-n',
      AGENT_NS,
      'get',
      'gitsync',
      'ferry',
      '-o',
      'json',
      '--ignore-not-found',
    ]);
    return text.trim() === '' ? undefined : (JSON.parse(text) as GitSyncView);
  }

  /** Waits until the GitSync exists (the agent bootstraps it after `agent started`). */
  waitGitSync(what: string): Promise<GitSyncView> {
    return waitFor(() => this.gitSync().catch(() => undefined), {
      what,
      timeoutMs: 60_000,
      intervalMs: 250,
      onTimeout: () => ({ logTail: this.logTails() }),
    });
  }

  /** Waits until Ready has `status`, after a sync of `sha` (if given). */
  waitReady(status: 'True' | 'False', what: string, sha?: string): Promise<GitSyncView> {
    return waitFor(
      async () => {
        // A kubectl that fails (the CRD not served yet, a loaded machine) is asked again.
        const view = await this.gitSync().catch(() => undefined);
        if (view === undefined || condition(view, 'Ready')?.status !== status) return undefined;
        if (sha !== undefined && !(view.status?.lastAttemptedRevision ?? '').endsWith(sha)) return undefined;
        return view;
      },
      { what, timeoutMs: 90_000, intervalMs: 250, onTimeout: () => ({ logTail: this.logTails() }) },
    );
  }

  /** The agents' Lease, `ferry-system/ferry-agent`. */
  async lease(): Promise<LeaseView> {
    const text = await this.kubectl(['-n', AGENT_NS, 'get', 'lease', 'ferry-agent', '-o', 'json']);
    return (JSON.parse(text) as { spec?: LeaseView }).spec ?? {};
  }

  /** `kubectl annotate` with a fresh ferry.dev/requested-at; answers the value. */
  async requestSync(): Promise<string> {
    const value = `${new Date().toISOString()}-${Math.random().toString(36).slice(2)}`;
    await this.kubectl([
      '-n',
      AGENT_NS,
      'annotate',
      '--overwrite',
      'gitsync',
      'ferry',
      `ferry.dev/requested-at=${value}`,
    ]);
    return value;
  }

  /** Commits files under the followed path (null deletes one); answers the new head. */
  commit(files: Readonly<Record<string, string | null>>): Promise<string> {
    const under = Object.fromEntries(
      Object.entries(files).map(([name, text]) => [`${this.options.path}/${name}`, text]),
    );
    return this.harness.repos().commit(this.repo, under);
  }

  /** The Deployment's terminationGracePeriodSeconds, in ms: how long a stopped agent may take. */
  async gracePeriodMs(): Promise<number> {
    const text = await this.kubectl(['-n', AGENT_NS, 'get', 'deployment', 'ferry-agent', '-o', 'json']);
    const seconds = (
      JSON.parse(text) as { spec: { template: { spec: { terminationGracePeriodSeconds?: number } } } }
    ).spec.template.spec.terminationGracePeriodSeconds;
    return (seconds ?? 30) * 1000;
  }

  /** Sets the container's args, as a person changing the agent's flags would; agents started later get them. */
  async setAgentArgs(args: readonly string[]): Promise<void> {
    const patch = [{ op: 'replace', path: '/spec/template/spec/containers/0/args', value: args }];
    await this.kubectl([
      '-n',
      AGENT_NS,
      'patch',
      'deployment',
      'ferry-agent',
      '--type',
      'json',
      '-p',
      JSON.stringify(patch),
    ]);
  }

  /**
   * `ferry-agent run` as a Pod of the installed Deployment (its args, env, token, RBAC), once it has
   * logged that it started: starting from source on a loaded machine can take a while.
   */
  async startAgent(): Promise<InClusterProcess> {
    const agent = await runInCluster(this.harness, this.options.cluster, {
      namespace: AGENT_NS,
      deployment: 'ferry-agent',
      command: [process.execPath, ...FERRY_AGENT_NODE_ARGS],
      extraEnv: { FERRY_PORT: '0', FERRY_LOG_LEVEL: 'debug' },
      workDir: mkdtempSync(join(this.#scratch, 'agent-')),
      cwd: REPO_ROOT,
      stopGraceMs: await this.gracePeriodMs(),
    });
    this.agents.push(agent);
    await this.waitLog(agent, /^agent started$/, `${agent.podName} to start`, 120_000);
    return agent;
  }

  /** The harness's one simulation: a kubelet for the Pods of `namespace`, every one of them ready. */
  startKubelet(namespace: string): void {
    this.#kubelets.push(
      startKubeletSim(this.harness.kube(this.options.cluster), {
        namespace,
        rules: [{ behaviour: 'ready' }],
      }),
    );
  }

  log(agent: InClusterProcess): LogEntry[] {
    return parseLog(readFileSync(agent.logFile, 'utf8'));
  }

  /** Waits for a log line of `agent` whose msg matches; answers it. */
  waitLog(agent: InClusterProcess, msg: RegExp, what: string, timeoutMs = 60_000): Promise<LogEntry> {
    return waitFor(() => this.log(agent).find((entry) => msg.test(entry.msg)), {
      what,
      timeoutMs,
      intervalMs: 200,
      onTimeout: () => ({ logTail: this.logTails() }),
    });
  }

  logTails(): string {
    return this.agents
      .map((agent) => `${agent.podName}:\n${readFileSync(agent.logFile, 'utf8').slice(-4000)}`)
      .join('\n---\n');
  }

  /** Stops every agent and kubelet, and removes the cluster; FERRY_TEST_AGENT_LOG=1 prints the logs. */
  async destroy(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
    if (process.env.FERRY_TEST_AGENT_LOG === '1')
      for (const agent of this.agents) process.stderr.write(readFileSync(agent.logFile, 'utf8'));
    await Promise.all(this.#kubelets.map((kubelet) => kubelet.stop()));
    if (this.#added) await this.harness.destroyCluster(this.options.cluster);
    this.#added = false;
    rmSync(this.#scratch, { recursive: true, force: true });
  }
}
