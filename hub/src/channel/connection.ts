// One agent's link on the main thread, from the upgrade to its close: authenticate, hand the hello and
// every later frame to the ingest thread (ingest-client.ts; it reads, commits and answers), send what it
// answers, heartbeat, cut a link gone silent, and end on the first fault with the protocol's close code.
// Every end is logged once (cluster, code, reason), never with the credential. Nothing a peer sends can
// throw out of here: a failure ends this link, never the process.
import type { IncomingMessage } from 'node:http';
import { type Logger } from '@ferry/shared';
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  serializeHubMessage,
  truncateBytes,
  type AgentMessageOf,
  type HubMessage,
} from '@ferry/shared/protocol';
import type { RawData, WebSocket } from 'ws';
import { authenticate } from './authenticate.ts';
import type { IngestClient } from './ingest-client.ts';
import type { IngestEvent } from './ingest-messages.ts';
import type { ResolvedOptions } from './options.ts';
import { closeCodeOfSocketError } from './socket-server.ts';

export interface Connection {
  /** The cluster its credential is bound to; undefined until (and unless) it authenticated. */
  readonly cluster: string | undefined;
  /** The hello was accepted and the link is not ending. */
  readonly open: boolean;
  /** What the agent's GitSync follows, as its accepted hello said; undefined before the hello. */
  readonly source: HelloSource | undefined;
  send(message: HubMessage): boolean;
  /** Closes the link with a code and reason (logged once, when it has closed). */
  end(code: number, reason: string): void;
  /** What the ingest thread said about this link: its hello accepted, a text to send, its end. */
  told(event: Extract<IngestEvent, { type: 'opened' | 'send' | 'end' }>): void;
  /** Cuts the link without a close handshake. */
  terminate(): void;
  pause(): void;
  resume(): void;
  /** Settles when the link has closed. */
  readonly closed: Promise<void>;
}

export interface ConnectionHost {
  readonly options: ResolvedOptions;
  /** Where the link's frames go, under its number (the host's registry maps the answers back). */
  readonly ingest: IngestClient;
  /** A number for a new link, unique in this process. */
  register(connection: Connection): number;
  /** The hello was accepted: the connection is now its cluster's (the host closes an older one). */
  accepted(connection: Connection): void;
  ended(connection: Connection, link: number): void;
  /** Whether the ingest is over its high-water marks (a new link starts paused). */
  underPressure(): boolean;
  /** The store lags: stop reading this open link until it has caught up (the host resumes it). */
  hold(connection: Connection): void;
}

/** The source a hello names: the repository, ref and path the agent's GitSync follows now. */
export type HelloSource = AgentMessageOf<'hello'>['body']['source'];

type Level = 'info' | 'warn' | 'error';

