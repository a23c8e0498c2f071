// Waiting on a condition with a deadline: check at once, then again after 50 ms, doubling up to 1 s
// between checks. Answers the condition's value, or undefined when the deadline passed.
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  beforeRetry?: () => void,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
    beforeRetry?.();
  }
}
