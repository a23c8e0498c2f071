// The hub suites' fixture: a real hub process (from source, its own SQLite file) and harness clusters
// whose agents were installed from the manifests the hub served (`POST /api/v1/clusters`, then
// `GET /install/<token>`), applied with `kubectl apply -f`, and started from the installed Deployment by
// the in-cluster runner (its ServiceAccount, env, args, RBAC). The repos need a credential: each
// cluster gets the Secret `git-credentials`, which the hub names and never holds. The simulated
// kubelet (the harness's one simulation) makes the Pods of each cluster's apps namespace ready.
import assert from 'node:assert/strict';
import { waitFor, type Harness } from '../harness/src/index.ts';
import { AGENT_NS, AgentCluster } from './agent-lifecycle-cluster.ts';
import { configMap, deployment } from './agent-lifecycle-fixtures.ts';
import { HubProcess } from './hub-process.ts';

export interface ClusterJson {
  readonly name: string;
  readonly state: string;
  readonly connected: boolean;
  readonly stale: boolean;
  readonly clusterUid: string | null;
  readonly lastHeardAt: string | null;
  readonly health: { readonly status: string; readonly message: string } | null;
  readonly sync: {
    readonly result: string;
    readonly revision: string | null;
    readonly appliedRevision: string | null;
  } | null;
  readonly refusal: { readonly message: string; readonly at: string } | null;
}
interface Enrollment {
  readonly token: string;
  readonly installUrl: string;
}
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}
export interface SyncJson {
  readonly syncId: string;
  readonly revision: string | null;
  readonly result: string;
}

export interface HubFleetOptions {
  /** Serve HTTPS with a CA of the hub's own. */
  readonly tls?: boolean;
  /** More arguments for the hub (e.g. `--webhook-secret-file F`). */
  readonly hubArgs?: readonly string[];
  /**
   * The GitSync interval written into the install manifests instead of theirs (60s), e.g. `1h`: so
   * long that only a refresh hint (or the requested-at annotation) makes an agent fetch.
   */
  readonly interval?: string;
  /**
   * Every cluster follows one repo of the fleet's own (`fleet.repo`), each at `clusters/<name>`,
   * instead of one repo per cluster; commit to it with `fleet.commitShared()`.
   */
  readonly sharedRepo?: boolean;
}

export class HubFleet {
  readonly harness: Harness;
  readonly hub: HubProcess;
  readonly #clusters = new Map<string, AgentCluster>();
  /** The repo each hub cluster follows (its first fixture's, also after installFresh). */
  readonly #repos = new Map<string, string>();
  /** Clusters replaced by installFresh: still destroyed at the end. */
  readonly #retired: AgentCluster[] = [];
  readonly #options: HubFleetOptions;
  /** The one repo every cluster follows, with the `sharedRepo` option. */
  #sharedRepo: string | undefined;
  /** The one-time token each cluster was enrolled with, and the install manifest served with it. */
  readonly tokens = new Map<string, string>();
  readonly manifests = new Map<string, string>();

  private constructor(harness: Harness, hub: HubProcess, options: HubFleetOptions) {
    this.harness = harness;
    this.hub = hub;
    this.#options = options;
  }

