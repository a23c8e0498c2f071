#!/usr/bin/env node
// ferry: the CLI's entry point (bin `ferry` → dist/cli/main.js; from source:
// node --import tsx --conditions=@ferry/source hub/src/cli/main.ts).
import { homedir } from 'node:os';
import type { CliIo } from './exit-codes.ts';
import { runFerry } from './ferry.ts';

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin,
  now: () => new Date(),
  home: homedir(),
  stdoutIsTty: process.stdout.isTTY,
  interrupt: () => {
    const controller = new AbortController();
    const stop = (): void => {
      controller.abort();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return controller.signal;
  },
};

process.exitCode = await runFerry(process.argv.slice(2), io);
