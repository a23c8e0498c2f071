// One connection to the hub, from hello to close: hello (the next seq of the epoch, the current
// digest), welcome (the version and limits held to for the connection), then the outbox pumped within
// maxUnacked, acks, snapshot requests, rate-limited refresh hints, heartbeats both ways. Every frame
// from the hub is validated (parseHubFrame, with the negotiated version and maxFrameBytes once
// welcomed); a bad one closes the connection with its close code and a log line, never a crash. No
// socket library here: the session is handed a socket and driven by its events and a clock.
import { type Logger } from '@ferry/shared';
import {
  DEFAULT_LIMITS,
  parseHubFrame,
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  ProtocolError,
  serializeAgentMessage,
  CLOSE_CODES,
  truncateBytes,
  type AgentMessage,
  type CloseCode,
  type HelloBody,
  type HubMessage,
  type Limits,
} from '@ferry/shared/protocol';
import type { HintDecision, HintLimiter } from './hint-limiter.ts';
import type { Numbered } from './outbox.ts';
import type { HubReporter } from './reporter.ts';
import type { HubSocket } from './socket.ts';
import { fitSyncReport } from './sync-report.ts';

/** A link silent for this many heartbeat intervals is dead. */

const HINT_LOG: { readonly [A in HintDecision['act']]: string } = {
  now: 'refresh hint: fetching now',
  later: 'refresh hint: fetching at the end of the rate limit',
  merged: 'refresh hint: part of a fetch already due',
};

export const DEAD_AFTER_HEARTBEATS = 3;

export interface SessionOptions {
  readonly epoch: string;
  /** The epoch's seq counter, shared by every connection of the process. */
  readonly nextSeq: () => number;
  /**
   * Gives back the seq just taken, when its message could not be framed (it is dropped): new messages
   * on a connection are consecutive, and the hub closes a link that skips one.
   */
  readonly returnSeq: (seq: number) => void;
  /** The hello's body, less the digest (the reporter's, taken when the hello goes). */
  readonly hello: Omit<HelloBody, 'snapshotDigest'>;
  readonly reporter: HubReporter;
  readonly hints: HintLimiter;
  /** A refresh hint that passed the rate limit: ask the sync loop for a fetch now. */
  readonly requestSync: () => void;
  readonly log: Logger;
  readonly now: () => number;
  /** How long the hub may take to answer the hello. */
  readonly welcomeTimeoutMs: number;
}

export type SessionState = 'opening' | 'hello-sent' | 'welcomed' | 'closing';

export class Session {
  readonly #socket: Pick<HubSocket, 'send' | 'close' | 'terminate'>;
  readonly #options: SessionOptions;
  #state: SessionState = 'opening';
  #version: number | undefined;
  #limits: Limits = DEFAULT_LIMITS;
  #lastSent = 0;
  #lastHeard = 0;
  #helloAt = 0;
  /** Why the session ended on our side, for the channel's log line. */
  #endedBecause: string | undefined;
  /** Messages of the outbox the hub acknowledged on this connection (the hello is not one). */
  #acknowledged = 0;

  constructor(socket: Pick<HubSocket, 'send' | 'close' | 'terminate'>, options: SessionOptions) {
    this.#socket = socket;
    this.#options = options;
  }

  get state(): SessionState {
    return this.#state;
  }

  get welcomed(): boolean {
    return this.#version !== undefined;
  }

  get limits(): Limits {
    return this.#limits;
  }

  get endedBecause(): string | undefined {
    return this.#endedBecause;
  }

  /** How many of our messages the hub stored and acknowledged on this connection. */
  get acknowledged(): number {
    return this.#acknowledged;
  }

