// Stale is a matter of time: a cluster turns stale staleAfterMs after it was last heard, and not before
// the grace period after the hub's start has ended. No write happens when it does, so a timer must
// notice: it is armed for the earliest moment any tracked cluster crosses, and at that moment hands the
// clusters that crossed to onDue (which re-reads them). The clock and the timer are injected.
//
// The crossings are a keyed min-heap (min-heap.ts): firing takes the due ones from its top, O(due · log n)
// however many clusters are tracked, and moving or forgetting a crossing costs O(log n) (amortized).
import { createKeyedMinHeap } from './min-heap.ts';

export interface StaleRule {
  readonly staleAfterMs: number;
  /** When this hub process started (epoch ms): the grace period runs staleAfterMs from it. */
  readonly startedAtMs: number;
}

/**
 * When a cluster that is not stale now will be (epoch ms), as api/stale.ts decides it: last heard
 * before now − staleAfterMs, and the grace period over. undefined: never heard, or stale already.
 */
export function staleFrom(
  lastHeardMs: number | undefined,
  stale: boolean,
  rule: StaleRule,
): number | undefined {
  if (stale || lastHeardMs === undefined) return undefined;
  return Math.max(lastHeardMs + rule.staleAfterMs + 1, rule.startedAtMs + rule.staleAfterMs);
}

/** Starts a one-shot timer; returns its cancel. */
export type Schedule = (delayMs: number, fire: () => void) => () => void;

export interface StaleTimerOptions {
  readonly rule: StaleRule;
  readonly now: () => number;
  readonly schedule: Schedule;
  readonly onDue: (clusters: readonly string[]) => void;
}

export interface StaleTimer {
  /** What the view shows of a cluster now: when it was last heard, and whether it is stale. */
  track(name: string, lastHeardMs: number | undefined, stale: boolean): void;
  forget(name: string): void;
  /** When the timer fires next (epoch ms), if armed. */
  readonly dueAt: number | undefined;
  stop(): void;
}

/** How soon a cluster past its crossing that the view still shows fresh is looked at again. */
const RECHECK_MS = 1000;

/** The longest delay a Node timer takes; a longer one is re-armed when it fires. */
const MAX_DELAY_MS = 2_147_483_647;

export const nodeSchedule: Schedule = (delayMs, fire) => {
  const timer = setTimeout(fire, Math.min(Math.max(0, delayMs), MAX_DELAY_MS)).unref();
  return () => {
    clearTimeout(timer);
  };
};

export function createStaleTimer(options: StaleTimerOptions): StaleTimer {
  const { rule, now, schedule, onDue } = options;
  const crossing = createKeyedMinHeap<string>();
  let dueAt: number | undefined;
  let cancel: (() => void) | undefined;
  let stopped = false;

  const arm = (at: number): void => {
    if (stopped || (dueAt !== undefined && dueAt <= at)) return;
    cancel?.();
    dueAt = at;
    cancel = schedule(at - now(), fire);
  };

  function fire(): void {
    dueAt = undefined;
    cancel = undefined;
    const due = crossing.popUpTo(now());
    const next = crossing.least();
    if (next !== undefined) arm(next);
    if (due.length > 0) onDue(due);
  }

  return {
    track: (name, lastHeardMs, stale) => {
      const at = staleFrom(lastHeardMs, stale, rule);
      if (at === undefined) {
        crossing.delete(name);
        return;
      }
      // A view that says "not stale" past the crossing (a clock stepped back) is asked again later, not
      // at once: never a busy loop.
      const when = at <= now() ? now() + RECHECK_MS : at;
      crossing.set(name, when);
      arm(when);
    },
    forget: (name) => {
      crossing.delete(name);
    },
    get dueAt() {
      return dueAt;
    },
    stop: () => {
      stopped = true;
      cancel?.();
      cancel = undefined;
      dueAt = undefined;
    },
  };
}
