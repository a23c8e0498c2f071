// The agent's own timing of its Git fetches, from its /metrics (`ferry_git_fetch_duration_seconds`
// _sum and _count): read before and after a run, the difference is the run's fetch when the count grew
// by one. The log says when a sync started and ended; only the metrics split out the fetch.
export interface FetchTotals {
  readonly seconds: number;
  readonly count: number;
}

const sample = (text: string, name: string): number => {
  const match = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, 'm').exec(text);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
};

/** The fetch histogram's sum and count, from the agent's observability port on this machine. */
export async function fetchTotals(port: number): Promise<FetchTotals> {
  const url = `http://127.0.0.1:${String(port)}/metrics`;
  const answer = await fetch(url);
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`GET ${url}: ${answer.status}: ${text.slice(0, 200)}`);
  return {
    seconds: sample(text, 'ferry_git_fetch_duration_seconds_sum'),
    count: sample(text, 'ferry_git_fetch_duration_seconds_count'),
  };
}

/** The one fetch between two readings, in ms; NaN when there was none or more than one. */
export function oneFetchMs(before: FetchTotals, after: FetchTotals): number {
  return after.count - before.count === 1 ? (after.seconds - before.seconds) * 1000 : Number.NaN;
}
