// One simulated agent: a real websocket from its own source address, the credential on the upgrade, a
// hello (with the digest of its state), the welcome's limits, seqs with no gap, cumulative acks,
// snapshots when the hub asks, resends of unacked reports after a reconnect, never more than maxUnacked
// messages in flight. Like a real agent it keeps one epoch across reconnects (a hub restart is not an
// agent restart). What to send and when is the generator's business (scheduler.ts).
import { randomUUID } from 'node:crypto';
import { parseHubFrame } from '../../shared/src/protocol/index.ts';
import {
  deltaFrame,
  heartbeatFrame,
  helloFrame,
  snapshotFrame,
  syncReportFrame,
  type AgentIdentity,
} from './frames.ts';
import type { MessageKind, Recorder } from './recorder.ts';
import type { StateTable } from './state.ts';
import { OPEN, openSocket, type ClientSocket } from './ws-client.ts';

export const LINK_STATES = ['down', 'connecting', 'hello', 'open'] as const;
export type LinkState = (typeof LINK_STATES)[number];

interface Sent {
  readonly seq: number;
  readonly kind: MessageKind;
  readonly tag: string;
  readonly at: number;
  /** A syncReport's frame, resent with its seq after a reconnect. */
  readonly text?: string;
}

/** What every agent shares: where the hub is, the state table, the counters. */
export interface AgentContext {
  readonly url: string;
  readonly state: StateTable;
  readonly recorder: Recorder;
  readonly now: () => number;
  readonly counters: Counters;
  /** Validate one hub frame in this many with the protocol's schema (1: every frame). */
  readonly validateEvery: number;
  welcomed(agent: SimAgent): void;
  acked(agent: SimAgent, seq: number): void;
  closed(agent: SimAgent, code: number): void;
}

export interface Counters {
  /** Close codes seen, by code. */
  readonly closes: Map<number, number>;
  /** snapshotRequests received, by the tag of the link they came on. */
  readonly snapshotRequests: Map<string, number>;
  /** Upgrades answered with an HTTP status instead, by status; connect errors by code. */
  readonly refusedUpgrades: Map<string, number>;
  invalidHubFrames: number;
  hubFrames: number;
}

