/** Exponential backoff with jitter: initial, initial*factor, ... capped at max; each delay ±jitter. */
export class Backoff {
  private attempt = 0;

  constructor(
    readonly initialMs = 1000,
    readonly maxMs = 60_000,
    readonly factor = 2,
    /** Fraction of the delay randomised either way, so cameras that failed together do not retry together. */
    readonly jitter = 0.2,
    private readonly random: () => number = Math.random,
  ) {
    if (!(initialMs > 0 && maxMs >= initialMs && factor >= 1 && jitter >= 0 && jitter < 1)) {
      throw new Error(
        `backoff: bad parameters initial=${initialMs} max=${maxMs} factor=${factor} jitter=${jitter}`,
      );
    }
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; grows with each call until reset(). */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.max(1, Math.round(base + spread));
  }

  reset(): void {
    this.attempt = 0;
  }
}
