// Measure 2: drift latency. From rest, `kubectl patch --type merge` one managed ConfigMap and time, on a
// watch of that ConfigMap, from the edit's event to the event that brings Git's value back. The agent's
// log splits that time: until its healing sync starts (detection) and the sync itself.
import { HarnessError, waitFor, type KubeHttp } from '../test/harness/src/index.ts';
import type { BenchCluster } from './agent-cluster.ts';
import { driftTarget } from './agent-manifests.ts';
import { loggedSyncs } from './agent-process.ts';
import { waitSettled, type SettleTarget } from './agent-settle.ts';

export interface DriftRun {
  /** `ConfigMap/<namespace>/<name>` */
  readonly object: string;
  /** From the edit's watch event to the watch event with Git's value again. */
  readonly healMs: number;
  /** From the start of `kubectl patch` to Git's value again (kubectl's own start-up included). */
  readonly fromKubectlMs: number;
  /** From the edit's watch event to the agent's "sync started" for the healing sync. */
  readonly detectMs: number;
  /** The healing sync as the agent timed it: fetch → render → plan → apply → prune. */
  readonly syncMs: number;
}

interface ConfigMapView {
  readonly metadata: { readonly resourceVersion: string };
  readonly data?: Record<string, string>;
}

/**
 * Watches one ConfigMap's `data.key` from `resourceVersion` until the signal aborts. The API server may
 * end a watch early (an ERROR event such as "Too large resource version" when its watch cache lags
 * the read that gave the version): it is watched again from the last version seen, a few times.
 * Answers why it gave up, if it did.
 */
async function follow(
  http: KubeHttp,
  path: string,
  name: string,
  resourceVersion: string,
  onValue: (value: string | undefined) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  let version = resourceVersion;
  let reason = 'the watch ended';
  for (let attempt = 0; attempt < 5; attempt++) {
    await http.watch<ConfigMapView & { message?: string }>(
      path,
      { fieldSelector: `metadata.name=${name}`, resourceVersion: version },
      (event) => {
        if (event.type === 'ERROR') reason = event.object.message ?? 'an ERROR event';
        else {
          version = event.object.metadata.resourceVersion;
          onValue(event.object.data?.key);
        }
      },
      signal,
    );
    if (signal.aborted) return undefined;
    process.stderr.write(`watch of ${path}/${name} ended (${reason}); watching again\n`);
  }
  return `${reason}, 5 times`;
}

export async function measureDrift(
  cluster: BenchCluster,
  target: SettleTarget,
  trial: number,
): Promise<DriftRun> {
  const { namespace, name, gitValue } = driftTarget(trial);
  const object = `ConfigMap/${namespace}/${name}`;
  const before = loggedSyncs(target.agent.logFile).length;
  await waitSettled(target, { syncs: before, what: `rest before editing ${object}` });
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  // A list's version, not the object's: an object unchanged since it was created may be older than
  // what the API server's watch cache still holds ("too old resource version").
  const list = await cluster.http.get<{ metadata: { resourceVersion: string }; items: ConfigMapView[] }>(
    `${path}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
  );
  const value = list.items[0]?.data?.key;
  if (value !== gitValue) throw new Error(`${object} holds ${String(value)}, not Git's value`);

  const edited = `edited-${String(trial)}`;
  const seen: { edited?: number; healed?: number; failure?: string } = {};
  const controller = new AbortController();
  const watching = follow(
    cluster.http,
    path,
    name,
    list.metadata.resourceVersion,
    (value) => {
      if (seen.edited === undefined && value === edited) seen.edited = Date.now();
      else if (seen.edited !== undefined && seen.healed === undefined && value === gitValue)
        seen.healed = Date.now();
    },
    controller.signal,
  ).then(
    (failure) => {
      if (failure !== undefined) seen.failure = failure;
    },
    (error: unknown) => {
      seen.failure = String(error);
    },
  );
  const kubectlAt = Date.now();
  try {
    await cluster.kubectl([
      '-n',
      namespace,
      'patch',
      'configmap',
      name,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { key: edited } }),
    ]);
    await waitFor(
      () => {
        if (seen.failure !== undefined) throw new HarnessError('http', `watching ${object}: ${seen.failure}`);
        return seen.healed !== undefined;
      },
      {
        what: `${object} to be healed`,
        timeoutMs: 60_000,
        intervalMs: 10,
        onTimeout: () => ({ logTail: target.agent.logTail() }),
      },
    );
  } finally {
    controller.abort();
    await watching;
  }
  await waitSettled(target, { syncs: before + 1, what: `rest after healing ${object}` });
  const syncs = loggedSyncs(target.agent.logFile).slice(before);
  const sync = syncs[0];
  if (syncs.length !== 1 || sync?.trigger !== 'drift' || sync.phase !== 'ready')
    throw new Error(`one drift sync that ends ready expected, got ${JSON.stringify(syncs)}`);
  const editedAt = seen.edited ?? Number.NaN;
  const healedAt = seen.healed ?? Number.NaN;
  return {
    object,
    healMs: healedAt - editedAt,
    fromKubectlMs: healedAt - kubectlAt,
    detectMs: sync.startedAt - editedAt,
    syncMs: sync.durationMs,
  };
}