export function createCounters(): Counters {
  return {
    closes: new Map(),
    snapshotRequests: new Map(),
    refusedUpgrades: new Map(),
    invalidHubFrames: 0,
    hubFrames: 0,
  };
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

interface HubFrame {
  readonly type?: unknown;
  readonly body?: {
    readonly epoch?: unknown;
    readonly seq?: unknown;
    readonly limits?: { maxUnacked?: unknown };
  };
}

export class SimAgent {
  readonly identity: AgentIdentity;
  readonly localAddress: string;
  readonly epoch = randomUUID();
  readonly #context: AgentContext;
  #seq = 0;
  #step: number;
  #snapshotId: string | undefined;
  #snapshots = 0;
  #syncs = 0;
  #socket: ClientSocket | undefined;
  #link: LinkState = 'down';
  #helloSeq = 0;
  #maxUnacked = 1;
  #inflight: Sent[] = [];
  #beats: Sent[] = [];
  /** The tag of the current link (its hello, its snapshot requests). */
  linkTag = '';
  connectStartedAt = Number.NaN;
  welcomedAt = Number.NaN;

  constructor(identity: AgentIdentity, localAddress: string, context: AgentContext, index: number) {
    this.identity = identity;
    this.localAddress = localAddress;
    this.#context = context;
    this.#step = index % context.state.size;
  }

  get link(): LinkState {
    return this.#link;
  }

  /** Stored kinds in flight (heartbeats aside): what maxUnacked bounds. */
  get inflight(): number {
    return this.#inflight.length;
  }

  /** Heartbeats not yet covered by an ack. */
  get uncoveredBeats(): number {
    return this.#beats.length;
  }

  /** Heartbeats of this tag not yet covered by an ack. */
  beatsOf(tag: string): number {
    let count = 0;
    for (const beat of this.#beats) if (beat.tag === tag) count += 1;
    return count;
  }

  get hasSnapshot(): boolean {
    return this.#snapshotId !== undefined;
  }

  /** Room for `count` more stored messages on an open link. */
  canSend(count: number): boolean {
    return this.#link === 'open' && this.#inflight.length + count <= this.#maxUnacked;
  }

  connect(tag: string): void {
    if (this.#link !== 'down') return;
    const { url, now, counters } = this.#context;
    this.#link = 'connecting';
    this.linkTag = tag;
    this.connectStartedAt = now();
    this.welcomedAt = Number.NaN;
    const socket = openSocket(url, {
      headers: { Authorization: `Bearer ${this.identity.credential}` },
      localAddress: this.localAddress,
      maxPayload: 16 * 1024 * 1024,
    });
    this.#socket = socket;
    socket.on('open', () => {
      if (this.#socket !== socket) return;
      this.#link = 'hello';
      this.#seq += 1;
      this.#helloSeq = this.#seq;
      const digest = this.#snapshotId === undefined ? undefined : this.#context.state.digest(this.#step);
      socket.send(helloFrame(this.identity, this.epoch, this.#helloSeq, digest));
    });
    socket.on('message', (data) => {
      if (this.#socket === socket) this.#onFrame(data.toString('utf8'));
    });
    socket.on('unexpected-response', (_request, response) => {
      bump(counters.refusedUpgrades, `HTTP ${String(response.statusCode ?? 0)}`);
      socket.terminate();
    });
    socket.on('error', (error) => {
      bump(counters.refusedUpgrades, (error as { code?: string }).code ?? error.message.slice(0, 40));
    });
    socket.on('close', (code) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#link = 'down';
      bump(counters.closes, code);
      this.#context.closed(this, code);
    });
  }

  /** Closes the link (the agent goes away). */
  close(): void {
    this.#socket?.close(1000, 'generator done');
  }

  terminate(): void {
    this.#socket?.terminate();
  }

  // Each send returns the seq it took, or 0 when the link cannot take it now.

  heartbeat(tag: string): number {
    if (this.#link !== 'open') return 0;
    const seq = this.#next();
    this.#write(heartbeatFrame(this.epoch, seq, new Date()), seq, 'heartbeat', tag, this.#beats);
    return seq;
  }

  /** A delta on the snapshot the hub holds; 0 without one, or without room. */
  delta(tag: string): number {
    const snapshotId = this.#snapshotId;
    if (snapshotId === undefined || !this.canSend(1)) return 0;
    const seq = this.#next();
    const text = deltaFrame(this.#context.state, this.epoch, seq, snapshotId, this.#step);
    this.#step += 1;
    this.#write(text, seq, 'delta', tag, this.#inflight);
    return seq;
  }

  /** A full report: the sync's syncReport, then a full snapshot of the state (its seq is returned). */
  report(tag: string): number {
    if (!this.canSend(2)) return 0;
    this.#syncs += 1;
    const seq = this.#next();
    const text = syncReportFrame(
      this.#context.state,
      this.epoch,
      seq,
      `${this.epoch.slice(0, 8)}-${String(this.#syncs)}`,
      new Date(),
    );
    this.#write(text, seq, 'syncReport', tag, this.#inflight, true);
    // The sync moved the rollout on: the snapshot differs from what the hub holds in two objects.
    this.#step += 1;
    return this.snapshot(tag);
  }

  snapshot(tag: string): number {
    if (this.#link !== 'open') return 0;
    this.#snapshots += 1;
    const snapshotId = `s-${this.epoch.slice(0, 8)}-${String(this.#snapshots)}`;
    const seq = this.#next();
    const text = snapshotFrame(this.#context.state, this.epoch, seq, snapshotId, this.#step);
    this.#snapshotId = snapshotId;
    this.#write(text, seq, 'snapshot', tag, this.#inflight);
    return seq;
  }

  #next(): number {
    this.#seq += 1;
    return this.#seq;
  }

  #write(text: string, seq: number, kind: MessageKind, tag: string, queue: Sent[], keep = false): void {
    const at = this.#context.now();
    queue.push(keep ? { seq, kind, tag, at, text } : { seq, kind, tag, at });
    this.#context.recorder.sent(tag, kind, at);
    this.#socket?.send(text);
  }

  #onFrame(text: string): void {
    const { counters, validateEvery } = this.#context;
    counters.hubFrames += 1;
    if (counters.hubFrames % validateEvery === 0) {
      const parsed = parseHubFrame(text, { maxFrameBytes: 16 * 1024 * 1024, version: 1 });
      if (!parsed.ok) counters.invalidHubFrames += 1;
    }
    let frame: HubFrame;
    try {
      frame = JSON.parse(text) as HubFrame;
    } catch {
      counters.invalidHubFrames += 1;
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(frame);
        return;
      case 'ack':
        if (frame.body?.epoch === this.epoch && typeof frame.body.seq === 'number')
          this.#onAck(frame.body.seq);
        return;
      case 'snapshotRequest':
        bump(counters.snapshotRequests, this.linkTag);
        this.snapshot(`${this.linkTag}:requested`);
        return;
      case 'heartbeat':
      case 'refresh':
        return;
      default:
        counters.invalidHubFrames += 1;
    }
  }

  #onWelcome(frame: HubFrame): void {
    const max = frame.body?.limits?.maxUnacked;
    this.#maxUnacked = typeof max === 'number' ? max : 1;
    this.#link = 'open';
    this.welcomedAt = this.#context.now();
    // Only unacked reports are resent; snapshots and deltas are covered by the hello's digest, and
    // heartbeats are never resent.
    const { recorder } = this.#context;
    for (const beat of this.#beats) recorder.lost(beat.tag, beat.kind);
    this.#beats = [];
    const kept: Sent[] = [];
    for (const sent of this.#inflight) {
      if (sent.text === undefined) recorder.lost(sent.tag, sent.kind);
      else kept.push(sent);
    }
    this.#inflight = kept;
    for (const sent of kept) if (sent.text !== undefined) this.#socket?.send(sent.text);
    this.#context.welcomed(this);
  }

  #onAck(seq: number): void {
    const { recorder, now } = this.#context;
    const at = now();
    let done = 0;
    while (done < this.#inflight.length && (this.#inflight[done]?.seq ?? Infinity) <= seq) {
      const sent = this.#inflight[done];
      if (sent !== undefined) recorder.acked(sent.tag, sent.kind, sent.at, at);
      done += 1;
    }
    if (done > 0) this.#inflight.splice(0, done);
    let beats = 0;
    while (beats < this.#beats.length && (this.#beats[beats]?.seq ?? Infinity) <= seq) {
      const beat = this.#beats[beats];
      if (beat !== undefined) recorder.acked(beat.tag, beat.kind, beat.at, at);
      beats += 1;
    }
    if (beats > 0) this.#beats.splice(0, beats);
    this.#context.acked(this, seq);
  }

  get socketOpen(): boolean {
    return this.#socket?.readyState === OPEN;
  }
}
