// The fetch as the harness Git server saw it: its log has one line per request when the answer ended,
// `<ISO time> <METHOD> <path> <status> <N>ms` (N: time spent serving it, git http-backend included).
// A run's fetch is the requests for the repo that ended between the push and the sync's end.
import { textSince } from './log-marks.ts';

export interface GitRequest {
  readonly endedAt: number;
  readonly method: string;
  readonly path: string;
  readonly status: string;
  readonly ms: number;
}

export interface GitRequestTotals {
  readonly requests: number;
  /** Time the server spent on them, summed (they run one after the other). */
  readonly serverMs: number;
}

const LINE = /^(\S+) (\S+) (\S+) (\d+)(?: \(aborted\))? (\d+)ms$/;

/** The requests the log holds from byte `offset` on. */
export function gitRequestsSince(logFile: string, offset: number): GitRequest[] {
  return textSince(logFile, offset)
    .split('\n')
    .flatMap((line) => {
      const match = LINE.exec(line);
      if (match === null) return [];
      const [, time = '', method = '', path = '', status = '', ms = ''] = match;
      return [{ endedAt: Date.parse(time), method, path, status, ms: Number(ms) }];
    });
}

/** The upload-side requests (the agent's fetch) for `repo` that ended within [from, to]. */
export function fetchRequests(
  requests: readonly GitRequest[],
  repo: string,
  from: number,
  to: number,
): GitRequestTotals {
  const fetches = requests.filter(
    (r) =>
      r.path.startsWith(`/${repo}.git/`) &&
      !r.path.endsWith('/git-receive-pack') &&
      r.endedAt >= from &&
      r.endedAt <= to,
  );
  return { requests: fetches.length, serverMs: fetches.reduce((sum, r) => sum + r.ms, 0) };
}
