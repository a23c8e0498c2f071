// For the channel's crash test: a hub process that is nothing but the agent channel on a real store,
// to be killed with SIGKILL while an agent streams to it. Usage:
//   node --import tsx --conditions=@ferry/source crash-hub.ts DB
// It prints `port N` once it listens on 127.0.0.1, and stops by itself after a while if nobody kills it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SILENT_LOGGER } from '@ferry/shared';
import { openStore } from '../store/index.ts';
import { createChannel } from './channel.ts';

/** Nothing is pruned during the test: every stored record stays to be counted. */
const CRASH_STORE_LIMITS = {
  historyPerCluster: 1_000_000,
  eventsPerCluster: 1_000_000,
  driftPerCluster: 1_000_000,
};

const MAX_RUN_MS = 120_000;

function main(argv: string[]): void {
  const [path] = argv;
  if (path === undefined) {
    process.stderr.write('usage: crash-hub.ts DB\n');
    process.exitCode = 2;
    return;
  }
  const store = openStore({ path, limits: CRASH_STORE_LIMITS });
  const channel = createChannel({ store, now: () => new Date(), log: SILENT_LOGGER });
  const server = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  server.on('upgrade', (request, socket, head) => {
    channel.handleUpgrade(request, socket, head);
  });
  void channel.ready().then(() => {
    server.listen(0, '127.0.0.1', () => {
      process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
    });
  });
  setTimeout(() => {
    void channel.close().then(() => {
      server.close();
      store.close();
    });
  }, MAX_RUN_MS).unref();
}

main(process.argv.slice(2));
