// Daemons the harness starts: detached, stdin from /dev/null, output to a log file, a PID file,
// and stopped by PID only after /proc/PID/cmdline confirms it is still the process we started.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { HarnessError } from './errors.ts';

export interface DaemonSpec {
  /** For messages: "kube-apiserver of c1". */
  readonly what: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly pidFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface Daemon {
  readonly pid: number;
  readonly what: string;
  readonly logFile: string;
  /** Substrings that /proc/PID/cmdline must contain before the harness signals this PID. */
  readonly marks: readonly string[];
}

export async function startDaemon(spec: DaemonSpec, marks: readonly string[]): Promise<Daemon> {
  if (spec.command.includes('/') && !existsSync(spec.command)) {
    throw new HarnessError('missing-binary', `cannot start ${spec.what}: ${spec.command} does not exist`);
  }
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: spec.env ?? process.env,
      cwd: spec.cwd,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new HarnessError(
            error.code === 'ENOENT' ? 'missing-binary' : 'process-exited',
            `cannot start ${spec.what}: ${spec.command}: ${error.message}`,
            { cause: error },
          ),
        );
      });
      child.once('spawn', () => {
        resolve(child.pid ?? -1);
      });
    });
    child.unref();
    writeFileSync(spec.pidFile, `${pid}\n`);
    return { pid, what: spec.what, logFile: spec.logFile, marks };
  } finally {
    closeSync(log);
  }
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** True when pid is alive and its command line still carries every mark. */
export function isOurs(daemon: Pick<Daemon, 'pid' | 'marks'>): boolean {
  const line = cmdline(daemon.pid);
  return line !== undefined && isAlive(daemon.pid) && daemon.marks.every((mark) => line.includes(mark));
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Does nothing if the PID is gone or is not ours any more. */
export async function stopDaemon(daemon: Pick<Daemon, 'pid' | 'marks'>, graceMs = 10_000): Promise<void> {
  if (!isOurs(daemon)) return;
  signal(daemon.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(daemon.pid) && Date.now() < deadline) await delay(50);
  if (isAlive(daemon.pid)) {
    signal(daemon.pid, 'SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (isAlive(daemon.pid) && Date.now() < killDeadline) await delay(20);
  }
}

/** For process 'exit' handlers, where nothing asynchronous runs: SIGKILL at once. */
export function killDaemonSync(daemon: Pick<Daemon, 'pid' | 'marks'>): void {
  if (isOurs(daemon)) signal(daemon.pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 25): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/** Fails fast when a daemon that should be becoming ready has died. */
export function assertRunning(daemon: Daemon): void {
  if (!isAlive(daemon.pid)) {
    const tail = logTail(daemon.logFile);
    const code = /address already in use/i.test(tail) ? 'port-in-use' : 'process-exited';
    const port = /listen tcp [^:]*:(\d+): bind: address already in use/i.exec(tail)?.[1];
    throw new HarnessError(
      code,
      code === 'port-in-use'
        ? `${daemon.what} could not listen: port ${port ?? '(see log)'} is in use`
        : `${daemon.what} (pid ${daemon.pid}) exited before it was ready`,
      { logTail: tail },
    );
  }
}
