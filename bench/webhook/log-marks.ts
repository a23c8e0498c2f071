// Where a run's time went, as the hub's and the agent's JSON logs tell it: the hub's "webhook relayed"
// (the hints are sent), the agent's "refresh hint: fetching now" (or deferred to the end of its rate limit), its "sync
// started" and "sync done". Each log is read from a byte offset taken before the run, so only the run's
// own lines count. Times are the lines' `time` (ms since the epoch; one machine, one clock).
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface LogLine {
  readonly time: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface AgentMarks {
  /** The refresh hint acted on. */
  readonly hintAt: number | undefined;
  /** Hints the agent deferred (or folded into a deferred fetch) as too soon after the last one (10 s by default). */
  readonly hintsDropped: number;
  readonly syncStartedAt: number | undefined;
  readonly syncTrigger: string | undefined;
  readonly syncDoneAt: number | undefined;
  /** The agent's own timing of the sync: fetch → render → plan → apply → prune. */
  readonly syncDurationMs: number | undefined;
  readonly syncPhase: string | undefined;
}

const isLogLine = (value: unknown): value is LogLine =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<LogLine>).msg === 'string' &&
  typeof (value as Partial<LogLine>).time === 'string';

/** The JSON lines of a log text; other lines (a stack trace, tsx's warnings) are skipped. */
export function parseLogLines(text: string): LogLine[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const parsed: unknown = JSON.parse(line);
      return isLogLine(parsed) ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

/** The file's size now: where a run's lines will start. */
export function logOffset(file: string): number {
  return statSync(file).size;
}

/** The log's text from byte `offset` on. */
export function textSince(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** The log's JSON lines from byte `offset` on. */
export function linesSince(file: string, offset: number): LogLine[] {
  return parseLogLines(textSince(file, offset));
}

const at = (line: LogLine | undefined): number | undefined =>
  line === undefined ? undefined : Date.parse(line.time);

/** The hub's "webhook relayed" among `lines`, when it logged one. */
export function relayedAt(lines: readonly LogLine[]): number | undefined {
  return at(lines.find((line) => line.msg === 'webhook relayed'));
}

/** The agent's marks among `lines`: its first sync after them with `trigger`, and the hints. */
export function agentMarks(lines: readonly LogLine[], trigger: string): AgentMarks {
  const started = lines.findIndex((line) => line.msg === 'sync started' && line.trigger === trigger);
  const done =
    started === -1
      ? undefined
      : lines
          .slice(started + 1)
          .find(
            (line) =>
              line.msg === 'sync done' ||
              line.msg.startsWith('sync failed') ||
              line.msg.startsWith('sync stopped'),
          );
  return {
    hintAt: at(lines.find((line) => line.msg === 'refresh hint: fetching now')),
    hintsDropped: lines.filter(
      (line) =>
        line.msg === 'refresh hint: fetching at the end of the rate limit' ||
        line.msg === 'refresh hint: part of a fetch already due',
    ).length,
    syncStartedAt: at(lines[started]),
    syncTrigger: started === -1 ? undefined : trigger,
    syncDoneAt: at(done),
    syncDurationMs: typeof done?.durationMs === 'number' ? done.durationMs : undefined,
    syncPhase: typeof done?.phase === 'string' ? done.phase : undefined,
  };
}
