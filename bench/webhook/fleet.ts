// The webhook benchmark's fleet: a hub with a webhook secret and one harness cluster whose agent was
// enrolled from the hub's install manifest (the e2e suites' HubFleet), with a GitSync interval of an
// hour, so that only a refresh hint or the `ferry.dev/requested-at` annotation makes it fetch. The hub
// serves a static install manifest rendered into the benchmark's own folder (`--install-manifest`):
// the benchmark builds what it needs and leaves hub/dist alone. A namespace the agent does not manage
// holds the reference ConfigMap that kubectl applies.
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildStaticManifest } from '../../hub/src/install/index.ts';
import { configMap } from '../../test/e2e/agent-lifecycle-fixtures.ts';
import { HubFleet } from '../../test/e2e/hub-fleet-fixture.ts';
import type { Harness, InClusterProcess, KubeHttp } from '../../test/harness/src/index.ts';
import { parseLogLines } from './log-marks.ts';

/** The one cluster; its agent applies `clusters/<CLUSTER>/settings.yaml` into `<CLUSTER>-apps`. */
export const CLUSTER = 'hook';
/** The ConfigMap the runs change: in Git (applied by the agent) and in the reference namespace. */
export const OBJECT = 'settings';
/** Not in the agent's inventory: kubectl applies the reference copy here. */
export const REFERENCE_NAMESPACE = 'bench-ref';
/** The field manager of the reference applies (kubectl's `--field-manager`, the PATCH's `fieldManager`). */
export const REFERENCE_MANAGER = 'bench-ref';

export interface BenchFleet {
  readonly harness: Harness;
  readonly fleet: HubFleet;
  /** The agent's repo on the harness Git server, its URL, and the file of the measured ConfigMap. */
  readonly repo: string;
  readonly repoUrl: string;
  readonly file: string;
  /** Where the agent applies the ConfigMap. */
  readonly appNamespace: string;
  /** The hub's webhook secret (GitHub's HMAC key). */
  readonly secret: string;
  /** The cluster's API server, as its admin, for watches and patches. */
  readonly http: KubeHttp;
  readonly agent: InClusterProcess;
  /** The agent's observability port (/metrics), from its "agent started" line. */
  readonly agentPort: number;
  /** kube-apiserver, etcd and the hub: with the agent, what must be idle before a run starts. */
  readonly serverPids: readonly number[];
}

/** The ConfigMap as Git (or the reference file) holds it, with `value` in data.key. */
export const settings = (namespace: string, value: string): string => configMap(namespace, OBJECT, value);

/**
 * Renders the install manifest into `dir`, starts the hub and enrolls the cluster; answers once the
 * agent is connected and has applied the repo's first commit. HubFleet cleans up after itself when
 * this fails; the caller destroys the fleet after a success.
 */
export async function startBenchFleet(harness: Harness, dir: string): Promise<BenchFleet> {
  const manifest = await buildStaticManifest({ outFile: join(dir, 'agent-install.yaml') });
  const secret = randomBytes(32).toString('hex');
  const secretFile = join(dir, 'webhook-secret');
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  const fleet = await HubFleet.start(harness, [CLUSTER], {
    interval: '1h',
    hubArgs: ['--webhook-secret-file', secretFile, '--install-manifest', manifest.outFile],
  });
  const http = harness.kube(CLUSTER);
  try {
    const cluster = fleet.on(CLUSTER);
    const view = await fleet.waitApplied(
      CLUSTER,
      await fleet.head(CLUSTER),
      'the agent enrolled and applied',
    );
    if (!view.connected) throw new Error(`cluster ${CLUSTER}: the agent is not connected to the hub`);
    const agent = cluster.agents[0];
    if (agent === undefined) throw new Error(`cluster ${CLUSTER}: no agent was started`);
    const started = parseLogLines(readFileSync(agent.logFile, 'utf8')).find((l) => l.msg === 'agent started');
    const agentPort = typeof started?.port === 'number' ? started.port : Number.NaN;
    if (!Number.isInteger(agentPort))
      throw new Error(`agent ${agent.podName}: no port in its "agent started" line (${agent.logFile})`);
    await cluster.kubectl(['create', 'namespace', REFERENCE_NAMESPACE]);
    const record = harness.cluster(CLUSTER);
    const etcd = harness.state().etcd?.process.pid;
    const hub = fleet.hub.pid;
    return {
      harness,
      fleet,
      repo: cluster.repo,
      repoUrl: harness.repos().url(cluster.repo),
      file: `${cluster.options.path}/settings.yaml`,
      appNamespace: cluster.options.appNamespace,
      secret,
      http,
      agent,
      agentPort,
      serverPids: [record.apiserver.pid, etcd, hub].filter((pid): pid is number => pid !== undefined),
    };
  } catch (error) {
    await http.close();
    await fleet.destroy();
    throw error;
  }
}

/**
 * Stops the agent, the kubelet simulation and the hub, and removes the cluster; with `keepLogsIn`, the
 * agent's and the hub's logs are copied there first (HubFleet removes their folders).
 */
export async function stopBenchFleet(bench: BenchFleet, keepLogsIn?: string): Promise<void> {
  await bench.http.close();
  await bench.agent.stop();
  await bench.fleet.hub.stop();
  if (keepLogsIn !== undefined) {
    copyFileSync(bench.agent.logFile, join(keepLogsIn, 'agent.log'));
    copyFileSync(bench.fleet.hub.logFile, join(keepLogsIn, 'hub.log'));
  }
  await bench.fleet.destroy();
}
