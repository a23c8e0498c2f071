// Waits until the hub shows the cluster Ready at Git's head: its agent connected, the head commit
// applied, and everything it applied Current (the Deployment's Pods ready). Gives up when the agent
// exits, when interrupted, or after the timeout, saying what the hub showed last.
import { setTimeout as delay } from 'node:timers/promises';
import { QuickstartError } from './errors.ts';
import { getCluster, isReadyAt, type ClusterView } from './hub-api.ts';
import { logTail } from './processes.ts';
import type { RunningAgent } from './start-agent.ts';
import type { RunningHub } from './start-hub.ts';

export interface WaitReadyOptions {
  readonly hub: RunningHub;
  readonly agent: RunningAgent;
  readonly cluster: string;
  /** Git's head now; asked again on each poll (a person may push meanwhile). */
  readonly head: () => Promise<string>;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Called with what the hub shows whenever that changes (for progress lines). */
  readonly onChange?: (shown: string) => void;
}

export interface Ready {
  readonly view: ClusterView;
  readonly sha: string;
  readonly seconds: number;
}

export function describe(view: ClusterView | undefined): string {
  if (view === undefined) return 'the hub did not answer';
  const sync =
    view.sync === null ? 'no sync yet' : `last sync ${view.sync.result} at ${view.sync.revision ?? '-'}`;
  const health = view.health === null ? 'no health yet' : `${view.health.status}: ${view.health.message}`;
  return `${view.state}, ${view.connected ? 'connected' : 'not connected'}, ${sync}, ${health}`;
}

export async function waitReady(options: WaitReadyOptions): Promise<Ready> {
  const started = Date.now();
  const seen = { exited: false };
  void options.agent.exited.then(() => {
    seen.exited = true;
  });
  let last: ClusterView | undefined;
  let said = '';
  for (;;) {
    const sha = await options.head();
    last = await getCluster(options.hub, options.cluster).catch(() => last);
    const shown = describe(last);
    if (shown !== said) options.onChange?.(shown);
    said = shown;
    if (isReadyAt(last, sha) && last !== undefined)
      return { view: last, sha, seconds: (Date.now() - started) / 1000 };
    if (seen.exited)
      throw new QuickstartError(
        'not-ready',
        `the agent exited; its log (${options.agent.logFile}):\n${logTail(options.agent.logFile)}`,
      );
    if (options.signal.aborted)
      throw new QuickstartError('interrupted', 'interrupted while waiting for the first sync');
    if (Date.now() - started > options.timeoutMs)
      throw new QuickstartError(
        'not-ready',
        `cluster ${options.cluster} was not Ready at ${sha.slice(0, 7)} within ${options.timeoutMs / 1000} s; ` +
          `the hub shows: ${describe(last)}.\nThe agent's log (${options.agent.logFile}):\n${logTail(options.agent.logFile)}`,
      );
    await delay(500);
  }
}
