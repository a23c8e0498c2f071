// The harness: real clusters on one etcd and a real Git server, recorded in DIR/state.json so that
// several processes (the test runner, test files, `pnpm harness`) can share them.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureKubeBinaries, type KubeBinaries } from './binaries.ts';
import {
  DEFAULT_CLUSTER_OPTIONS,
  destroyClusterData,
  restartApiServer,
  startCluster,
  stopCluster,
  type ClusterOptions,
} from './cluster.ts';
import { HarnessError } from './errors.ts';
import { startEtcd, stopEtcd } from './etcd.ts';
import { restartGitServer, startGitServer, stopGitServer } from './git-daemon.ts';
import { GitRepos } from './git-repos.ts';
import { KubeHttp } from './kube-http.ts';
import { isOurs, killDaemonSync } from './process.ts';
import { readState, updateState } from './state.ts';
import type { ClusterRecord, GitServerRecord, HarnessState, ProcessRecord } from './types.ts';

const run = promisify(execFile);

export interface GitServerOptions {
  readonly users?: readonly { username: string; password: string }[];
  readonly tokens?: readonly string[];
}

export class Harness {
  readonly dir: string;
  #binaries: KubeBinaries | undefined;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens (or starts using) a harness directory. */
  static open(dir: string): Harness {
    mkdirSync(dir, { recursive: true });
    return new Harness(resolve(dir));
  }

  /** The harness that `pnpm test` started for this run (FERRY_HARNESS_DIR). */
  static fromEnv(): Harness {
    const dir = process.env.FERRY_HARNESS_DIR;
    if (dir === undefined || dir === '' || !existsSync(dir)) {
      throw new HarnessError(
        'bad-state',
        'FERRY_HARNESS_DIR is not set: run end-to-end tests through `pnpm test` (or `pnpm harness up` and export it)',
      );
    }
    return new Harness(resolve(dir));
  }

  state(): HarnessState {
    return readState(this.dir);
  }

  async binaries(): Promise<KubeBinaries> {
    this.#binaries ??= await ensureKubeBinaries();
    return this.#binaries;
  }

  cluster(name: string): ClusterRecord {
    const record = this.state().clusters[name];
    if (record === undefined) throw new HarnessError('bad-state', `no cluster named ${name} in ${this.dir}`);
    return record;
  }

  /** An HTTP client for the cluster's API server, as its admin. Close it when done. */
  kube(name: string): KubeHttp {
    const record = this.cluster(name);
    return new KubeHttp({
      server: record.server,
      ca: readFileSync(record.caFile, 'utf8'),
      token: record.token,
    });
  }

