/**
 * One line's crossings per count interval, by direction and class (index = direction * classes + class in
 * TRAFFIC_CLASSES). An interval that ended waits a moment before it is published, for the classes of its
 * last crossings to settle (CountIntervals, SETTLE_MS): meanwhile a crossing made before its end is counted,
 * moved to another class or taken back in `closed`, a later one in `current`.
 */
export class IntervalCounts {
  /** The interval running now. */
  readonly current: Int32Array;
  /** The interval that ended and is not published yet (zeros otherwise). */
  readonly closed: Int32Array;
  /** Epoch ms: crossings made before it belong to `closed`. */
  private closedBefore = Number.NEGATIVE_INFINITY;

  constructor(size: number) {
    this.current = new Int32Array(size);
    this.closed = new Int32Array(size);
  }

  /** One crossing more at `k`, made at epoch ms `timeMs`. */
  add(k: number, timeMs: number): void {
    const c = this.of(timeMs);
    c[k] = c[k]! + 1;
  }

  /** One crossing less at `k` (made at `timeMs`), if its interval has one. */
  remove(k: number, timeMs: number): void {
    const c = this.of(timeMs);
    if (c[k]! > 0) c[k] = c[k]! - 1;
  }

  /** The current interval ended at epoch ms `endMs`: it becomes `closed`, and a new one starts from zero. */
  close(endMs: number): void {
    this.closed.set(this.current);
    this.current.fill(0);
    this.closedBefore = endMs;
  }

  /** `closed` was published: every crossing from now on is the current interval's. */
  published(): void {
    this.closed.fill(0);
    this.closedBefore = Number.NEGATIVE_INFINITY;
  }

  private of(timeMs: number): Int32Array {
    return timeMs < this.closedBefore ? this.closed : this.current;
  }
}
