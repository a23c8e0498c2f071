#!/usr/bin/env node
// ferry-hub: read the configuration, start the hub, print a new admin token once, stop on SIGTERM or
// SIGINT (agents are told 4000 and reconnect to the next hub process).
import { hostname } from 'node:os';
import { createLogger } from '@ferry/shared';
import { HUB_USAGE, parseHubConfig } from './config.ts';
import { startHub } from './server.ts';

async function main(): Promise<number> {
  const parsed = parseHubConfig(process.argv.slice(2), { env: process.env, hostname: hostname() });
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(`${HUB_USAGE}\n`);
      return 0;
    }
    process.stderr.write(`ferry-hub: ${parsed.errors.join('\nferry-hub: ')}\n${HUB_USAGE}\n`);
    return 2;
  }
  const { config } = parsed;
  const log = createLogger({
    level: config.logLevel,
    write: (line) => {
      process.stdout.write(`${line}\n`);
    },
    base: { component: 'ferry-hub' },
  });
  let hub;
  try {
    hub = await startHub(config, log);
  } catch (error) {
    log.error('the hub could not start', { error });
    return 1;
  }
  if (hub.newAdminToken !== undefined) {
    // Not a log line: the one time this token is shown, on the terminal of whoever started the hub.
    process.stderr.write(
      `\nferry-hub: created the admin API token "${hub.newAdminToken.name}" (shown once; store it now):\n\n` +
        `  ${hub.newAdminToken.token}\n\n  ferry login --hub ${config.publicUrl} --token <that token>\n\n`,
    );
  }
  log.info('hub listening', { url: hub.url, publicUrl: config.publicUrl, db: config.dbPath });
  const running = hub;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info(`${signal} received: closing agent links and the store`);
      resolve();
    };
    process.once('SIGTERM', () => {
      stop('SIGTERM');
    });
    process.once('SIGINT', () => {
      stop('SIGINT');
    });
  });
  await running.close();
  log.info('hub stopped');
  return 0;
}

process.exitCode = await main();
