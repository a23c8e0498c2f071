// For the channel's tests: a real node:http server on 127.0.0.1 (port 0) whose upgrades go to a real
// channel on a real SQLite store in a temporary directory, its log lines kept, and enrollment done in
// the store directly, as the enroll route would.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@ferry/shared';
import { digest, newToken } from '../crypto.ts';
import { enrollmentExpiry, type Store, type StoreLimits } from '../store/index.ts';
import { newCluster, tempStore } from '../store/test-store.ts';
import { AGENT_CHANNEL_PATH, createChannel, type AgentChannel } from './channel.ts';
import type { ChannelOptions } from './options.ts';

export type LogLine = Readonly<Record<string, unknown>> & { readonly msg: string; readonly level: string };

export interface Enrolled {
  readonly name: string;
  readonly credential: string;
  readonly clusterUid: string;
}

export interface TestHub {
  readonly store: Store;
  readonly channel: AgentChannel;
  readonly server: Server;
  /** ws://127.0.0.1:<port>/api/v1/agents/connect */
  readonly url: string;
  readonly port: number;
  readonly logs: LogLine[];
  enroll(name: string): Enrolled;
  /** Waits until a log line matches, up to a deadline. */
  logged(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  stop(): Promise<void>;
}

export type TestHubOptions = Partial<Omit<ChannelOptions, 'store' | 'log'>> & {
  readonly storeLimits?: Partial<StoreLimits>;
};

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const { storeLimits, ...channelOptions } = options;
  const { store, cleanup } = tempStore(storeLimits === undefined ? {} : { limits: storeLimits });
  const logs: LogLine[] = [];
  const watchers = new Set<() => void>();
  const log = createLogger({
    level: 'debug',
    write: (line) => {
      logs.push(JSON.parse(line) as LogLine);
      for (const watch of [...watchers]) watch();
    },
  });
  const channel = createChannel({ store, now: () => new Date(), log, ...channelOptions });
  await channel.ready();
  const server = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  server.on('upgrade', (request, socket, head) => {
    channel.handleUpgrade(request, socket, head);
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    store,
    channel,
    server,
    port,
    url: `ws://127.0.0.1:${port}${AGENT_CHANNEL_PATH}`,
    logs,
    enroll: (name) => {
      const now = new Date();
      store.createCluster(newCluster(name), now);
      const token = newToken('enrollment');
      store.issueEnrollmentToken(name, digest(token), enrollmentExpiry(now), now);
      const credential = newToken('api');
      const redeemed = store.redeemEnrollment(digest(token), digest(credential), now);
      if (!redeemed.ok) throw new Error(`could not enroll ${name}: ${redeemed.reason}`);
      return { name, credential, clusterUid: randomUUID() };
    },
    logged: (match, what, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = logs.find(match);
          if (line === undefined) return false;
          clearTimeout(deadline);
          watchers.delete(watch);
          resolve(line);
          return true;
        };
        const watch = (): void => {
          check();
        };
        const deadline = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`waited ${timeoutMs} ms for a log line: ${what}`));
        }, timeoutMs);
        watchers.add(watch);
        check();
      }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await channel.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      cleanup();
    },
  };
}
