// The benchmark's idle replica of the hub's API (started by replica-proc.ts): the hub's own app
// (hub/src/api/app.ts) on the same store file, in a process that ingests nothing: no agent link, no
// event stream, no checkpoint (the hub's checkpointer keeps the WAL), no write. The probe's calls
// against it, made while the hub ingests, take what this machine alone adds to a call (a turn on the CPU
// beside the hub and the generator, the same SQLite reads): the floor under the hub's own numbers. The
// built hub's modules (hub/dist, as the hub process runs them; `pnpm bench:hub` builds first), typed
// from their sources. Served through app.fetch by hand (GET without a body is all the probe sends), so
// that the hub's server.ts stays the one importer of @hono/node-server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../shared/src/index.ts';
import type * as AppModule from '../../hub/src/api/app.ts';
import type * as StoreModule from '../../hub/src/store/index.ts';

const built = (path: string): string => new URL(`../../hub/dist/${path}`, import.meta.url).href;
const { createApp } = (await import(built('api/app.js'))) as typeof AppModule;
const { openStore } = (await import(built('store/index.js'))) as typeof StoreModule;

interface ReplicaConfig {
  readonly dbPath: string;
  readonly staleAfterSeconds: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ReplicaConfig;
const store = openStore({ path: config.dbPath, checkpointer: 'elsewhere' });
const app = createApp({
  store,
  // Connected to nothing: every cluster shows as disconnected, which the list computes the same way.
  channel: {
    isConnected: () => false,
    refresh: () => false,
    disconnect: () => false,
    following: () => [],
  },
  now: () => new Date(),
  renderInstall: () => {
    throw new Error('the benchmark replica renders no install manifest');
  },
  config: {
    publicUrl: 'http://127.0.0.1',
    staleAfterMs: config.staleAfterSeconds * 1000,
    startedAt: new Date(),
    enrollmentTtlMs: 60_000,
  },
  log: createLogger({
    level: 'error',
    write: (line) => {
      process.stderr.write(`replica: ${line}\n`);
    },
  }),
});

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const answer = await app.fetch(
    new Request(`http://127.0.0.1${request.url ?? '/'}`, { method: request.method ?? 'GET', headers }),
  );
  const body = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(body);
}

const server = createServer((request, response) => {
  serve(request, response).catch((error: unknown) => {
    process.stderr.write(`replica: ${error instanceof Error ? error.message : String(error)}\n`);
    response.writeHead(500).end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { readonly type?: string }) => {
  if (message.type !== 'stop') return;
  server.close(() => {
    store.close();
    process.exit(0);
  });
  server.closeAllConnections();
});
