// Ctrl-C while the fleet is starting: HubFleet.start has not answered yet, so there is no fleet to
// destroy, but the hub and the agent it started are this process's children. They are stopped by PID
// (SIGTERM, then waited for), and the hub's data directory, named by its `--data-dir`, is removed.
import { existsSync, rmSync } from 'node:fs';
import { waitFor } from '../../test/harness/src/index.ts';
import { childPids, commandLine } from '../agent-proc.ts';

const HUB_MAIN = /hub\/src\/main\.ts$/;

export async function stopChildren(): Promise<void> {
  const pids = childPids(process.pid);
  const dataDirs: string[] = [];
  for (const pid of pids) {
    try {
      const argv = commandLine(pid);
      const flag = argv.indexOf('--data-dir');
      const dataDir = flag === -1 ? undefined : argv[flag + 1];
      if (argv.some((arg) => HUB_MAIN.test(arg)) && dataDir !== undefined) dataDirs.push(dataDir);
      process.kill(pid, 'SIGTERM');
    } catch {
      // It ended while we looked.
    }
  }
  await waitFor(() => pids.every((pid) => !existsSync(`/proc/${String(pid)}`)), {
    what: `our child processes ${pids.join(', ')} to exit`,
    timeoutMs: 15_000,
    intervalMs: 100,
  }).catch(() => {
    process.stderr.write(`warning: child processes still running: ${pids.join(', ')}\n`);
  });
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
