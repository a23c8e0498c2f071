// What the agent channel's two threads tell each other. The main thread holds the sockets (and the
// HTTP API beside them); the ingest thread (ingest-worker.ts) reads what agents send, commits it and
// says what to send back. Everything here crosses a MessagePort by structured clone: plain data only.
import type { LogLevel } from '@ferry/shared';
import type { CloseCode } from '@ferry/shared/protocol';
import type { StoreLimits } from '../store/index.ts';
import type { HelloSource } from './connection.ts';
import type { ResolvedOptions } from './options.ts';

/** The main thread's words: a link's frames in their order, its end, a store change, the shutdown. */
export type IngestCommand =
  /** A link authenticated as `cluster`; `text` is its first frame, which must be its hello. */
  | {
      readonly type: 'hello';
      readonly link: number;
      readonly cluster: string;
      readonly credentialDigest: string;
      readonly text: string;
    }
  /** A later frame of the link (UTF-8 JSON text), and whether it ended a silence of the link. */
  | {
      readonly type: 'frame';
      readonly link: number;
      readonly data: Uint8Array;
      readonly afterSilence: boolean;
    }
  /** The link has closed: nothing more is read or acked on it. */
  | { readonly type: 'ended'; readonly link: number }
  /** The main thread wrote clusters' rows itself (a cluster deleted): the ingest's row digests go. */
  | { readonly type: 'forget-digests' }
  /** Shutdown: commit and sync what is queued, tell every link, then answer `closed`. */
  | { readonly type: 'close' };

/** The ingest thread's words: what to send on a link, a link's opening or end, and the rest. */
export type IngestEvent =
  /** The link's hello was accepted: it is now its cluster's (sends for it follow). */
  | {
      readonly type: 'opened';
      readonly link: number;
      readonly epoch: string;
      readonly source: HelloSource;
      /** For the log line 'agent connected'. */
      readonly fields: Readonly<Record<string, unknown>>;
    }
  /** Send this text (a hub message, serialized and checked) on the link. */
  | { readonly type: 'send'; readonly link: number; readonly text: string }
  /** End the link with this close code. */
  | {
      readonly type: 'end';
      readonly link: number;
      readonly code: CloseCode;
      readonly reason: string;
      readonly level: 'warn' | 'error' | 'info';
      readonly detail?: string;
    }
  /** Whether the ingest is over its high-water marks (the main thread stops reading links that send). */
  | { readonly type: 'pressure'; readonly high: boolean }
  /** These bytes of frames were taken in (the main thread counts what is still on its way). */
  | { readonly type: 'taken'; readonly bytes: number }
  /** A commit stored these clusters' batches (the live event stream re-reads them). */
  | { readonly type: 'committed'; readonly clusters: readonly string[] }
  | {
      readonly type: 'log';
      readonly level: LogLevel;
      readonly msg: string;
      readonly fields: Readonly<Record<string, unknown>>;
    }
  /** The thread has its store open and takes commands (its first event). */
  | { readonly type: 'ready' }
  /** The answer to `close`: every link has been told what is stored. */
  | { readonly type: 'closed' };

/** What the ingest thread is started with: the store's file and limits, and the channel's options it uses. */
export type IngestSetup = Pick<
  ResolvedOptions,
  | 'limits'
  | 'flushIntervalMs'
  | 'flushMaxRecords'
  | 'flushMaxWeight'
  | 'flushTargetMs'
  | 'highWaterRecords'
  | 'highWaterBytes'
  | 'highWaterWeight'
  | 'snapshotRequestsOut'
> & {
  readonly dbPath: string;
  readonly storeLimits: StoreLimits;
  /** The main thread's log level: lines below it are not sent over. */
  readonly logLevel: LogLevel;
};
