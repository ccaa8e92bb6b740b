/** Delays vary by this fraction either way, so cameras that failed together do not retry together. */
const JITTER = 0.2;

/** Exponential backoff with jitter: initial, initial*2, ... capped at max; each delay ±20 %. */
export class Backoff {
  private attempt = 0;

  constructor(
    readonly initialMs = 1000,
    readonly maxMs = 60_000,
  ) {
    if (!(initialMs > 0 && maxMs >= initialMs)) {
      throw new Error(`backoff: bad parameters initial=${initialMs} max=${maxMs}`);
    }
  }

  /** The delay before the next attempt; grows with each call until reset(). */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    const spread = base * JITTER * (2 * Math.random() - 1);
    return Math.max(1, Math.round(base + spread));
  }

  reset(): void {
    this.attempt = 0;
  }
}
