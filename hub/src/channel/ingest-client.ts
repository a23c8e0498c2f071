// The main thread's side of the ingest thread (ingest-worker.ts): starts it, hands it each link's
// frames (gathered over a turn of the event loop and posted together, their bytes moved, not copied
// twice), and hands its events back to the channel. The main thread keeps the sockets and the HTTP API;
// what agents send is parsed, validated and committed on the ingest thread, so that neither the work nor
// the garbage of ingesting holds the API's requests.
import { Worker } from 'node:worker_threads';
import type { Logger } from '@ferry/shared';
import type { IngestCommand, IngestEvent, IngestSetup } from './ingest-messages.ts';

/** Bytes of frames posted to the ingest thread and not yet taken in, above which links are held. */
const IN_FLIGHT_HIGH_WATER = 4 * 1024 * 1024;

/**
 * How long handing the ingest thread's events to the links (mostly socket writes of acks) may hold the
 * main thread at a time before its I/O gets a turn, ms: a commit of thousands of heartbeats and deltas
 * comes back as one batch of acks, and written at once they held the API's requests.
 */
const DELIVER_SLICE_MS = 3;

export interface IngestClientDeps {
  readonly setup: IngestSetup;
  readonly log: Logger;
  /** Every event but pressure, taken and closed, in the order the ingest thread made them. */
  readonly onEvent: (
    event: Exclude<IngestEvent, { type: 'pressure' | 'taken' | 'ready' | 'closed' }>,
  ) => void;
  /** Back under the marks: the channel resumes the links it held. */
  readonly onBelow: () => void;
  /** The ingest thread died (a bug): every link must end, its agent reconnect. A new thread is started. */
  readonly onFailed: (error: unknown) => void;
}

export interface IngestClient {
  hello(link: number, cluster: string, credentialDigest: string, text: string): void;
  frame(link: number, data: Buffer | readonly Buffer[], afterSilence: boolean): void;
  ended(link: number): void;
  forgetDigests(): void;
  /** Over a mark: the ingest thread's (queue, frames waiting) or the bytes on their way to it. */
  readonly pressured: boolean;
  /** Resolves once the thread has its store open; rejects when it failed to start. */
  readonly ready: Promise<void>;
  /** Commits and acks what was sent, then stops the thread; resolves when it has (or after timeoutMs). */
  close(timeoutMs: number): Promise<void>;
}

/**
 * The worker thread, found beside this module (import.meta.url): built, ingest-worker.js; from source,
 * ingest-worker.ts under tsx, registered in the thread first (a worker does not get the parent's
 * --import tsx on Node 20), with the workspace's source condition for @ferry/shared.
 */
function spawnWorker(setup: IngestSetup): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./ingest-worker.js', self), { workerData: setup });
  const entry = new URL('./ingest-worker.ts', self).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, {
    eval: true,
    workerData: setup,
    execArgv: ['--conditions=@ferry/source'],
  });
}

function copyOf(data: Buffer | readonly Buffer[]): Uint8Array {
  const parts = Buffer.isBuffer(data) ? [data] : data;
  const size = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const copy = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    copy.set(part, at);
    at += part.byteLength;
  }
  return copy;
}

