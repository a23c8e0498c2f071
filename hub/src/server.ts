// The hub process's parts put together: the store, the agent channel, the HTTP API on one HTTP(S)
// server, and their orderly stop. The only module that imports @hono/node-server.
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from '@ferry/shared';
import { createApp } from './api/app.ts';
import { ensureAdminToken } from './api/admin-token.ts';
import { createChannel, DEFAULT_CHANNEL_OPTIONS, type AgentChannel } from './channel/index.ts';
import { createRecoveryWatch } from './recovery/watch.ts';
import type { HubConfig } from './config.ts';
import { loadStaticManifest, renderInstallManifest } from './install/index.ts';
import { openStore, type Store } from './store/index.ts';
import { readWebhookSecrets } from './webhooks/index.ts';
import {
  createClusterStream,
  DEFAULT_CLUSTER_STREAM_OPTIONS,
  storeClusterSource,
  type ClusterStream,
  type ClusterStreamOptions,
} from './stream/index.ts';

/** Connects the kernel may hold before they are accepted (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

export interface RunningHub {
  /** Where this process listens (the bound port, also when the configuration said 0). */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly channel: AgentChannel;
  /** The live stream of cluster changes (GET /api/v1/events). */
  readonly events: ClusterStream;
  /** The admin token created at this start (print it once), when the store had none. */
  readonly newAdminToken: { readonly name: string; readonly token: string } | undefined;
  /** Stops accepting, closes agent links (4000) after storing and acking what arrived, closes the store. */
  close(): Promise<void>;
}

/** What the configuration does not say (tests tune them). */
export interface HubOptions {
  readonly stream?: Partial<ClusterStreamOptions>;
}

export async function startHub(
  config: HubConfig,
  log: Logger,
  now: () => Date = () => new Date(),
  options: HubOptions = {},
): Promise<RunningHub> {
  const staticManifest = loadStaticManifest(config.installManifest);
  const hubCa = config.caFile === undefined ? undefined : readPem(config.caFile, '--ca-file');
  const tls =
    config.tls === undefined
      ? undefined
      : { cert: readPem(config.tls.certFile, '--tls-cert'), key: readPem(config.tls.keyFile, '--tls-key') };
  const webhookSecrets = readWebhookSecrets(config.webhookSecrets, (path) => readFileSync(path, 'utf8'));
  log.info('webhook secrets', {
    shared: webhookSecrets.shared !== undefined,
    repositories: webhookSecrets.byRepo.size,
  });
  const store = openStore({
    path: config.dbPath,
    checkpointer: {
      onError: (error) => {
        log.error('the WAL checkpoint worker failed', { error });
      },
    },
  });
  let events: ClusterStream | undefined;
  try {
    const admin = ensureAdminToken(store, { envToken: config.adminToken, now: now() });
    const recoveries = createRecoveryWatch({ store, now, log: log.child({ component: 'recovery' }) });
    const channel = createChannel({
      store,
      now,
      log: log.child({ component: 'channel' }),
      // A cluster heard again after a silence may have been shown stale: re-read it even when its frame
      // changed nothing else the fleet view shows (well inside the stale-after, whatever it is set to).
      notifyHeardAfterMs: Math.min(
        DEFAULT_CHANNEL_OPTIONS.notifyHeardAfterMs,
        Math.floor(config.staleAfterMs / 2),
      ),
      onClustersChanged: (clusters) => {
        // First the recoveries this batch finished, so that the stream shows them as recovered.
        recoveries.changed(clusters);
        events?.changed(clusters);
      },
    });
    const apiConfig = {
      publicUrl: config.publicUrl,
      staleAfterMs: config.staleAfterMs,
      startedAt: now(),
      enrollmentTtlMs: config.enrollmentTtlMs,
    };
    const streamLog = log.child({ component: 'events' });
    const stream = createClusterStream(
      {
        source: storeClusterSource({ store, channel, now, config: apiConfig }),
        rule: { staleAfterMs: config.staleAfterMs, startedAtMs: apiConfig.startedAt.getTime() },
        now: () => now().getTime(),
        onError: (error, cluster) => {
          streamLog.error('could not re-read a cluster for the event stream', { cluster, error });
        },
      },
      { ...DEFAULT_CLUSTER_STREAM_OPTIONS, ...options.stream },
    );
    events = stream;
    const app = createApp({
      store,
      channel,
      now,
      recoveries,
      log: log.child({ component: 'api' }),
      renderInstall: (cluster, enrollmentToken) =>
        renderInstallManifest(staticManifest, {
          cluster: {
            name: cluster.name,
            repo: cluster.repo,
            ref: cluster.ref,
            path: cluster.path,
            targetNamespace: cluster.targetNamespace,
            credentialsSecret: cluster.credentialsSecret,
          },
          enrollmentToken,
          hubUrl: config.publicUrl,
          ...(hubCa === undefined ? {} : { hubCa }),
        }),
      config: apiConfig,
      webhooks: { secrets: webhookSecrets },
      events: stream,
    });
    // Agents are taken once the channel's ingest thread is up.
    await channel.ready();
    const handle = getRequestListener(app.fetch);
    const listener = (request: IncomingMessage, response: ServerResponse): void => {
      void handle(request, response);
    };
    const server: Server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
    server.on('upgrade', (request, socket, head) => {
      channel.handleUpgrade(request, socket, head);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A reconnect storm after a restart is every agent's SYN at once: Node's default backlog (511)
      // overflows and the dropped connects wait for TCP's retransmits (1, 3, 7 s...). The kernel caps
      // it at net.core.somaxconn.
      server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => {
      log.error('hub server error', { error });
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      url: `${tls ? 'https' : 'http'}://${shownHost}:${port}`,
      port,
      store,
      channel,
      events: stream,
      newAdminToken:
        admin.created && admin.token !== undefined ? { name: admin.name, token: admin.token } : undefined,
      close: async () => {
        const closed = new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        // Event streams end first and cleanly (their clients reconnect to the next hub process).
        stream.close();
        await channel.close();
        server.closeAllConnections();
        await closed;
        store.close();
      },
    };
  } catch (error) {
    events?.close();
    store.close();
    throw error;
  }
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${flag} ${path}: cannot read it: ${(error as Error).message}`, { cause: error });
  }
}
