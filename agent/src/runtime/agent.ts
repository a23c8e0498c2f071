// The agent process: connect, serve /healthz /readyz /metrics, create the GitSync from the bootstrap
// ConfigMap, read where the hub is (if anywhere), hold the Lease, run the sync loop and, beside it, the
// hub channel; on SIGTERM let the sync under way finish, give the Lease up and exit. This is where the
// agent's side effects meet: everything it calls returns data.
import { mkdirSync } from 'node:fs';
import { KubeApiClient, connect, type ConnectOptions } from '../kube/index.ts';
import { agentMetrics } from '../observe/agent-metrics.ts';
import { createLogger, type Logger } from '@ferry/shared';
import { startObserveServer } from '../observe/server.ts';
import { ParseCache } from '../render/index.ts';
import { EXIT, type CliIo, type ExitCode } from '../cli/exit-codes.ts';
import { bootstrapGitSync } from './bootstrap.ts';
import { releaseLease, tryAcquireLease, type LeaseOptions } from './lease.ts';
import { recordOutcome } from './record-metrics.ts';
import { SyncLoop } from './sync-loop.ts';
import { assessObjects } from '../engine/wait-healthy.ts';
import { startHubLink, type HubLink } from '../hub/index.ts';
import { aborted, sleep } from './watch-loop.ts';

export interface AgentConfig {
  readonly connect: ConnectOptions;
  /** Undefined: the namespace of the in-cluster ServiceAccount (or the kubeconfig context's). */
  readonly namespace: string | undefined;
  readonly name: string;
  readonly bootstrapConfigMap: string;
  readonly port: number;
  readonly host: string;
  readonly cacheDir: string;
  readonly identity: string;
  readonly healthTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Namespace-scoped RBAC profile: the only namespaces the agent may read. Empty: cluster-wide. */
  readonly watchNamespaces: readonly string[];
  /** Overrides the url of the hub Secret (`--hub-url`, FERRY_HUB_URL); undefined: the Secret decides. */
  readonly hubUrl?: string | undefined;
}

const LEASE_SECONDS = 15;

