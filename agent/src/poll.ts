// Waiting on a condition with a deadline: check at once, then again after 50 ms, doubling up to 1 s
// between checks. Answers the condition's value, or undefined when the deadline passed or the signal
// (the agent stopping) aborted the wait.
/** Read through a call: the signal may have aborted during the wait, which narrowing cannot see. */
const stopped = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  options: { readonly beforeRetry?: () => void; readonly signal?: AbortSignal } = {},
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  const { signal } = options;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline || signal?.aborted === true) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    if (stopped(signal)) return undefined;
    options.beforeRetry?.();
  }
}
