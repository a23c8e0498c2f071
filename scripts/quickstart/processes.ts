// The processes the quick start starts itself (the hub, and the agent in --kubeconfig mode), known by
// PID and start time (/proc/PID/stat), so that a PID reused by another program is never signalled.
// The record file lists them (and the in-cluster agent) for the next run, should this one be killed.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface ProcessRef {
  readonly pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks after boot. */
  readonly startTime: string;
  /** For messages: "hub", "agent". */
  readonly what: string;
}

function stat(pid: number): { readonly state: string; readonly startTime: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

export function refOf(pid: number, what: string): ProcessRef {
  return { pid, startTime: stat(pid)?.startTime ?? '', what };
}

/** Alive (not a zombie) and still the process that was started. */
export function isRunning(ref: ProcessRef): boolean {
  const now = stat(ref.pid);
  return now !== undefined && now.state !== 'Z' && now.state !== 'X' && now.startTime === ref.startTime;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM, up to graceMs, then SIGKILL; answers whether it was running. */
export async function stopProcess(ref: ProcessRef, graceMs: number): Promise<boolean> {
  if (!isRunning(ref)) return false;
  signal(ref.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(ref) && Date.now() < deadline) await delay(50);
  if (isRunning(ref)) {
    signal(ref.pid, 'SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (isRunning(ref) && Date.now() < killDeadline) await delay(20);
  }
  return true;
}

/** For 'exit' handlers, where nothing asynchronous runs. */
export function killSync(ref: ProcessRef): void {
  if (isRunning(ref)) signal(ref.pid, 'SIGKILL');
}

export interface DetachedSpec {
  readonly what: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly logFile: string;
}

export interface DetachedProcess {
  readonly ref: ProcessRef;
  /** Resolves with the exit code (null after a signal) when the process ends. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts a process in its own process group (a Ctrl-C on the terminal reaches the quick start, which
 * stops it in order), output appended to logFile.
 */
export async function startDetached(spec: DetachedSpec): Promise<DetachedProcess> {
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ['ignore', log, log],
      env: spec.env,
      cwd: spec.cwd,
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        resolve(code);
      });
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => {
        reject(
          new Error(`cannot start the ${spec.what} (${spec.command}): ${error.message}`, { cause: error }),
        );
      });
      child.once('spawn', () => {
        resolve(child.pid ?? -1);
      });
    });
    child.unref();
    return { ref: refOf(pid, spec.what), exited };
  } finally {
    closeSync(log);
  }
}

/** The record file: what a run started, read by the next run. */
export function writeRecord(file: string, refs: readonly ProcessRef[]): void {
  writeFileSync(file, `${JSON.stringify({ processes: refs }, null, 2)}\n`);
}

export function readRecord(file: string): ProcessRef[] {
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { processes?: ProcessRef[] };
    return parsed.processes ?? [];
  } catch {
    return [];
  }
}

/** The last bytes of a log file, for error messages. */
export function logTail(file: string, bytes = 3000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-bytes).trimEnd();
  } catch {
    return `(no log at ${file})`;
  }
}
