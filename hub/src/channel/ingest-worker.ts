// The ingest thread's entry (started by ingest-client.ts): its own connection to the hub's store (the
// main thread's runs the checkpoints), the ingest core, and the port: commands in, in batches, and
// events out, gathered over each turn of this thread's work and posted together.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/index.ts';
import { createIngestCore } from './ingest-core.ts';
import type { IngestCommand, IngestEvent, IngestSetup } from './ingest-messages.ts';

const port = parentPort;
if (port === null) throw new Error('ingest-worker.ts runs as a worker thread');
const setup = workerData as IngestSetup;
const store = openStore({ path: setup.dbPath, limits: setup.storeLimits, checkpointer: 'elsewhere' });

let outbox: IngestEvent[] = [];
const flush = (): void => {
  if (outbox.length === 0) return;
  const events = outbox;
  outbox = [];
  port.postMessage(events);
};
const emit = (event: IngestEvent): void => {
  if (outbox.length === 0) queueMicrotask(flush);
  outbox.push(event);
};
const core = createIngestCore({ setup, store, now: () => new Date(), emit });
emit({ type: 'ready' });

port.on('message', (commands: readonly IngestCommand[]) => {
  // The frames are here now (waiting in the frame scheduler): off the main thread's count.
  let taken = 0;
  for (const command of commands) if (command.type === 'frame') taken += command.data.byteLength;
  if (taken > 0) emit({ type: 'taken', bytes: taken });
  for (const command of commands) {
    core.handle(command);
    if (command.type === 'close') {
      flush();
      store.close();
      port.close();
      return;
    }
  }
});
