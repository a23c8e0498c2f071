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
import { createChannel, type AgentChannel } from './channel/index.ts';
import type { HubConfig } from './config.ts';
import { loadStaticManifest, renderInstallManifest } from './install/index.ts';
import { openStore, type Store } from './store/index.ts';

export interface RunningHub {
  /** Where this process listens (the bound port, also when the configuration said 0). */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly channel: AgentChannel;
  /** The admin token created at this start (print it once), when the store had none. */
  readonly newAdminToken: { readonly name: string; readonly token: string } | undefined;
  /** Stops accepting, closes agent links (4000) after storing and acking what arrived, closes the store. */
  close(): Promise<void>;
}

export async function startHub(
  config: HubConfig,
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<RunningHub> {
  const staticManifest = loadStaticManifest(config.installManifest);
  const hubCa = config.caFile === undefined ? undefined : readPem(config.caFile, '--ca-file');
  const tls =
    config.tls === undefined
      ? undefined
      : { cert: readPem(config.tls.certFile, '--tls-cert'), key: readPem(config.tls.keyFile, '--tls-key') };
  const store = openStore({ path: config.dbPath });
  try {
    const admin = ensureAdminToken(store, { envToken: config.adminToken, now: now() });
    const channel = createChannel({ store, now, log: log.child({ component: 'channel' }) });
    const app = createApp({
      store,
      channel,
      now,
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
      config: {
        publicUrl: config.publicUrl,
        staleAfterMs: config.staleAfterMs,
        startedAt: now(),
        enrollmentTtlMs: config.enrollmentTtlMs,
      },
    });
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
      server.listen(config.port, config.host, () => {
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
      newAdminToken:
        admin.created && admin.token !== undefined ? { name: admin.name, token: admin.token } : undefined,
      close: async () => {
        const closed = new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        });
        await channel.close();
        server.closeAllConnections();
        await closed;
        store.close();
      },
    };
  } catch (error) {
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
