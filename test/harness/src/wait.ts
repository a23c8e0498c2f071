// Waiting on conditions with deadlines: never a bare sleep as synchronisation.
import { setTimeout as delay } from 'node:timers/promises';
import { HarnessError } from './errors.ts';

export interface WaitOptions {
  /** What is awaited, for the error message: "kube-apiserver of c1 to be ready". */
  readonly what: string;
  readonly timeoutMs: number;
  /** Poll interval; the condition is also checked at once. */
  readonly intervalMs?: number;
  /** Called when the deadline passes, to add context (a log tail) to the error. */
  readonly onTimeout?: () => { logTail?: string; detail?: string };
}

/**
 * Polls `check` until it returns a value other than undefined/false, and returns that value.
 * `check` may throw to abort early (a process that died will never become ready).
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof HarnessError) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const extra = options.onTimeout?.() ?? {};
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new HarnessError(
        'timeout',
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${extra.detail ? `: ${extra.detail}` : ''}${last}`,
        { cause: lastError, ...(extra.logTail !== undefined ? { logTail: extra.logTail } : {}) },
      );
    }
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}