export function createIngestClient(deps: IngestClientDeps): IngestClient {
  const { setup, log } = deps;
  let worker = spawnWorker(setup);
  let outbox: IngestCommand[] = [];
  let transfer: ArrayBuffer[] = [];
  let posting: NodeJS.Immediate | undefined;
  let inFlight = 0;
  let workerHigh = false;
  let wasPressured = false;
  let onClosed: (() => void) | undefined;
  let stopped = false;
  let started = false;
  let markReady: () => void = () => undefined;
  let failStart: (error: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  // Whoever starts the hub awaits it; a channel that is only closed must not leave it unhandled.
  ready.catch(() => undefined);

  const pressured = (): boolean => workerHigh || inFlight > IN_FLIGHT_HIGH_WATER;
  const checkBelow = (): void => {
    const now = pressured();
    if (wasPressured && !now) deps.onBelow();
    wasPressured = now;
  };

  const post = (): void => {
    posting = undefined;
    if (outbox.length === 0) return;
    const commands = outbox;
    const buffers = transfer;
    outbox = [];
    transfer = [];
    worker.postMessage(commands, buffers);
  };
  const enqueue = (command: IngestCommand): void => {
    if (stopped) return;
    outbox.push(command);
    posting ??= setImmediate(post);
  };

  /** Events not yet handed over, oldest first, from `next` on. */
  let inbox: (IngestEvent | undefined)[] = [];
  let next = 0;
  let delivering: NodeJS.Immediate | undefined;
  const deliver = (): void => {
    delivering = undefined;
    const until = performance.now() + DELIVER_SLICE_MS;
    while (next < inbox.length) {
      const event = inbox[next];
      // Emptied as taken: a delivered event (and the text it holds) is garbage at once.
      inbox[next] = undefined;
      next += 1;
      if (event !== undefined) handle(event);
      if (performance.now() >= until && next < inbox.length) break;
    }
    if (next >= inbox.length) {
      inbox = [];
      next = 0;
    } else {
      delivering = setImmediate(deliver);
    }
  };
  const handle = (event: IngestEvent): void => {
    switch (event.type) {
      case 'pressure':
        workerHigh = event.high;
        checkBelow();
        break;
      case 'taken':
        inFlight -= event.bytes;
        checkBelow();
        break;
      case 'ready':
        started = true;
        markReady();
        break;
      case 'closed':
        onClosed?.();
        break;
      default:
        deps.onEvent(event);
    }
  };

  const attach = (current: Worker): void => {
    current.on('message', (events: readonly IngestEvent[]) => {
      // In their order, behind those still waiting, a slice of the loop at a time.
      for (const event of events) inbox.push(event);
      delivering ??= setImmediate(deliver);
    });
    const failed = (error: unknown): void => {
      // Once per thread (an 'error' is followed by its 'exit'), and not when it was told to stop.
      if (stopped || current !== worker) return;
      if (!started) {
        // Not started at all (its store would not open): no second try, the hub cannot ingest.
        stopped = true;
        failStart(error);
        return;
      }
      log.error('the ingest thread failed: ending every agent link, starting a new one', { error });
      inFlight = 0;
      workerHigh = false;
      outbox = [];
      transfer = [];
      inbox = [];
      next = 0;
      worker = spawnWorker(setup);
      attach(worker);
      deps.onFailed(error);
      checkBelow();
    };
    current.on('error', failed);
    current.on('exit', (code) => {
      failed(new Error(`the ingest thread exited with code ${String(code)}`));
    });
  };
  attach(worker);

  return {
    hello: (link, cluster, credentialDigest, text) => {
      enqueue({ type: 'hello', link, cluster, credentialDigest, text });
    },
    frame: (link, data, afterSilence) => {
      const copy = copyOf(data);
      inFlight += copy.byteLength;
      transfer.push(copy.buffer as ArrayBuffer);
      enqueue({ type: 'frame', link, data: copy, afterSilence });
      wasPressured ||= pressured();
    },
    ended: (link) => {
      enqueue({ type: 'ended', link });
    },
    forgetDigests: () => {
      enqueue({ type: 'forget-digests' });
    },
    get pressured() {
      return pressured();
    },
    ready,
    close: async (timeoutMs) => {
      if (stopped) return;
      const closed = new Promise<void>((resolve) => {
        onClosed = resolve;
      });
      enqueue({ type: 'close' });
      if (posting !== undefined) clearImmediate(posting);
      post();
      stopped = true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      const exited = new Promise<void>((resolve) => {
        worker.once('exit', () => {
          resolve();
        });
      });
      await Promise.race([closed.then(() => exited), late]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
