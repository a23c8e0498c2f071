// The agent channel: takes the hub server's websocket upgrades at AGENT_CHANNEL_PATH, keeps one link
// per cluster (a newer one replaces an older with 4409), has what agents send read and committed in
// groups on the ingest thread (ingest-client.ts) and sends its acks, stops reading sockets while the
// store lags, and on close() acks what is stored before ending every link with 4000.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@ferry/shared/protocol';
import { startConnection, type Connection, type ConnectionHost, type HelloSource } from './connection.ts';
import { createIngestClient } from './ingest-client.ts';
import { resolveOptions, type ChannelOptions } from './options.ts';
import { createSocketServer, refuseUpgrade } from './socket-server.ts';

export const AGENT_CHANNEL_PATH = '/api/v1/agents/connect';

/** A connected cluster and the source its agent's GitSync follows now (from its latest hello). */
export interface Following extends HelloSource {
  readonly cluster: string;
}

export interface AgentChannel {
  /** Hand every HTTP 'upgrade' of the hub's server here; other paths get an HTTP 404 and are destroyed. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  isConnected(cluster: string): boolean;
  /** Sends a refresh hint; false when the cluster's agent is not connected. */
  refresh(cluster: string, reason: string): boolean;
  /** Closes the cluster's link, if any, with 4401 and `reason`; false when it had none. */
  disconnect(cluster: string, reason: string): boolean;
  /** Connected clusters, for the fleet view and tests. */
  connectedClusters(): readonly string[];
  /** Each connected cluster with the source its latest accepted hello named, by cluster name. */
  following(): readonly Following[];
  /** Resolves once the channel can take links (its ingest thread is up); rejects when it cannot start. */
  ready(): Promise<void>;
  /** Closes every link with 4000 (shutdown), after flushing and acking what is stored. */
  close(): Promise<void>;
}

/** Held links resumed per turn of the event loop once the pressure is off (see resumeHeld). */
const RESUME_PER_TURN = 100;

/** The most characters a refresh hint's reason holds on the wire (BOUNDS.reason). */
const MAX_REFRESH_REASON = 128;

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '', 'http://hub.invalid').pathname;
  } catch {
    return undefined;
  }
}

