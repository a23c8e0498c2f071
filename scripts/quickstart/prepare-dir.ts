// Makes the state folder fresh: stops what a previous quick start in it left running (its record of
// PIDs, and the harness's own state.json), then empties it. Refuses a folder that holds anything else,
// so that a mistyped --dir never deletes someone's files.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from '../../test/harness/src/index.ts';
import { QuickstartError } from './errors.ts';
import type { StateLayout } from './layout.ts';
import { readRecord, stopProcess } from './processes.ts';

/** What a quick start (or `pnpm harness`) writes at the top of its folder. */
const OURS = new Set([
  'state.json',
  '.state.lock',
  'quickstart.json',
  'clusters',
  'git',
  'etcd',
  'hub',
  'agent',
  'ferry',
  'install-local.yaml',
  // A person's clone of the example repo (the first thing to try).
  'fleet',
]);

export interface PreparedDir {
  /** What a previous run had left running and was stopped: "hub (pid 123)". */
  readonly stoppedLeftovers: readonly string[];
}

export async function prepareDir(layout: StateLayout): Promise<PreparedDir> {
  const { dir } = layout;
  if (existsSync(dir)) {
    const strange = readdirSync(dir).filter((entry) => !OURS.has(entry));
    if (strange.length > 0)
      throw new QuickstartError(
        'bad-dir',
        `${dir} holds files a quick start did not make (${strange.slice(0, 5).join(', ')}): give --dir an empty or new folder`,
      );
  }
  const stopped: string[] = [];
  for (const ref of readRecord(layout.record))
    if (await stopProcess(ref, 15_000)) stopped.push(`${ref.what} (pid ${ref.pid})`);
  if (existsSync(join(dir, 'state.json'))) {
    const harness = Harness.open(dir);
    const running = harness.processes().length;
    await harness.down();
    if (running > 0) stopped.push(`the processes in ${join(dir, 'state.json')} (${running})`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { stoppedLeftovers: stopped };
}