  /**
   * Starts a hub (serving HTTPS with a CA of its own when `tls`), then adds, enrolls and starts an
   * agent on each named cluster (side by side).
   */
  static async start(
    harness: Harness,
    names: readonly string[],
    options: HubFleetOptions = {},
  ): Promise<HubFleet> {
    const hub = await HubProcess.start({
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.hubArgs === undefined ? {} : { args: options.hubArgs }),
    });
    const fleet = new HubFleet(harness, hub, options);
    try {
      if (options.sharedRepo === true) await fleet.#createSharedRepo(names);
      await Promise.all(names.map((name) => fleet.#install(name)));
    } catch (error) {
      await fleet.destroy();
      throw error;
    }
    return fleet;
  }

  async #install(name: string): Promise<void> {
    const fixture = await AgentCluster.install(this.harness, {
      cluster: name,
      profile: 'cluster-wide',
      appNamespace: `${name}-apps`,
      path: `clusters/${name}`,
      files: {
        'settings.yaml': configMap(`${name}-apps`, 'settings', 'one'),
        'web.yaml': deployment(`${name}-apps`, 'web'),
      },
      manifest: (repoUrl) =>
        this.#enroll(
          name,
          this.#sharedRepo === undefined ? repoUrl : this.harness.repos().url(this.#sharedRepo),
        ),
    });
    this.#clusters.set(name, fixture);
    this.#repos.set(name, fixture.repo);
    fixture.startKubelet(`${name}-apps`);
    await fixture.startAgent();
    // `agent started` comes before the agent creates the GitSync from the bootstrap ConfigMap: a test
    // that annotates the GitSync right away must find it.
    await fixture.waitGitSync(`${name}'s agent to create the GitSync`);
  }

  /** POST /api/v1/clusters, then GET the install URL it answered: the manifest to apply. */
  async #enroll(name: string, repoUrl: string): Promise<string> {
    const created = await this.hub.expect<{ enrollment: Enrollment }>(201, 'POST', '/api/v1/clusters', {
      body: {
        name,
        labels: { env: name.endsWith('a') ? 'prod' : 'staging', fleet: 'e2e' },
        repo: repoUrl,
        ref: 'main',
        path: `clusters/${name}`,
        targetNamespace: `${name}-apps`,
        credentialsSecret: 'git-credentials',
      },
    });
    this.tokens.set(name, created.enrollment.token);
    const installUrl = new URL(created.enrollment.installUrl);
    assert.equal(installUrl.origin, new URL(this.hub.url).origin, 'the install URL is on the public URL');
    const answer = await this.hub.fetch('GET', installUrl.pathname);
    assert.equal(answer.status, 200, `GET ${installUrl.pathname}`);
    assert.equal(answer.contentType, 'application/yaml');
    this.manifests.set(name, answer.text);
    return this.#options.interval === undefined
      ? answer.text
      : withInterval(answer.text, this.#options.interval);
  }

  /** The `sharedRepo` option: one repo with every cluster's files, each under `clusters/<name>`. */
  async #createSharedRepo(names: readonly string[]): Promise<void> {
    const repo = `fleet-${Date.now().toString(36)}`;
    const files = Object.fromEntries(
      names.flatMap((name) => [
        [`clusters/${name}/settings.yaml`, configMap(`${name}-apps`, 'settings', 'one')],
        [`clusters/${name}/web.yaml`, deployment(`${name}-apps`, 'web')],
      ]),
    );
    await this.harness.repos().create(repo, { files });
    this.#sharedRepo = repo;
  }

  /** The repo `name` follows: the fleet's shared one, or the cluster's own. */
  repoOf(name: string): string {
    return this.#sharedRepo ?? this.#repos.get(name) ?? this.on(name).repo;
  }

  /** With the `sharedRepo` option: commits files (paths from the repo's root, null deletes); answers the head. */
  commitShared(files: Readonly<Record<string, string | null>>): Promise<string> {
    assert.ok(this.#sharedRepo !== undefined, 'the fleet was started with sharedRepo');
    return this.harness.repos().commit(this.#sharedRepo, files);
  }

  /**
   * A fresh harness cluster (`cluster`) installed from an install manifest the hub served for hub cluster
   * `name` (e.g. the recovery manifest): the operator's Git credential Secret, then the agent started
   * from the installed Deployment, and the simulated kubelet for `name`'s apps namespace. Nothing of
   * the apps is created beforehand (but what `beforeAgent` does): Git holds it all. Replaces `name`'s
   * entry in this fleet.
   */
  async installFresh(
    name: string,
    cluster: string,
    manifest: string,
    beforeAgent?: (fixture: AgentCluster) => Promise<void>,
  ): Promise<AgentCluster> {
    const fixture = await AgentCluster.install(this.harness, {
      cluster,
      profile: 'cluster-wide',
      appNamespace: `${name}-apps`,
      createAppNamespace: false,
      path: 'unused',
      files: { 'README.md': 'the cluster follows the repo named in its install manifest\n' },
      manifest: () => Promise.resolve(manifest),
    });
    this.#retired.push(...(this.#clusters.has(name) ? [this.on(name)] : []));
    this.#clusters.set(name, fixture);
    fixture.startKubelet(`${name}-apps`);
    await beforeAgent?.(fixture);
    await fixture.startAgent();
    return fixture;
  }

  on(name: string): AgentCluster {
    const cluster = this.#clusters.get(name);
    assert.ok(cluster !== undefined, `${name} is installed`);
    return cluster;
  }

  /** The credential the agent of `name` stored in ferry-agent-credential (base64, as the Secret holds it). */
  async credential(name: string): Promise<string> {
    const text = await this.on(name).kubectl([
      '-n',
      AGENT_NS,
      'get',
      'secret',
      'ferry-agent-credential',
      '-o',
      'jsonpath={.data.credential}',
    ]);
    return text.trim();
  }

  cluster(name: string): Promise<ClusterJson> {
    return this.hub.expect<ClusterJson>(200, 'GET', `/api/v1/clusters/${name}`);
  }

  head(name: string): Promise<string> {
    return this.harness.repos().head(this.repoOf(name), 'main');
  }

  /**
   * Waits until the hub shows `name` connected, with a sync of `sha` applied and health Current. The
   * agent's revisions read `main@sha1:<sha>`.
   */
  waitApplied(name: string, sha: string, what: string): Promise<ClusterJson> {
    let last: ClusterJson | undefined;
    return waitFor(
      async () => {
        const view = await this.cluster(name);
        last = view;
        return view.connected &&
          (view.sync?.appliedRevision ?? '').endsWith(sha) &&
          view.health?.status === 'Current'
          ? view
          : undefined;
      },
      {
        what,
        timeoutMs: 120_000,
        intervalMs: 250,
        onTimeout: () => ({
          detail: `hub view: ${JSON.stringify(last)}\nhub log: ${this.hub.logTail()}`,
          logTail: this.on(name).logTails(),
        }),
      },
    );
  }

  /** Stops every agent and kubelet, removes the clusters, stops the hub and removes its data. */
  async destroy(): Promise<void> {
    await Promise.all([...this.#clusters.values(), ...this.#retired].map((fixture) => fixture.destroy()));
    await this.hub.stop();
    this.hub.remove();
  }
}

/** The install manifest with its bootstrap GitSync's interval replaced (it says 60s as shipped). */
function withInterval(manifest: string, interval: string): string {
  const pattern = /^(\s+interval: )60s$/m;
  assert.match(manifest, pattern, 'the install manifest has the GitSync interval to replace');
  return manifest.replace(pattern, `$1${interval}`);
}
