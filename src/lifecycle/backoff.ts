/**
 * The gateway's one retry policy (cameras, the time-series writer, the uplink): exponential delays
 * `initialMs · 2ⁿ` capped at `maxMs`, each multiplied by a random factor in `jitter` so that parts which
 * failed together do not retry together. A server's Retry-After wins when it asks for longer.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /**
   * Range of the random factor applied to each delay. `[0.8, 1.2]` (±20 %) keeps successive delays
   * strictly growing until the cap; `[0.5, 1]` ("equal jitter") never waits longer than the schedule.
   */
  jitter: readonly [number, number];
}

/** Longest wait a Retry-After may impose. */
const MAX_RETRY_AFTER_MS = 600_000;

export class Backoff {
  private attempt = 0;

  constructor(readonly opts: BackoffOptions) {
    const { initialMs, maxMs, jitter } = opts;
    if (!(initialMs > 0 && maxMs >= initialMs && jitter[0] > 0 && jitter[1] >= jitter[0])) {
      throw new Error(`backoff: bad options initial=${initialMs} max=${maxMs} jitter=${jitter.join('..')}`);
    }
  }

  /** The delay before the next attempt (grows with each call until reset()); at least `retryAfterMs`. */
  next(retryAfterMs?: number): number {
    const { initialMs, maxMs } = this.opts;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const delay = Math.max(1, Math.round(jitter(base, this.opts.jitter)));
    if (retryAfterMs === undefined) return delay;
    return Math.min(MAX_RETRY_AFTER_MS, Math.max(retryAfterMs, delay));
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Failed attempts since the last reset(). */
  get failures(): number {
    return this.attempt;
  }
}

/** `ms` times a random factor in `range`: a fixed delay spread out the way the backoff spreads its own. */
export function jitter(ms: number, range: readonly [number, number]): number {
  return ms * (range[0] + (range[1] - range[0]) * Math.random());
}
