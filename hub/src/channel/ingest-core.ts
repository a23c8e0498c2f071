// The ingest thread's work, driven by the main thread's commands (ingest-messages.ts): read each link's
// hello (accept-hello.ts) and later frames in their turn (frame-scheduler.ts), hand them to the link's
// agent stream (agent-stream.ts), commit in groups (commit-queue.ts) and answer with what to send, what
// to end and what was stored. The sockets stay on the main thread: this thread's parsing, its commits
// and its garbage never hold the API's requests there. Nothing a peer sends can throw out of here: a
// fault ends that link.
import { LOG_LEVELS, type Logger, type LogFields, type LogLevel } from '@ferry/shared';
import {
  CLOSE_CODES,
  parseAgentFrame,
  PROTOCOL_VERSION,
  serializeHubMessage,
  type CloseCode,
  type HubMessage,
} from '@ferry/shared/protocol';
import type { Store } from '../store/index.ts';
import { acceptHello } from './accept-hello.ts';
import { createAgentStream, type AgentStream } from './agent-stream.ts';
import { createCommitQueue } from './commit-queue.ts';
import { createFrameScheduler } from './frame-scheduler.ts';
import type { IngestCommand, IngestEvent, IngestSetup } from './ingest-messages.ts';

/** How long the frames' work may hold this thread's loop at a time before it takes its messages, ms. */
const FRAME_SLICE_MS = 3;

/**
 * Bytes of frames waiting to be read above which the main thread stops reading links that send (the
 * commit queue's highWaterBytes when lower): some 125 full snapshots, a quarter of a second of reading.
 * What waiting frames become once read waits on the heap for its commit: more waiting only made a hub
 * that fell behind slower (bench/RESULTS.md, 16 MiB before).
 */
const FRAME_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** A snapshot asked for this long ago and not arrived no longer holds its turn (the request stands), ms. */
const SNAPSHOT_TURN_MS = 30_000;

export interface IngestCoreDeps {
  readonly setup: IngestSetup;
  readonly store: Store;
  readonly now: () => Date;
  /** Where the events go (the port to the main thread, in order). */
  readonly emit: (event: IngestEvent) => void;
}

export interface IngestCore {
  handle(command: IngestCommand): void;
}

interface Link {
  readonly cluster: string;
  readonly credentialDigest: string;
  ended: boolean;
  stream: AgentStream | undefined;
}

/** A Logger whose lines at `level` and above go to the main thread's logger, fields and all. */
export function forwardingLogger(
  emit: (event: IngestEvent) => void,
  level: LogLevel,
  base: LogFields = {},
): Logger {
  const line =
    (at: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (LOG_LEVELS[at] < LOG_LEVELS[level]) return;
      emit({ type: 'log', level: at, msg, fields: { ...base, ...fields } });
    };
  return {
    level,
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (fields) => forwardingLogger(emit, level, { ...base, ...fields }),
  };
}

