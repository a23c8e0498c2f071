// Refresh hints from the hub, rate-limited: at most one acted on per `refreshMinIntervalSeconds` (the
// welcome's limit); those in between are dropped and counted. A hint only asks for a fetch of what the
// agent's own GitSync names, so dropping one loses nothing the interval will not bring.

export class HintLimiter {
  #minIntervalMs: number;
  #lastAcceptedAt: number | undefined;
  #dropped = 0;

  constructor(minIntervalMs: number) {
    this.#minIntervalMs = minIntervalMs;
  }

  /** The welcome of a new connection may name another interval. */
  set minIntervalMs(ms: number) {
    this.#minIntervalMs = ms;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** True when the hint arriving at `now` is to be acted on. */
  accept(now: number): boolean {
    if (this.#lastAcceptedAt !== undefined && now - this.#lastAcceptedAt < this.#minIntervalMs) {
      this.#dropped++;
      return false;
    }
    this.#lastAcceptedAt = now;
    return true;
  }
}