interface Ending {
  /** Who ended the link: the hub (a refusal, a shutdown) or the agent (its close, a dropped socket). */
  readonly by: 'hub' | 'agent';
  readonly code: number;
  readonly reason: string;
  readonly level: Level;
  /** The longer story for the log line (a frame's first few issues). */
  readonly detail?: string;
  readonly error?: unknown;
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function buffersOf(data: RawData): Buffer | readonly Buffer[] {
  if (Buffer.isBuffer(data) || Array.isArray(data)) return data;
  return Buffer.from(data);
}

export function startConnection(
  socket: WebSocket,
  request: IncomingMessage,
  host: ConnectionHost,
): Connection {
  const { options, ingest } = host;
  const { store, now, limits } = options;
  let log: Logger = options.log.child({ remote: request.socket.remoteAddress });
  let phase: 'hello' | 'open' | 'ending' = 'hello';
  /** The hello went to the ingest thread (every later frame follows it there, in order). */
  let helloSent = false;
  let ending: Ending | undefined;
  let transportError: string | undefined;
  const auth = authenticate(store, request.headers);
  const cluster = auth.cluster;
  let source: HelloSource | undefined;
  const timers: NodeJS.Timeout[] = [];
  /**
   * When the last frame arrived (performance.now()): a frame after a silence may end a stale view. A
   * field, not a variable of this closure: V8 writes a double field in place, but boxes each new value
   * of a closure's variable, and that box lived until the link's next frame (promoted, 10,000 links).
   */
  const arrival = { lastAt: Number.NEGATIVE_INFINITY };
  let heartbeat: NodeJS.Timeout | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });

  const timer = (ms: number, fire: () => void): NodeJS.Timeout => {
    const handle = setTimeout(fire, ms).unref();
    timers.push(handle);
    return handle;
  };

  /** Marks the link as ending (once): no frame is read and no commit acked on it from now on. */
  const ended = (next: Ending): boolean => {
    if (phase === 'ending') return false;
    phase = 'ending';
    ending = next;
    for (const handle of timers) clearTimeout(handle);
    return true;
  };

  const end = (code: number, reason: string, level: Level = 'warn', extra: Partial<Ending> = {}): void => {
    if (ended({ ...extra, by: 'hub', code, reason, level })) socket.close(code, truncateBytes(reason));
  };

  const cut = (reason: string, level: Level): void => {
    ended({ by: 'hub', code: 1006, reason, level });
    socket.terminate();
  };

  const dead = timer(options.deadAfterMs, () => {
    // Time spent paused is the hub's doing, not a silence of the agent.
    if (socket.isPaused) dead.refresh();
    else cut(`no frame for ${options.deadAfterMs} ms: link terminated`, 'warn');
  });

  const sendText = (text: string): boolean => {
    if (socket.readyState !== socket.OPEN) return false;
    socket.send(text, (error) => {
      if (error) transportError ??= error.message;
    });
    heartbeat?.refresh();
    return true;
  };

  const send = (message: HubMessage): boolean => {
    if (socket.readyState !== socket.OPEN) return false;
    let text: string;
    try {
      text = serializeHubMessage(message, { maxFrameBytes: limits.maxFrameBytes });
    } catch (error) {
      log.error('refused to send an invalid message', { type: message.type, error });
      return false;
    }
    return sendText(text);
  };

  const opened = (event: Extract<IngestEvent, { type: 'opened' }>): void => {
    if (phase !== 'hello') return;
    phase = 'open';
    source = event.source;
    log = log.child({ cluster: cluster ?? '', epoch: event.epoch });
    host.accepted(connection);
    heartbeat = timer(limits.heartbeatSeconds * 1000, () => {
      send({ v: PROTOCOL_VERSION, type: 'heartbeat', body: { at: now().toISOString() } });
    });
    log.info('agent connected', event.fields);
    if (host.underPressure()) host.hold(connection);
  };

  const onFrame = (data: RawData, isBinary: boolean): void => {
    if (phase === 'ending') return;
    dead.refresh();
    const at = performance.now();
    const afterSilence = at - arrival.lastAt >= options.notifyHeardAfterMs;
    arrival.lastAt = at;
    if (isBinary) {
      end(CLOSE_CODES.malformed, 'frame is binary: expected JSON text');
      return;
    }
    if (!helloSent) {
      helloSent = true;
      ingest.hello(link, cluster ?? '', auth.ok ? auth.credentialDigest : '', textOf(data));
      return;
    }
    // Read on the ingest thread in its turn, after the frames that came before it.
    ingest.frame(link, buffersOf(data), afterSilence);
    if (host.underPressure()) host.hold(connection);
  };

  const connection: Connection = {
    get cluster() {
      return cluster;
    },
    get open() {
      return phase === 'open';
    },
    get source() {
      return source;
    },
    send,
    end: (code, reason) => {
      end(code, reason, 'info');
    },
    told: (event) => {
      switch (event.type) {
        case 'opened':
          opened(event);
          return;
        case 'send':
          if (phase !== 'ending') sendText(event.text);
          return;
        case 'end':
          end(
            event.code,
            event.reason,
            event.level,
            event.detail === undefined ? {} : { detail: event.detail },
          );
          return;
      }
    },
    terminate: () => {
      cut('link cut by the hub', 'info');
    },
    pause: () => {
      socket.pause();
    },
    resume: () => {
      socket.resume();
      if (phase !== 'ending') dead.refresh();
    },
    closed,
  };
  const link = host.register(connection);

  socket.on('message', (data, isBinary) => {
    try {
      onFrame(data, isBinary);
    } catch (error) {
      end(CLOSE_CODES.shutdown, 'the hub failed on this frame: reconnect', 'error', { error });
    }
  });
  socket.on('error', (error) => {
    // ws has closed the link already when a frame broke the websocket rules (too large, not UTF-8).
    const refused = closeCodeOfSocketError(error, limits.maxFrameBytes);
    if (refused === undefined || !ended({ ...refused, by: 'hub', level: 'warn' })) {
      transportError ??= error.message;
    }
  });
  socket.on('close', (code, reason) => {
    ended({ by: 'agent', code, reason: reason.toString('utf8'), level: 'info' });
    host.ended(connection, link);
    const own = ending ?? { by: 'agent', code, reason: '', level: 'info' };
    log[own.level]('agent link closed', {
      cluster,
      code: own.code,
      reason: own.reason,
      by: own.by,
      ...(own.detail === undefined || own.detail === own.reason ? {} : { detail: own.detail }),
      ...(transportError === undefined ? {} : { transportError }),
      ...(own.error === undefined ? {} : { error: own.error }),
    });
    markClosed();
  });

  if (!auth.ok) {
    if (auth.error === undefined) end(auth.code, auth.reason);
    else end(auth.code, auth.reason, 'error', { error: auth.error });
    if (auth.cluster !== undefined && auth.refusal !== undefined) {
      try {
        store.recordRefusal(auth.cluster, auth.refusal, now());
      } catch (error) {
        log.error('could not keep a refusal on its cluster', { cluster, error });
      }
    }
    return connection;
  }
  log = log.child({ cluster });
  const helloTimer = timer(options.helloTimeoutMs, () => {
    // A hello that arrived is the agent's part done; reading it is the hub's (on the ingest thread).
    if (phase !== 'hello' || helloSent) return;
    // While the store lags, the hub reads slowly: a hello not read yet is the hub's delay, not the agent's.
    if (host.underPressure()) helloTimer.refresh();
    else end(CLOSE_CODES.invalidMessage, `hello: none within ${options.helloTimeoutMs} ms`);
  });
  return connection;
}