export function createIngestCore(deps: IngestCoreDeps): IngestCore {
  const { setup, store, now, emit } = deps;
  const log = forwardingLogger(emit, setup.logLevel);
  const links = new Map<number, Link>();
  let high = false;
  // Snapshots asked for and not yet arrived, at most setup.snapshotRequestsOut: the others wait their
  // turn. A link is stopped only once it sends while the ingest lags, so each link gets one frame
  // through: 10,000 agents welcomed at once, each asked for its snapshot, put 10,000 snapshots (~330 MB)
  // on their way at once, and the main thread's memory stayed that high after (bench/RESULTS.md).
  /** Links asked for a snapshot that has not arrived yet (when, performance.now()), oldest first. */
  const asking = new Map<number, number>();
  /** Links waiting to be asked, in order. */
  const waiting = new Set<number>();

  const pressure = (): void => {
    const next = queueHigh || frames.high;
    if (next === high) return;
    high = next;
    emit({ type: 'pressure', high });
  };
  let queueHigh = false;

  const queue = createCommitQueue({
    store,
    now,
    log,
    flushIntervalMs: setup.flushIntervalMs,
    flushMaxRecords: setup.flushMaxRecords,
    flushMaxWeight: setup.flushMaxWeight,
    flushTargetMs: setup.flushTargetMs,
    highWaterRecords: setup.highWaterRecords,
    highWaterBytes: setup.highWaterBytes,
    highWaterWeight: setup.highWaterWeight,
    onCommitted: (clusters) => {
      if (clusters.length > 0) emit({ type: 'committed', clusters });
    },
    onFlushed: () => {
      frames.resume();
    },
    onPressure: (isHigh) => {
      queueHigh = isHigh;
      log.info(isHigh ? 'paused reading agents: the store lags' : 'resumed reading agents', {
        queuedRecords: queue.records,
        queuedBytes: queue.bytes,
      });
      pressure();
    },
  });
  const frames = createFrameScheduler({
    sliceMs: FRAME_SLICE_MS,
    highWaterBytes: Math.min(setup.highWaterBytes, FRAME_HIGH_WATER_BYTES),
    onBelow: pressure,
    onError: (error) => {
      log.error('an agent frame could not be handled', { error });
    },
    // Frames are read (parsed into records) only while the commit queue has room for them.
    canRun: () => !queue.full,
  });

  const snapshotRequest: HubMessage = { v: PROTOCOL_VERSION, type: 'snapshotRequest', body: {} };
  /** Whether a turn is free, once the turns held longer than SNAPSHOT_TURN_MS are let go. */
  const turnFree = (): boolean => {
    const expired = performance.now() - SNAPSHOT_TURN_MS;
    for (const [id, at] of asking) {
      if (at > expired) break;
      asking.delete(id);
    }
    return asking.size < setup.snapshotRequestsOut;
  };
  const ask = (id: number): boolean => {
    asking.set(id, performance.now());
    if (send(id, snapshotRequest)) return true;
    asking.delete(id);
    return false;
  };
  /** Asks the link for its snapshot now, or once fewer than setup.snapshotRequestsOut are out. */
  const askSnapshot = (id: number): boolean => {
    if (asking.has(id) || waiting.has(id)) return true;
    if (turnFree()) return ask(id);
    waiting.add(id);
    return true;
  };
  /** The link's snapshot arrived, or the link ended: the links waiting are asked while turns are free. */
  const snapshotArrived = (id: number): void => {
    waiting.delete(id);
    asking.delete(id);
    for (const next of waiting) {
      if (!turnFree()) return;
      waiting.delete(next);
      ask(next);
    }
  };

  const end = (
    id: number,
    code: CloseCode,
    reason: string,
    level: 'warn' | 'error' | 'info',
    detail?: string,
  ): void => {
    const link = links.get(id);
    if (link === undefined || link.ended) return;
    link.ended = true;
    link.stream?.close();
    snapshotArrived(id);
    emit({ type: 'end', link: id, code, reason, level, ...(detail === undefined ? {} : { detail }) });
  };

  const send = (id: number, message: HubMessage): boolean => {
    const link = links.get(id);
    if (link === undefined || link.ended) return false;
    let text: string;
    try {
      text = serializeHubMessage(message, { maxFrameBytes: setup.limits.maxFrameBytes });
    } catch (error) {
      log.error('refused to send an invalid message', { cluster: link.cluster, type: message.type, error });
      return false;
    }
    emit({ type: 'send', link: id, text });
    return true;
  };

  const hello = (id: number, link: Link, text: string): void => {
    const parsed = parseAgentFrame(text, { maxFrameBytes: setup.limits.maxFrameBytes });
    if (!parsed.ok) {
      end(id, parsed.closeCode, parsed.reason, 'warn', parsed.detail);
      return;
    }
    const message = parsed.message;
    if (message.type !== 'hello') {
      end(
        id,
        CLOSE_CODES.invalidMessage,
        `type: the first message must be a hello, not ${message.type}`,
        'warn',
      );
      return;
    }
    // What an older link of this cluster queued is committed first, so the epoch's stored seq is exact.
    if (queue.holds(link.cluster)) queue.flushAll();
    const decision = acceptHello(
      { store, cluster: link.cluster, credentialDigest: link.credentialDigest, now: now() },
      message,
    );
    if (!decision.ok) {
      end(id, decision.code, decision.reason, 'warn');
      return;
    }
    const stream = createAgentStream({
      cluster: link.cluster,
      epoch: message.epoch,
      helloSeq: message.seq,
      storedSeq: decision.lastSeq,
      limits: setup.limits,
      queue,
      send: (reply) => (reply.type === 'snapshotRequest' ? askSnapshot(id) : send(id, reply)),
      end: (code, reason, level = 'warn') => {
        end(id, code, reason, level);
      },
    });
    link.stream = stream;
    emit({
      type: 'opened',
      link: id,
      epoch: message.epoch,
      source: message.body.source,
      fields: {
        version: decision.version,
        agentVersion: message.body.agentVersion,
        seq: message.seq,
        storedSeq: decision.lastSeq,
        firstHello: decision.firstHello,
        snapshotRequested: decision.snapshotWanted,
      },
    });
    send(id, {
      v: PROTOCOL_VERSION,
      type: 'welcome',
      body: { version: PROTOCOL_VERSION, limits: setup.limits },
    });
    // So the agent resends only what came after what is stored.
    if (decision.lastSeq > 0)
      send(id, { v: PROTOCOL_VERSION, type: 'ack', body: { epoch: message.epoch, seq: decision.lastSeq } });
    if (decision.snapshotWanted) stream.requestSnapshot();
  };

  const frame = (id: number, data: Uint8Array, afterSilence: boolean): void => {
    // The frame is read in its turn, after the frames that came before it; a link that ended meanwhile
    // reads no more (the agent resends what was not acked).
    frames.defer(() => {
      const link = links.get(id);
      if (link === undefined || link.ended || link.stream === undefined) return;
      const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
      const parsed = parseAgentFrame(text, {
        maxFrameBytes: setup.limits.maxFrameBytes,
        version: PROTOCOL_VERSION,
      });
      if (parsed.ok) {
        const { message } = parsed;
        if (message.type === 'snapshot' && message.body.chunk === message.body.chunks - 1)
          snapshotArrived(id);
        link.stream.receive(message, data.byteLength, afterSilence);
      } else end(id, parsed.closeCode, parsed.reason, 'warn', parsed.detail);
    }, data.byteLength);
    pressure();
  };

  const guarded = (id: number, work: () => void): void => {
    try {
      work();
    } catch (error) {
      log.error('the hub failed on an agent frame', { error });
      end(id, CLOSE_CODES.shutdown, 'the hub failed on this frame: reconnect', 'error');
    }
  };

  return {
    handle: (command) => {
      switch (command.type) {
        case 'hello': {
          const link: Link = {
            cluster: command.cluster,
            credentialDigest: command.credentialDigest,
            ended: false,
            stream: undefined,
          };
          links.set(command.link, link);
          guarded(command.link, () => {
            hello(command.link, link, command.text);
          });
          return;
        }
        case 'frame':
          guarded(command.link, () => {
            frame(command.link, command.data, command.afterSilence);
          });
          return;
        case 'ended': {
          const link = links.get(command.link);
          link?.stream?.close();
          links.delete(command.link);
          snapshotArrived(command.link);
          return;
        }
        case 'forget-digests':
          store.forgetRowDigests();
          return;
        case 'close':
          // Every frame received is read and committed first: the agents resend nothing stored.
          frames.drain();
          queue.flushAll();
          queue.stop();
          emit({ type: 'closed' });
          return;
      }
    },
  };
}
