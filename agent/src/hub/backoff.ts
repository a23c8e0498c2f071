// How long to wait before the next connection attempt: capped exponential backoff with full jitter
// (a random wait between zero and the current ceiling, which doubles from `minMs` up to `maxMs`), so a
// fleet of agents that lost the hub at once does not come back at once. Pure; the caller sleeps.

export interface BackoffOptions {
  /** The first ceiling. */
  readonly minMs: number;
  /** The cap. */
  readonly maxMs: number;
  /** The least wait, so that full jitter never makes a hot loop. */
  readonly floorMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 1_000, maxMs: 60_000, floorMs: 100 };

export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  /** The current ceiling: minMs · 2^attempts, at most maxMs. */
  get ceilingMs(): number {
    return Math.min(this.#options.maxMs, this.#options.minMs * 2 ** Math.min(this.#attempt, 30));
  }

  /** The wait before the next attempt; each call raises the ceiling for the one after. */
  next(): number {
    const ceiling = this.ceilingMs;
    this.#attempt++;
    return Math.max(this.#options.floorMs, Math.floor(this.#random() * ceiling));
  }

  /** A connection that worked: start again from the first ceiling. */
  reset(): void {
    this.#attempt = 0;
  }

  /** A refusal that waiting will not fix soon (revoked credential, wrong cluster): go to the cap. */
  toCap(): void {
    while (this.ceilingMs < this.#options.maxMs) this.#attempt++;
  }
}
