#!/usr/bin/env node
// ferry-agent: the agent's command line: the in-cluster agent (`run`) and its one-shot tools.
import { runRender } from './cli/render-command.ts';
import { runRun } from './cli/run-command.ts';
import { runSync } from './cli/sync-command.ts';
import { EXIT, type CliIo } from './cli/exit-codes.ts';

const USAGE = `usage: ferry-agent <command> [options]

commands:
  run       the agent: follows its GitSync, heals drift, serves /healthz, /readyz, /metrics
            (ferry-agent run --help)
  render    print the objects a repo path (or a local folder) renders to, or its errors
            (ferry-agent render --help)
  sync      apply a repo path to a cluster once: staged server-side apply, guarded prune
            (ferry-agent sync --help)`;

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runRun(rest, io);
    case 'render':
      return runRender(rest, io);
    case 'sync':
      return runSync(rest, io, process.stdout.isTTY);
    case undefined:
    case '-h':
    case '--help':
      io.stdout(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      io.stderr(`ferry-agent: unknown command ${command}\n${USAGE}\n`);
      return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ferry-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