  /** The upgrade succeeded: unacked messages become resends, and the hello goes first. */
  opened(): void {
    const { reporter, epoch } = this.#options;
    reporter.outbox.startConnection();
    const now = this.#options.now();
    this.#helloAt = now;
    this.#lastHeard = now;
    const digest = reporter.helloDigest();
    this.#state = 'hello-sent';
    this.#send({
      v: Math.max(...PROTOCOL_VERSIONS),
      type: 'hello',
      epoch,
      seq: this.#options.nextSeq(),
      body: { ...this.#options.hello, ...(digest !== undefined ? { snapshotDigest: digest } : {}) },
    });
  }

  received(text: string): void {
    if (this.#state === 'closing') return;
    this.#lastHeard = this.#options.now();
    const parsed = parseHubFrame(text, {
      maxFrameBytes: this.#limits.maxFrameBytes,
      version: this.#version,
    });
    if (!parsed.ok) {
      this.#refuse(parsed.closeCode, parsed.reason, parsed.detail);
      return;
    }
    this.#handle(parsed.message);
  }

  binary(): void {
    if (this.#state !== 'closing')
      this.#refuse(CLOSE_CODES.malformed, 'binary frame: the protocol is JSON text');
  }

  /** Called by a timer: heartbeats when idle, and the end of a link gone silent. */
  tick(): void {
    if (this.#state === 'closing' || this.#state === 'opening') return;
    const now = this.#options.now();
    if (!this.welcomed) {
      if (now - this.#helloAt > this.#options.welcomeTimeoutMs)
        this.#drop(`no welcome within ${this.#options.welcomeTimeoutMs} ms of the hello`);
      return;
    }
    const intervalMs = this.#limits.heartbeatSeconds * 1000;
    if (now - this.#lastHeard > DEAD_AFTER_HEARTBEATS * intervalMs) {
      this.#drop(
        `nothing heard for ${Math.round((now - this.#lastHeard) / 1000)} s (${DEAD_AFTER_HEARTBEATS} heartbeats)`,
      );
      return;
    }
    if (now - this.#lastSent >= intervalMs)
      this.#send({
        v: PROTOCOL_VERSION,
        type: 'heartbeat',
        epoch: this.#options.epoch,
        seq: this.#options.nextSeq(),
        body: { at: new Date(now).toISOString() },
      });
  }

  /** The socket closed: the reporter stops sending deltas until the next welcome. */
  ended(): void {
    this.#state = 'closing';
    this.#options.reporter.listener = undefined;
    this.#options.reporter.disconnected();
  }

  /** Sends what the outbox holds, within maxUnacked. */
  pump(): void {
    if (this.#state !== 'welcomed') return;
    const { reporter } = this.#options;
    for (;;) {
      const next = reporter.outbox.next(this.#limits.maxUnacked, this.#options.nextSeq);
      if (next === undefined) return;
      const text = this.#frame(next);
      if (text !== undefined) {
        this.#write(text);
        continue;
      }
      reporter.outbox.discard(next.seq);
      if (!next.resend) this.#options.returnSeq(next.seq);
    }
  }

  #handle(message: HubMessage): void {
    if (message.type !== 'welcome' && !this.welcomed) {
      this.#refuse(CLOSE_CODES.invalidMessage, `type: expected welcome first, got ${message.type}`);
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.#welcome(message.body.version, message.body.limits);
        return;
      case 'ack':
        if (message.body.epoch !== this.#options.epoch) {
          this.#options.log.debug('ack of another epoch ignored', { epoch: message.body.epoch });
          return;
        }
        for (const acked of this.#options.reporter.outbox.ack(message.body.seq)) {
          this.#acknowledged++;
          // What the hub has stored for good (the end-to-end crash test reads these lines).
          if (acked.message.type === 'syncReport')
            this.#options.log.debug('hub acknowledged a sync report', {
              syncId: acked.message.body.syncId,
              seq: acked.seq,
            });
        }
        this.pump();
        return;
      case 'snapshotRequest':
        this.#options.reporter.snapshotRequested();
        return;
      case 'refresh': {
        const decision = this.#options.hints.accept(this.#options.now());
        if (decision.act === 'now') this.#options.requestSync();
        // The sync loop's trigger outlives this connection: a deferred fetch happens even if it drops.
        if (decision.act === 'later') setTimeout(this.#options.requestSync, decision.inMs).unref();
        this.#options.log.debug(HINT_LOG[decision.act], {
          reason: message.body.reason,
          ...(decision.act === 'later' ? { inMs: decision.inMs } : {}),
          merged: this.#options.hints.dropped,
        });
        return;
      }
      case 'heartbeat':
        return;
    }
  }

  #welcome(version: number, limits: Limits): void {
    if (this.welcomed) {
      this.#refuse(CLOSE_CODES.invalidMessage, 'type: a second welcome on one connection');
      return;
    }
    if (!PROTOCOL_VERSIONS.includes(version)) {
      this.#refuse(CLOSE_CODES.unsupportedVersion, `body.version: ${version} was not offered`);
      return;
    }
    this.#version = version;
    this.#limits = limits;
    this.#state = 'welcomed';
    this.#options.hints.minIntervalMs = limits.refreshMinIntervalSeconds * 1000;
    const { reporter } = this.#options;
    reporter.listener = () => {
      this.pump();
    };
    reporter.welcomed(limits.maxFrameBytes);
    this.pump();
  }

  /** A stored message as a frame, within maxFrameBytes; undefined (logged) when our serializer refuses it. */
  #frame(next: Numbered): string | undefined {
    const { epoch, log } = this.#options;
    // The negotiated version is one of PROTOCOL_VERSIONS, and this build writes only PROTOCOL_VERSION.
    const v = PROTOCOL_VERSION;
    const maxFrameBytes = this.#limits.maxFrameBytes;
    const envelope = { v, epoch, seq: next.seq } as const;
    try {
      if (next.message.type === 'syncReport') {
        const fits = (body: typeof next.message.body): boolean => {
          try {
            serializeAgentMessage({ ...envelope, type: 'syncReport', body }, { maxFrameBytes });
            return true;
          } catch {
            return false;
          }
        };
        const body = fitSyncReport(next.message.body, fits);
        return serializeAgentMessage({ ...envelope, type: 'syncReport', body }, { maxFrameBytes });
      }
      return serializeAgentMessage({ ...envelope, ...next.message }, { maxFrameBytes });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      log.error(`a ${next.message.type} message could not be sent and was dropped: ${error.message}`, {
        seq: next.seq,
        path: error.path,
        code: error.code,
      });
      return undefined;
    }
  }

  #send(message: AgentMessage): void {
    let text: string;
    try {
      text = serializeAgentMessage(message, { maxFrameBytes: this.#limits.maxFrameBytes });
    } catch (error) {
      // The hello or a heartbeat refused by our own schema: a bug, and no use going on with this hub.
      const path = error instanceof ProtocolError ? error.path : '';
      this.#options.log.error(`the ${message.type} could not be sent`, { error, path });
      this.#state = 'closing';
      this.#endedBecause = `our ${message.type} is invalid (${path})`;
      this.#socket.close(1011, truncateBytes(`invalid ${message.type}: ${path}`));
      return;
    }
    this.#write(text);
  }

  #write(text: string): void {
    this.#lastSent = this.#options.now();
    this.#socket.send(text);
  }

  #refuse(code: CloseCode, reason: string, detail: string = reason): void {
    this.#options.log.warn('refused a frame from the hub', { closeCode: code, detail });
    this.#state = 'closing';
    this.#endedBecause = `refused a frame from the hub (${code}): ${reason}`;
    this.#socket.close(code, truncateBytes(reason));
  }

  #drop(why: string): void {
    this.#options.log.warn(`the link to the hub is dead: ${why}`);
    this.#state = 'closing';
    this.#endedBecause = why;
    this.#socket.terminate();
  }
}
