// One clock for every time the recovery benchmark takes: milliseconds since the epoch from the
// monotonic clock, comparable with the agent's and the hub's log times (same machine).
export const now = (): number => performance.timeOrigin + performance.now();

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
