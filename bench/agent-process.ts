// The agent under benchmark: the built `node agent/dist/main.js run` (what a cluster runs), started by
// the in-cluster runner from the installed Deployment (its ServiceAccount, env and mounts), and its
// JSON log read as it grows to know which syncs ran, why, and how long they took.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HarnessError,
  runInCluster,
  type Harness,
  type InClusterProcess,
} from '../test/harness/src/index.ts';
import { AGENT_NAMESPACE } from './agent-cluster.ts';
import { childPids, commandLine } from './agent-proc.ts';

export interface RunningAgent {
  readonly process: InClusterProcess;
  readonly pid: number;
  readonly logFile: string;
  /** Throws a HarnessError (which ends a waitFor at once) when the agent has exited. */
  assertRunning(): void;
  /** The last lines of its log, for a timeout's message. */
  logTail(): string;
}

/** Starts the built agent as a Pod of Deployment ferry-system/ferry-agent would run it. */
export async function startBuiltAgent(
  harness: Harness,
  cluster: string,
  repoRoot: string,
  workDir: string,
  nodeFlags: readonly string[] = [],
): Promise<RunningAgent> {
  const main = join(repoRoot, 'agent', 'dist', 'main.js');
  const agent = await runInCluster(harness, cluster, {
    namespace: AGENT_NAMESPACE,
    deployment: 'ferry-agent',
    command: [process.execPath, ...nodeFlags, main],
    // Port 0: other benchmarks and tests on the machine may hold 8080. The log level stays the
    // Deployment's (info).
    extraEnv: { FERRY_PORT: '0' },
    workDir,
    cwd: repoRoot,
    stopGraceMs: 30_000,
  });
  // The PID measured must be the agent itself, not a wrapper that starts it.
  const argv = commandLine(agent.pid);
  const expected = [process.execPath, ...nodeFlags, main, 'run'];
  if (argv.join(' ') !== expected.join(' ') || childPids(agent.pid).length > 0) {
    await agent.stop();
    throw new Error(`pid ${String(agent.pid)} is not the agent itself: ${argv.join(' ')}`);
  }
  let exit: string | undefined;
  void agent.exited.then((code) => {
    exit = code === null ? 'a signal' : `code ${String(code)}`;
  });
  const logTail = (): string => readFileSync(agent.logFile, 'utf8').slice(-4000);
  return {
    process: agent,
    pid: agent.pid,
    logFile: agent.logFile,
    assertRunning: () => {
      if (exit !== undefined)
        throw new HarnessError('process-exited', `the agent exited with ${exit}`, { logTail: logTail() });
    },
    logTail,
  };
}

export interface SyncLine {
  readonly trigger: string;
  /** 'ready', 'failed', …: the phase the sync ended in. */
  readonly phase: string;
  readonly durationMs: number;
  /** When the agent logged "sync started" for it (ms since the epoch). */
  readonly startedAt: number;
  readonly endedAt: number;
}

interface LogLine {
  readonly time?: string;
  readonly msg?: string;
  readonly trigger?: string;
  readonly phase?: string;
  readonly durationMs?: number;
}

/** The syncs the agent logged so far, in order ("sync started" … "sync done" / "sync failed: …"). */
export function loggedSyncs(logFile: string): SyncLine[] {
  const syncs: SyncLine[] = [];
  let startedAt = 0;
  for (const text of readFileSync(logFile, 'utf8').split('\n')) {
    if (!text.startsWith('{')) continue;
    const line = JSON.parse(text) as LogLine;
    const at = Date.parse(line.time ?? '');
    if (line.msg === 'sync started') startedAt = at;
    else if (line.msg === 'sync done' || line.msg?.startsWith('sync failed') === true)
      syncs.push({
        trigger: line.trigger ?? '?',
        phase: line.phase ?? '?',
        durationMs: line.durationMs ?? Number.NaN,
        startedAt,
        endedAt: at,
      });
  }
  return syncs;
}
