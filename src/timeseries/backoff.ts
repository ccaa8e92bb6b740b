/** Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, base·2ⁿ). */
export class Backoff {
  private attempt = 0;

  constructor(
    readonly baseMs = 500,
    readonly maxMs = 30_000,
  ) {}

  /** The next delay; a server's Retry-After wins when longer (capped at 10 minutes). */
  next(retryAfterMs?: number): number {
    const d = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const jittered = d / 2 + Math.random() * (d / 2);
    return retryAfterMs !== undefined ? Math.min(600_000, Math.max(retryAfterMs, jittered)) : jittered;
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
