// For the channel's tests: a small agent that speaks the protocol over a real websocket, with shared's
// serializer (so every frame it sends is one a real agent could), and builders for its messages.
import { randomUUID } from 'node:crypto';
import {
  parseHubFrame,
  serializeAgentMessage,
  type AgentMessage,
  type AgentMessageOf,
  type HubMessage,
  type HubMessageOf,
  type HubMessageType,
  type ResourceSummary,
} from '@ferry/shared/protocol';
import { WebSocket } from 'ws';

const DEADLINE_MS = 5000;

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface AgentLink {
  readonly ws: WebSocket;
  /** Every hub message received, in order. */
  readonly received: HubMessage[];
  /** Frames from the hub that its own schema refuses (there must be none). */
  readonly invalid: string[];
  send(message: AgentMessage): void;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  /** The first message of this type not taken yet, waiting for it until a deadline. */
  take<T extends HubMessageType>(type: T, timeoutMs?: number): Promise<HubMessageOf<T>>;
  /** The highest seq acked for an epoch (0 when none). */
  highestAck(epoch: string): number;
  /** Waits until the hub has acked the epoch up to at least `seq`. */
  acked(epoch: string, seq: number, timeoutMs?: number): Promise<void>;
  /**
   * A websocket ping answered: the hub has read every frame sent before it (ws handles frames in order
   * and emits each message before it reads the next frame).
   */
  roundTrip(timeoutMs?: number): Promise<void>;
  /** Settles when the link closes, with the code and reason the hub sent. */
  readonly closed: Promise<Closed>;
  close(): void;
  terminate(): void;
}

/** Waits for `check` to hold, re-checking on every `wake` call, until a deadline. */
function waiter() {
  const wakers = new Set<() => void>();
  return {
    wake: () => {
      for (const wake of [...wakers]) wake();
    },
    until: (check: () => boolean, what: string, timeoutMs: number): Promise<void> =>
      new Promise((resolve, reject) => {
        if (check()) {
          resolve();
          return;
        }
        const done = (): void => {
          clearTimeout(deadline);
          wakers.delete(wake);
        };
        const wake = (): void => {
          if (check()) {
            done();
            resolve();
          }
        };
        const deadline = setTimeout(() => {
          wakers.delete(wake);
          reject(new Error(`waited ${timeoutMs} ms for ${what}`));
        }, timeoutMs);
        wakers.add(wake);
      }),
  };
}

export function connectAgent(
  url: string,
  credential: string | undefined,
  headers: Record<string, string> = {},
): Promise<AgentLink> {
  const all = { ...headers, ...(credential === undefined ? {} : { Authorization: `Bearer ${credential}` }) };
  const ws = new WebSocket(url, { headers: all, maxPayload: 64 * 1024 * 1024 });
  const received: HubMessage[] = [];
  const taken = new Set<number>();
  const acks = new Map<string, number>();
  const invalid: string[] = [];
  const events = waiter();
  let closedWith: Closed | undefined;
  const closed = new Promise<Closed>((resolve) => {
    ws.on('close', (code, reason) => {
      closedWith = { code, reason: reason.toString('utf8') };
      resolve(closedWith);
      events.wake();
    });
  });
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer) => {
    const parsed = parseHubFrame(data.toString('utf8'), { maxFrameBytes: 64 * 1024 * 1024 });
    if (!parsed.ok) {
      invalid.push(parsed.detail);
      events.wake();
      return;
    }
    const message = parsed.message;
    received.push(message);
    if (message.type === 'ack') {
      acks.set(message.body.epoch, Math.max(acks.get(message.body.epoch) ?? 0, message.body.seq));
    }
    events.wake();
  });
  const link: AgentLink = {
    ws,
    received,
    invalid,
    send: (message) => {
      ws.send(serializeAgentMessage(message));
    },
    sendRaw: (data, binary = false) => {
      ws.send(data, { binary });
    },
    take: async <T extends HubMessageType>(type: T, timeoutMs = DEADLINE_MS) => {
      const find = (): number => received.findIndex((message, i) => message.type === type && !taken.has(i));
      await events.until(
        () => find() !== -1 || closedWith !== undefined || invalid.length > 0,
        `a ${type} message (got ${received.map((m) => m.type).join(', ') || 'none'})`,
        timeoutMs,
      );
      const index = find();
      if (invalid.length > 0)
        throw new Error(`the hub sent a frame its schema refuses: ${invalid.join('; ')}`);
      if (index === -1) throw new Error(`the link closed (${closedWith?.code}) before a ${type} message`);
      taken.add(index);
      return received[index] as HubMessageOf<T>;
    },
    highestAck: (epoch) => acks.get(epoch) ?? 0,
    roundTrip: async (timeoutMs = DEADLINE_MS) => {
      let pongs = 0;
      const counted = (): void => {
        pongs += 1;
        events.wake();
      };
      ws.on('pong', counted);
      ws.ping();
      try {
        await events.until(() => pongs > 0 || closedWith !== undefined, 'a pong', timeoutMs);
      } finally {
        ws.off('pong', counted);
      }
      if (pongs === 0) throw new Error(`the link closed (${closedWith?.code}) before a pong`);
    },
    acked: async (epoch, seq, timeoutMs = DEADLINE_MS) => {
      await events.until(
        () => (acks.get(epoch) ?? 0) >= seq || closedWith !== undefined || invalid.length > 0,
        `an ack of seq ${seq}`,
        timeoutMs,
      );
      if (invalid.length > 0)
        throw new Error(`the hub sent a frame its schema refuses: ${invalid.join('; ')}`);
      if ((acks.get(epoch) ?? 0) < seq)
        throw new Error(`the link closed (${closedWith?.code}) before ack ${seq}`);
    },
    closed,
    close: () => {
      ws.close();
    },
    terminate: () => {
      ws.terminate();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      resolve(link);
    });
    ws.once('unexpected-response', (_request, response) => {
      reject(new Error(`the upgrade was answered with HTTP ${response.statusCode}`));
    });
    ws.once('error', reject);
  });
}

