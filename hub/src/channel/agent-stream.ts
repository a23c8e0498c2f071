// The messages of one link after its hello: each checked for order (sequence.ts), counted in flight
// (unacked.ts), turned into a store record (to-record.ts) and queued for the next group commit; then,
// once committed, acked cumulatively, and a full snapshot asked for when the store needs one.
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type AgentMessage,
  type CloseCode,
  type HubMessage,
  type Limits,
} from '@ferry/shared/protocol';
import type { CommitQueue, QueueClient, QueueFailure, StoredOutcome } from './commit-queue.ts';
import { startSequence, takeSequence } from './sequence.ts';
import { toAgentRecord } from './to-record.ts';
import { createUnacked } from './unacked.ts';

export interface AgentStreamOptions {
  readonly cluster: string;
  readonly epoch: string;
  readonly helloSeq: number;
  /** The highest seq the store holds for the epoch, already acked right after the welcome. */
  readonly storedSeq: number;
  readonly limits: Limits;
  readonly queue: CommitQueue;
  /** Sends a hub message on the link; false when it is no longer open. */
  readonly send: (message: HubMessage) => boolean;
  /** Ends the link on a fault of the agent's (or of the store's, level 'error'). */
  readonly end: (code: CloseCode, reason: string, level?: 'warn' | 'error') => void;
}

export interface AgentStream {
  /** Handles one message after the hello; `afterSilence`: the link had been silent a while before it. */
  receive(message: AgentMessage, bytes: number, afterSilence?: boolean): void;
  requestSnapshot(): void;
  /** The link ended: later commits are not acked on it. */
  close(): void;
}

export function createAgentStream(options: AgentStreamOptions): AgentStream {
  const { cluster, epoch, limits, queue, send, end } = options;
  const sequence = startSequence(epoch, options.helloSeq);
  const unacked = createUnacked();
  let lastAck = options.storedSeq;
  let snapshotRequested = false;
  let open = true;

  const requestSnapshot = (): void => {
    if (send({ v: PROTOCOL_VERSION, type: 'snapshotRequest', body: {} })) snapshotRequested = true;
  };

  const client: QueueClient = {
    cluster,
    epoch,
    stored: (outcome: StoredOutcome) => {
      if (!open) return;
      if (outcome.seq > 0 && outcome.seq >= lastAck) {
        lastAck = outcome.seq;
        unacked.ackedUpTo(outcome.seq);
        send({ v: PROTOCOL_VERSION, type: 'ack', body: { epoch, seq: outcome.seq } });
      }
      if (outcome.snapshotCompleted) snapshotRequested = false;
      // An abandoned snapshot is always asked again; a delta on an unknown one only if none is asked yet.
      if (outcome.snapshotAbandoned || (outcome.snapshotNeeded && !snapshotRequested)) requestSnapshot();
    },
    failed: (failure: QueueFailure) => {
      if (!open) return;
      if (failure === 'unknown-cluster') end(CLOSE_CODES.unauthorized, `cluster ${cluster} no longer exists`);
      else end(CLOSE_CODES.shutdown, 'the hub could not store messages: reconnect and resend', 'error');
    },
  };

  const receive = (message: AgentMessage, bytes: number, afterSilence = true): void => {
    if (message.type === 'hello') {
      end(CLOSE_CODES.invalidMessage, 'type: a second hello on an open connection');
      return;
    }
    const check = takeSequence(sequence, message);
    if (!check.ok) {
      end(CLOSE_CODES.invalidMessage, check.reason);
      return;
    }
    const mapped = toAgentRecord(message);
    if (mapped.kind === 'invalid') {
      end(CLOSE_CODES.invalidMessage, `${mapped.path}: ${mapped.reason}`);
      return;
    }
    if (mapped.kind === 'heard') {
      queue.push(client, undefined, bytes, afterSilence);
      return;
    }
    // A resend of what this link already acked (the ack after the welcome crossed it) is stored once
    // and acked again, but is not in flight: the agent has been told it is stored.
    if (message.seq <= lastAck) {
      queue.push(client, mapped.record, bytes, afterSilence);
      return;
    }
    if (unacked.count >= limits.maxUnacked) {
      end(
        CLOSE_CODES.backpressure,
        `seq: ${message.seq} is over ${limits.maxUnacked} messages in flight unacked`,
      );
      return;
    }
    unacked.add(message.seq);
    queue.push(client, mapped.record, bytes, afterSilence);
  };

  return {
    receive,
    requestSnapshot,
    close: () => {
      open = false;
    },
  };
}