export async function runAgent(config: AgentConfig, io: CliIo): Promise<ExitCode> {
  const log = createLogger({
    level: config.logLevel,
    write: (line) => {
      io.stdout(`${line}\n`);
    },
    base: { component: 'ferry-agent' },
  });
  const stop = new AbortController();
  const onSignal = (signal: string): void => {
    log.info(`${signal} received: finishing the sync under way, then exiting`);
    stop.abort();
  };
  process.once('SIGTERM', () => {
    onSignal('SIGTERM');
  });
  process.once('SIGINT', () => {
    onSignal('SIGINT');
  });

  const connection = await connect(config.connect);
  const namespace = config.namespace ?? connection.namespace ?? 'ferry-system';
  const kube = new KubeApiClient(connection);
  const metrics = agentMetrics();
  // Ready once bootstrapped, syncing or standing by: a standby replica is healthy, only not the one syncing.
  const state = { started: false };
  const server = await startObserveServer({
    port: config.port,
    host: config.host,
    metrics: metrics.registry,
    live: () => ({ ok: true }),
    ready: () => (state.started ? { ok: true } : { ok: false, reason: 'starting: creating the GitSync' }),
  });
  log.info('agent started', {
    namespace,
    gitSync: config.name,
    port: server.port,
    identity: config.identity,
    server: kube.server,
  });
  try {
    try {
      mkdirSync(config.cacheDir, { recursive: true });
    } catch (error) {
      throw new Error(`cannot create the Git cache ${config.cacheDir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await bootstrap(kube, config, namespace, log, stop.signal);
    const hub = await startHubLink({
      kube,
      namespace,
      gitSync: config.name,
      log,
      urlOverride: config.hubUrl,
      assess: (refs) =>
        assessObjects(kube, refs, {
          owner: { namespace, name: config.name },
          namespaces: config.watchNamespaces,
        }),
    });
    state.started = true;
    const lease: LeaseOptions = {
      namespace,
      name: `${config.name}-agent`,
      identity: config.identity,
      durationSeconds: LEASE_SECONDS,
    };
    const parseCache = new ParseCache();
    while (!stop.signal.aborted) {
      if (!(await acquire(kube, lease, log, stop.signal))) break;
      const term = new AbortController();
      const abortTerm = (): void => {
        term.abort();
      };
      stop.signal.addEventListener('abort', abortTerm, { once: true });
      // The lease is renewed until the loop has ended (a stopping agent still finishes its sync).
      const renewing = new AbortController();
      const renewal = keepLease(kube, lease, log, renewing.signal, () => {
        term.abort();
      });
      const loop = new SyncLoop(kube, {
        namespace,
        name: config.name,
        identity: config.identity,
        cacheDir: config.cacheDir,
        parseCache,
        healthTimeoutMs: config.healthTimeoutMs,
        log,
        watchNamespaces: config.watchNamespaces,
        onOutcome: (outcome, _trigger, startedAt) => {
          recordOutcome(metrics, outcome);
          hub?.syncDone(outcome, startedAt);
        },
        ...(hub !== undefined
          ? {
              onEvent: (event) => {
                hub.eventRecorded(event);
              },
              onDriftRecorded: (entry) => {
                hub.driftRecorded(entry);
              },
              readinessReported: (report) => {
                hub.readinessReported(report);
              },
            }
          : {}),
        onSyncing: (running) => {
          metrics.syncInProgress.set({}, running ? 1 : 0);
        },
        onDrift: (outcome) => {
          metrics.driftEvents.inc({ action: outcome });
        },
      });
      // The hub channel runs beside the loop, for this term only: a standby replica does not connect.
      const channel = runHub(hub, term.signal, loop, log);
      try {
        await loop.run(term.signal);
      } finally {
        term.abort();
        await channel;
      }
      renewing.abort();
      await renewal;
      stop.signal.removeEventListener('abort', abortTerm);
    }
    await releaseLease(kube, lease).catch((error: unknown) => {
      log.warn('releasing the lease failed', { error });
    });
    return EXIT.ok;
  } catch (error) {
    log.error('agent stopped on an error', { error });
    return EXIT.invalid;
  } finally {
    await server.close();
    await kube.close();
    log.info('agent stopped');
  }
}

/** Creates or updates the GitSync from the bootstrap ConfigMap; retries while the API server is away. */
async function bootstrap(
  kube: KubeApiClient,
  config: AgentConfig,
  namespace: string,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  for (let delay = 1_000; !signal.aborted; delay = Math.min(delay * 2, 30_000)) {
    try {
      const result = await bootstrapGitSync(kube, {
        namespace,
        configMap: config.bootstrapConfigMap,
        name: config.name,
      });
      if (result.action === 'invalid') log.error(`bootstrap ConfigMap not used: ${result.message}`);
      else log.info(`bootstrap: GitSync ${result.action}`, { configMap: config.bootstrapConfigMap });
      return;
    } catch (error) {
      log.warn('bootstrap failed; trying again', { error, retryInMs: delay });
      await sleep(delay, signal);
    }
  }
}

/** The hub channel until `signal` aborts; never throws (the hub is optional, the loop is not). */
async function runHub(
  hub: HubLink | undefined,
  signal: AbortSignal,
  loop: SyncLoop,
  log: Logger,
): Promise<void> {
  if (hub === undefined) return;
  try {
    await hub.run(signal, () => {
      loop.request('hint');
    });
  } catch (error) {
    log.error('the hub channel stopped on an error; syncing goes on without the hub', { error });
  }
}

/** Waits for the Lease; false when stopped first. */
async function acquire(
  kube: KubeApiClient,
  lease: LeaseOptions,
  log: Logger,
  signal: AbortSignal,
): Promise<boolean> {
  let reported = '';
  while (!signal.aborted) {
    try {
      const answer = await tryAcquireLease(kube, lease);
      if (answer.held) {
        log.info('lease acquired: this replica syncs', { lease: lease.name });
        return true;
      }
      if (answer.holder !== reported)
        log.info('standby: another replica holds the lease', { holder: answer.holder });
      reported = answer.holder;
    } catch (error) {
      log.warn('acquiring the lease failed', { error });
    }
    await sleep(2_000, signal);
  }
  return false;
}

/** Renews every third of the lease's duration until `until` aborts; a lost lease calls `lost`. */
async function keepLease(
  kube: KubeApiClient,
  lease: LeaseOptions,
  log: Logger,
  until: AbortSignal,
  lost: () => void,
): Promise<void> {
  let renewed = Date.now();
  while (!until.aborted) {
    await sleep((lease.durationSeconds * 1000) / 3, until);
    if (aborted(until)) return;
    try {
      const answer = await tryAcquireLease(kube, lease);
      if (!answer.held) {
        log.warn('lease lost to another replica: stopping after the sync under way', {
          holder: answer.holder,
        });
        lost();
        return;
      }
      renewed = Date.now();
    } catch (error) {
      if (Date.now() - renewed > lease.durationSeconds * 1000) {
        log.warn('lease not renewed in time: stopping after the sync under way', { error });
        lost();
        return;
      }
    }
  }
}