export function createChannel(channelOptions: ChannelOptions): AgentChannel {
  const options = resolveOptions(channelOptions);
  const { log } = options;
  const server = createSocketServer(options.limits.maxFrameBytes);
  const links = new Set<Connection>();
  const current = new Map<string, Connection>();
  /** Links stopped while the store lags: each one when its next frame arrived (not all 10,000 at once). */
  const held = new Set<Connection>();
  let closing: Promise<void> | undefined;

  /** Links by the number the ingest thread knows them by. */
  const numbered = new Map<number, Connection>();
  let nextLink = 1;
  const ingest = createIngestClient({
    setup: {
      dbPath: options.store.path,
      storeLimits: options.store.limits,
      limits: options.limits,
      flushIntervalMs: options.flushIntervalMs,
      flushMaxRecords: options.flushMaxRecords,
      flushMaxWeight: options.flushMaxWeight,
      flushTargetMs: options.flushTargetMs,
      highWaterRecords: options.highWaterRecords,
      highWaterBytes: options.highWaterBytes,
      highWaterWeight: options.highWaterWeight,
      snapshotRequestsOut: options.snapshotRequestsOut,
      logLevel: log.level,
    },
    log,
    onEvent: (event) => {
      switch (event.type) {
        case 'committed':
          options.onClustersChanged(event.clusters);
          return;
        case 'log':
          log[event.level](event.msg, event.fields);
          return;
        default:
          numbered.get(event.link)?.told(event);
      }
    },
    onBelow: () => {
      resumeHeld();
    },
    onFailed: () => {
      for (const link of links) link.end(CLOSE_CODES.shutdown, 'the hub failed: reconnect and resend');
    },
  });
  /**
   * The ingest thread or the frames on their way to it are over their marks: read no more from links
   * that send. A link is stopped when it sends while the store lags (host.hold), so that going high
   * costs nothing and going low touches only the links that sent meanwhile. Links still at their hello
   * are left reading: a hello is one small frame, and stores nothing.
   */
  const pressured = (): boolean => ingest.pressured;
  let resuming: NodeJS.Immediate | undefined;
  /**
   * Both are under their marks again: read the links stopped meanwhile, the longest held first,
   * RESUME_PER_TURN at a time. Each resumed socket hands over what waited in it at the next poll: a
   * thousand at once held the loop (and the API's requests) for 100 ms and more (bench/RESULTS.md).
   */
  function resumeHeld(): void {
    if (pressured() || resuming !== undefined) return;
    let count = 0;
    for (const link of held) {
      held.delete(link);
      link.resume();
      count += 1;
      if (count >= RESUME_PER_TURN) break;
    }
    if (held.size > 0 && closing === undefined) {
      resuming = setImmediate(() => {
        resuming = undefined;
        resumeHeld();
      });
    }
  }

  const host: ConnectionHost = {
    options,
    ingest,
    register: (connection) => {
      const link = nextLink;
      nextLink += 1;
      numbered.set(link, connection);
      return link;
    },
    accepted: (connection) => {
      const name = connection.cluster;
      if (name === undefined) return;
      const older = current.get(name);
      current.set(name, connection);
      older?.end(CLOSE_CODES.replaced, 'replaced by a newer connection of the same cluster');
      options.onClustersChanged([name]);
    },
    ended: (connection, link) => {
      numbered.delete(link);
      ingest.ended(link);
      links.delete(connection);
      held.delete(connection);
      const name = connection.cluster;
      if (name !== undefined && current.get(name) === connection) current.delete(name);
      // Also for a link refused at its hello: the refusal is kept on the cluster it claimed.
      if (name !== undefined) options.onClustersChanged([name]);
    },
    underPressure: pressured,
    hold: (connection) => {
      if (!pressured() || !connection.open || held.has(connection)) return;
      connection.pause();
      held.add(connection);
    },
  };

  const openLink = (cluster: string): Connection | undefined => {
    const link = current.get(cluster);
    return link?.open === true ? link : undefined;
  };

  const shutdown = async (): Promise<void> => {
    // Everything received is read, committed and acked before the links end: the agents resend nothing stored.
    await ingest.close(options.closeTimeoutMs);
    const all = [...links];
    for (const link of all) link.end(CLOSE_CODES.shutdown, 'the hub is shutting down');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => {
        resolve('late');
      }, options.closeTimeoutMs);
    });
    const outcome = await Promise.race([Promise.all(all.map((link) => link.closed)), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      for (const link of links) link.terminate();
      await Promise.all(all.map((link) => link.closed));
    }
    server.close();
  };

  return {
    handleUpgrade: (request, socket, head) => {
      if (pathOf(request.url) !== AGENT_CHANNEL_PATH) {
        refuseUpgrade(
          socket,
          404,
          'not-found',
          `no websocket endpoint here: agents connect to ${AGENT_CHANNEL_PATH}`,
        );
        return;
      }
      if (closing !== undefined) {
        refuseUpgrade(socket, 503, 'internal', 'the hub is shutting down');
        return;
      }
      socket.on('error', () => undefined);
      try {
        server.handleUpgrade(request, socket, head, (websocket) => {
          links.add(startConnection(websocket, request, host));
        });
      } catch (error) {
        log.error('could not take a websocket upgrade', { error });
        socket.destroy();
      }
    },
    isConnected: (cluster) => openLink(cluster) !== undefined,
    refresh: (cluster, reason) => {
      const link = openLink(cluster);
      if (link === undefined) return false;
      return link.send({
        v: PROTOCOL_VERSION,
        type: 'refresh',
        body: { reason: reason.slice(0, MAX_REFRESH_REASON) },
      });
    },
    disconnect: (cluster, reason) => {
      // The cluster may be gone from the store (deleted): a new one may take its row's id, and the
      // ingest thread's row digests of the old one must not stand for the new one's rows.
      ingest.forgetDigests();
      const link = current.get(cluster);
      if (link === undefined) return false;
      link.end(CLOSE_CODES.unauthorized, reason);
      return true;
    },
    connectedClusters: () => [...current.keys()].filter((cluster) => openLink(cluster) !== undefined).sort(),
    following: () =>
      [...current.keys()].sort().flatMap((cluster) => {
        const source = openLink(cluster)?.source;
        return source === undefined
          ? []
          : [{ cluster, repo: source.repo, ref: source.ref, path: source.path }];
      }),
    ready: () => ingest.ready,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
