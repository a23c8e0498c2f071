// Health: the one vocabulary in which Ferry says whether live objects have become what Git asks for.
// The five statuses are kstatus' (kubernetes-sigs/cli-utils pkg/kstatus/status), so they mean what they
// mean there; the agent judges one object at a time and rolls many up into one, worst first.

export const HEALTH_STATUSES = ['Current', 'InProgress', 'Failed', 'Terminating', 'Unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface Health {
  readonly status: HealthStatus;
  /**
   * What is still awaited ("2 of 3 replicas updated", "waiting for 1 of 2 replicas to be available"),
   * why it failed ("Job has reached the specified backoff limit"), or what Current rests on.
   */
  readonly message: string;
}

/**
 * Worst first. Rolling up many healths into one follows kstatus' aggregation rules (cli-utils
 * `aggregator.AggregateStatus`), with Terminating given its own place instead of counting as InProgress:
 *
 * 1. If any is Failed, the whole is Failed: a failure does not heal by waiting.
 * 2. Otherwise, if any is Unknown, the whole is Unknown: an object we cannot judge may be failing, so
 *    we claim neither progress nor success over it.
 * 3. Otherwise, if any is Terminating, the whole is Terminating: an object Git wants is going away,
 *    which is further from Current than converging and may hang on a finalizer.
 * 4. Otherwise, if any is InProgress, the whole is InProgress.
 * 5. Otherwise (all Current, or nothing at all) the whole is Current.
 */
export const HEALTH_WORST_FIRST: readonly HealthStatus[] = [
  'Failed',
  'Unknown',
  'Terminating',
  'InProgress',
  'Current',
];

export function isHealthStatus(value: unknown): value is HealthStatus {
  return typeof value === 'string' && (HEALTH_STATUSES as readonly string[]).includes(value);
}

/** True when `a` is strictly worse than `b` in the worst-first order. */
export function isWorse(a: HealthStatus, b: HealthStatus): boolean {
  return HEALTH_WORST_FIRST.indexOf(a) < HEALTH_WORST_FIRST.indexOf(b);
}

/**
 * The worse of two (a Health, or anything carrying a status, such as an entry that also names its
 * object); on a tie, the first, so that a rollup reports the earliest of equally bad objects.
 */
export function worstOf<T extends { readonly status: HealthStatus }>(a: T, b: T): T {
  return isWorse(b.status, a.status) ? b : a;
}

/** The rollup of many healths: the worst of them, message included; Current when there are none. */
export function rollUpHealth(healths: Iterable<Health>): Health {
  let worst: Health | undefined;
  for (const health of healths) worst = worst === undefined ? health : worstOf(worst, health);
  return worst ?? { status: 'Current', message: 'no objects to assess' };
}