  /** Runs kubectl against the cluster with its admin kubeconfig. Only kubectl 1.20 features. */
  async kubectl(name: string, args: readonly string[], input?: string): Promise<string> {
    const kubeconfig = this.cluster(name).kubeconfig;
    const child = run('kubectl', [`--kubeconfig=${kubeconfig}`, ...args], { maxBuffer: 64 * 1024 * 1024 });
    if (input !== undefined) child.child.stdin?.end(input);
    try {
      return (await child).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new HarnessError(
        'command-failed',
        `kubectl ${args.join(' ')} on ${name} failed: ${stderr.trim()}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Starts a cluster named `name` (and the shared etcd if it is not running yet). */
  async addCluster(name: string, options: Partial<ClusterOptions> = {}): Promise<ClusterRecord> {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      throw new HarnessError('bad-state', `cluster name ${JSON.stringify(name)} is not a DNS label`);
    }
    const binaries = await this.binaries();
    const clusterDir = `${this.dir}/clusters/${name}`;
    const etcd = await updateState(this.dir, async (state) => {
      if (state.clusters[name] !== undefined) {
        throw new HarnessError('bad-state', `cluster ${name} already runs in ${this.dir}`);
      }
      const current = state.etcd && isOurs(state.etcd.process) ? state.etcd : undefined;
      const ready =
        current ??
        (await startEtcd(binaries.etcd, `${this.dir}/etcd`, DEFAULT_CLUSTER_OPTIONS.readyTimeoutMs));
      return { state: { ...state, etcd: ready }, result: ready };
    });
    rmSync(clusterDir, { recursive: true, force: true });
    const record = await startCluster(name, clusterDir, etcd, binaries, {
      ...DEFAULT_CLUSTER_OPTIONS,
      ...options,
    });
    await updateState(this.dir, (state) => ({
      state: { ...state, clusters: { ...state.clusters, [name]: record } },
      result: undefined,
    }));
    return record;
  }

  /** Stops the cluster's processes and purges its etcd prefix; other clusters keep running. */
  async destroyCluster(name: string): Promise<void> {
    const record = this.cluster(name);
    const etcd = this.state().etcd;
    if (etcd === undefined) throw new HarnessError('bad-state', `no etcd recorded in ${this.dir}`);
    await destroyClusterData(record, etcd);
    await updateState(this.dir, (state) => {
      const clusters = Object.fromEntries(Object.entries(state.clusters).filter(([key]) => key !== name));
      return { state: { ...state, clusters }, result: undefined };
    });
    rmSync(record.dir, { recursive: true, force: true });
  }

  /** Restarts the cluster's kube-apiserver on the same port; clients reconnect as after an outage. */
  async restartApiServer(name: string): Promise<ClusterRecord> {
    const record = await restartApiServer(this.cluster(name), await this.binaries());
    await updateState(this.dir, (state) => ({
      state: { ...state, clusters: { ...state.clusters, [name]: record } },
      result: undefined,
    }));
    return record;
  }

  /** Starts the Git server (one per harness). */
  async startGit(options: GitServerOptions = {}): Promise<GitServerRecord> {
    return updateState(this.dir, async (state) => {
      if (state.git && isOurs(state.git.process)) {
        throw new HarnessError('bad-state', `a Git server already runs at ${state.git.url}`);
      }
      const git = await startGitServer(`${this.dir}/git`, {
        users: [...(options.users ?? [])],
        tokens: [...(options.tokens ?? [])],
      });
      return { state: { ...state, git }, result: git };
    });
  }

  gitServer(): GitServerRecord {
    const git = this.state().git;
    if (git === undefined) throw new HarnessError('bad-state', `no Git server in ${this.dir}`);
    return git;
  }

  /** Helpers to create and change repositories on the harness Git server. */
  repos(): GitRepos {
    return new GitRepos(this.gitServer(), `${this.dir}/git/work`);
  }

  /** Stops the Git server (for outage tests); repositories stay. */
  async stopGit(): Promise<void> {
    await stopGitServer(this.gitServer());
  }

  /** Starts the Git server again on the same port with the same repositories. */
  async restartGit(): Promise<GitServerRecord> {
    return updateState(this.dir, async (state) => {
      if (state.git === undefined) throw new HarnessError('bad-state', `no Git server in ${this.dir}`);
      const git = await restartGitServer(state.git);
      return { state: { ...state, git }, result: git };
    });
  }

  /** Every process the harness recorded, in stop order (dependants first). */
  processes(): ProcessRecord[] {
    const state = this.state();
    const clusters = Object.values(state.clusters);
    return [
      ...(state.git ? [state.git.process] : []),
      ...clusters.flatMap((cluster) => (cluster.controllerManager ? [cluster.controllerManager] : [])),
      ...clusters.map((cluster) => cluster.apiserver),
      ...(state.etcd ? [state.etcd.process] : []),
    ];
  }

  /** Stops everything by PID and removes etcd's data. The directory (logs) stays unless purge is set. */
  async down(options: { purge?: boolean } = {}): Promise<void> {
    const state = this.state();
    if (state.git) await stopGitServer(state.git);
    await Promise.all(Object.values(state.clusters).map((cluster) => stopCluster(cluster)));
    if (state.etcd) await stopEtcd(state.etcd);
    await updateState(this.dir, () => ({
      state: { dir: this.dir, etcd: undefined, clusters: {}, git: undefined },
      result: undefined,
    }));
    if (options.purge === true) rmSync(this.dir, { recursive: true, force: true });
  }

  /** For 'exit' handlers: SIGKILL whatever is still running, synchronously. */
  killAllSync(): void {
    for (const record of this.processes()) killDaemonSync(record);
  }

  /**
   * Processes still alive that belong to this harness: recorded ones, and any whose command line names
   * the harness directory (a daemon whose record was lost). Teardown asserts this is empty.
   */
  leftovers(): string[] {
    const found = new Set<string>();
    for (const record of this.processes())
      if (isOurs(record)) found.add(`${record.what} (pid ${record.pid})`);
    const ancestors = ancestorPids();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || ancestors.has(Number(entry))) continue;
      try {
        const line = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
        const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
        if (line.includes(this.dir) && state !== 'Z') found.add(`${line.slice(0, 120)} (pid ${entry})`);
      } catch {
        // The process ended while we looked.
      }
    }
    return [...found];
  }
}

/** This process and its parents (`pnpm harness down --dir X` has X in every one of their command lines). */
function ancestorPids(): Set<number> {
  const pids = new Set<number>();
  for (let pid = process.pid; pid > 1 && !pids.has(pid);) {
    pids.add(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return pids;
}
