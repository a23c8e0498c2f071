// Where the recovered agent's time went, from its own JSON log: the first time it logged each step of
// its start and first sync (epoch ms, the log's clock being the machine's).
import { readFileSync } from 'node:fs';

/** The steps, in the order an agent goes through them, and the log message that marks each. */
export const AGENT_MARKS = {
  started: (msg: string) => msg === 'agent started',
  gitSyncCreated: (msg: string) => msg.startsWith('bootstrap: GitSync'),
  leaseAcquired: (msg: string) => msg.startsWith('lease acquired'),
  syncStarted: (msg: string) => msg === 'sync started',
  /** The first sync that ended ready. */
  syncEnded: (msg: string) => msg === 'sync done' || msg.startsWith('sync failed'),
  enrolled: (msg: string) => msg === 'enrolled with the hub',
  connected: (msg: string) => msg === 'connected to the hub',
} as const;

export type AgentMark = keyof typeof AGENT_MARKS;

export interface AgentMarks {
  readonly at: Partial<Record<AgentMark, number>>;
  /** Syncs that failed before the first that ended ready (a missing credential, say). */
  readonly failedSyncs: number;
}

interface LogLine {
  readonly time?: string;
  readonly msg?: string;
  readonly phase?: string;
}

export function agentMarks(logFile: string): AgentMarks {
  const at: Partial<Record<AgentMark, number>> = {};
  let failedSyncs = 0;
  for (const text of readFileSync(logFile, 'utf8').split('\n')) {
    if (!text.startsWith('{')) continue;
    const line = JSON.parse(text) as LogLine;
    const msg = line.msg ?? '';
    const time = Date.parse(line.time ?? '');
    for (const [mark, matches] of Object.entries(AGENT_MARKS) as [AgentMark, (msg: string) => boolean][]) {
      if (!matches(msg) || at[mark] !== undefined) continue;
      // The first sync that ended ready; those that failed before it are counted.
      if (mark === 'syncEnded' && line.phase !== 'ready') failedSyncs += 1;
      else at[mark] = time;
    }
  }
  return { at, failedSyncs };
}
