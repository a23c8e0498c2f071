// Refresh hints from the hub, rate-limited: at most one fetch per `refreshMinIntervalSeconds` (the
// welcome's limit). A hint that comes too soon is not lost: it becomes one fetch at the end of the
// interval (a second push a few seconds after the first is applied then, not at the next poll), and
// further hints before that fetch fold into it (counted). A hint only asks for a fetch of what the
// agent's own GitSync names, so folding hints together loses nothing.

export type HintDecision =
  | { readonly act: 'now' }
  /** Fetch in `inMs`: the end of the interval. */
  | { readonly act: 'later'; readonly inMs: number }
  /** A fetch is already due at or after this hint's arrival: this hint is part of it. */
  | { readonly act: 'merged' };

export class HintLimiter {
  #minIntervalMs: number;
  /** When the last fetch this limiter asked for happens (or happened). */
  #lastAt: number | undefined;
  #merged = 0;

  constructor(minIntervalMs: number) {
    this.#minIntervalMs = minIntervalMs;
  }

  /** The welcome of a new connection may name another interval. */
  set minIntervalMs(ms: number) {
    this.#minIntervalMs = ms;
  }

  /** Hints folded into a fetch already asked for. */
  get dropped(): number {
    return this.#merged;
  }

  /** What to do with the hint arriving at `now`. */
  accept(now: number): HintDecision {
    if (this.#lastAt !== undefined && this.#lastAt >= now) {
      this.#merged++;
      return { act: 'merged' };
    }
    const next = this.#lastAt === undefined ? now : this.#lastAt + this.#minIntervalMs;
    if (now >= next) {
      this.#lastAt = now;
      return { act: 'now' };
    }
    this.#lastAt = next;
    return { act: 'later', inMs: next - now };
  }
}