export const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' };
export const SERVICE = { group: '', version: 'v1', kind: 'Service', namespace: 'web', name: 'api' };

/** One agent process: an epoch, and its messages numbered in the order they are made. */
export interface AgentSession {
  readonly epoch: string;
  readonly clusterUid: string;
  /** The seq the next message will take. */
  readonly nextSeq: number;
  hello(options?: { snapshotDigest?: string; protocols?: number[] }): AgentMessageOf<'hello'>;
  heartbeat(): AgentMessageOf<'heartbeat'>;
  event(message?: string): AgentMessageOf<'event'>;
  syncReport(syncId: string, revision?: string): AgentMessageOf<'syncReport'>;
  snapshot(
    snapshotId: string,
    digest: string,
    chunk: number,
    chunks: number,
    resources: ResourceSummary[],
  ): AgentMessageOf<'snapshot'>;
  delta(
    snapshotId: string,
    upserts: ResourceSummary[],
    removals: ResourceSummary['ref'][],
    digest?: string,
  ): AgentMessageOf<'delta'>;
  drift(action: 'healed' | 'reported' | 'ignored', gone?: boolean): AgentMessageOf<'drift'>;
}

export function agentSession(clusterUid: string, epoch: string = randomUUID()): AgentSession {
  let seq = 0;
  const next = (): number => (seq += 1);
  const at = (): string => new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString();
  return {
    epoch,
    clusterUid,
    get nextSeq() {
      return seq + 1;
    },
    hello: (options = {}) => ({
      v: 1,
      type: 'hello',
      epoch,
      seq: next(),
      body: {
        clusterUid,
        agentVersion: '0.1.0',
        kubernetesVersion: 'v1.30.2',
        source: { repo: 'https://git.example/fleet.git', ref: 'main', path: 'clusters/c1' },
        protocols: options.protocols ?? [1],
        ...(options.snapshotDigest === undefined ? {} : { snapshotDigest: options.snapshotDigest }),
      },
    }),
    heartbeat: () => ({ v: 1, type: 'heartbeat', epoch, seq: next(), body: { at: at() } }),
    event: (message) => {
      const n = next();
      return {
        v: 1,
        type: 'event',
        epoch,
        seq: n,
        body: { reason: 'Synced', type: 'Normal', message: message ?? `seq ${n}`, at: at() },
      };
    },
    syncReport: (syncId, revision = `rev-${syncId}`) => ({
      v: 1,
      type: 'syncReport',
      epoch,
      seq: next(),
      body: {
        syncId,
        revision,
        commitTime: '2025-01-01T00:00:00Z',
        startedAt: at(),
        durationMs: 1200,
        result: 'applied',
        health: { status: 'Current', message: 'all current' },
        counts: { created: 1, configured: 0, unchanged: 3, deleted: 0, failed: 0 },
        errors: [],
        changes: [{ ref: DEPLOYMENT, action: 'created' }],
        timings: { fetch: 10, apply: 100 },
      },
    }),
    snapshot: (snapshotId, digest, chunk, chunks, resources) => ({
      v: 1,
      type: 'snapshot',
      epoch,
      seq: next(),
      body: { snapshotId, digest, chunk, chunks, resources },
    }),
    delta: (snapshotId, upserts, removals, digest) => ({
      v: 1,
      type: 'delta',
      epoch,
      seq: next(),
      body: { snapshotId, upserts, removals, ...(digest === undefined ? {} : { digest }) },
    }),
    drift: (action, gone = false) => ({
      v: 1,
      type: 'drift',
      epoch,
      seq: next(),
      body: {
        ref: DEPLOYMENT,
        fields: gone ? [] : [{ path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] }],
        action,
        at: at(),
      },
    }),
  };
}
