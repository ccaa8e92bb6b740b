import { type EncodeOptions, encodeLine, PointError } from './line-protocol.js';
import type { Point, Precision, TimeSeriesSink } from './point.js';
import type { Spool } from './spool.js';

export interface SpoolSinkOptions extends EncodeOptions {
  /** A batch commits at most this many ms after its first point (default 10). */
  commitIntervalMs?: number;
  /** A batch commits at once when it reaches this many points (default 2,000). */
  commitMaxPoints?: number;
  /**
   * Called after each commit (wakes the drainer): rows lastId-n+1..lastId hold `lines[0..n)` with
   * accounted sizes `sizes[0..n)`. Both arrays are reused: copy what you keep, synchronously.
   */
  onCommit?: (
    lastId: number,
    n: number,
    lines: readonly string[],
    sizes: readonly number[],
    precision: Precision,
  ) => void;
  /** Called when a commit fails (disk full, I/O error); the batch is kept and retried after 1 s. */
  onCommitError?: (err: unknown) => void;
  /** Called for a point that cannot be encoded (rate-limit any logging there). */
  onInvalid?: (err: PointError, point: Point) => void;
}

const MAX_UNCOMMITTED = 200_000;

/**
 * The `TimeSeriesSink` every module writes to. `write()` encodes the point (the only per-point work:
 * one string) into an in-memory batch; the batch is committed to the spool in one SQLite transaction
 * within `commitIntervalMs` (10 ms) or as soon as it holds `commitMaxPoints`. A point is acknowledged
 * (durable, survives a process crash; with synchronous=NORMAL a power cut can lose the last commits
 * before the WAL sync) once its batch has committed: `flush()` resolves then, and `committed` counts it.
 * A crash loses at most the uncommitted batch, i.e. the last ≤ 10 ms of points nobody was told were safe.
 */
export class SpoolSink implements TimeSeriesSink {
  private lines: string[] = [];
  private readonly sizes: number[] = [];
  private n = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private readonly intervalMs: number;
  private readonly maxPoints: number;
  private closed = false;
  /** Points accepted by write() / committed to the spool / rejected as invalid, since start. */
  accepted = 0;
  committed = 0;
  invalid = 0;
  /** Points refused because the spool could not commit and the in-memory batch was full. */
  overflow = 0;
  lastInvalid: string | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly opts: SpoolSinkOptions,
  ) {
    this.intervalMs = opts.commitIntervalMs ?? 10;
    this.maxPoints = opts.commitMaxPoints ?? 2000;
  }

  write(point: Point): boolean {
    if (this.closed) return false;
    let line: string;
    try {
      line = encodeLine(point, Date.now(), this.opts);
    } catch (err) {
      this.invalid++;
      const e = err instanceof PointError ? err : new PointError(String((err as Error)?.message ?? err));
      this.lastInvalid = e.message;
      this.opts.onInvalid?.(e, point);
      return false;
    }
    // Only reachable while commits fail (disk gone): keep memory bounded rather than grow without end.
    if (this.n >= MAX_UNCOMMITTED) {
      this.overflow++;
      return false;
    }
    this.lines[this.n++] = line;
    this.accepted++;
    if (this.n >= this.maxPoints) this.onTimer();
    else if (!this.timer) this.timer = setTimeout(this.onTimer, this.intervalMs);
    return true;
  }

  flush(): Promise<void> {
    if (this.n === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.timer) this.timer = setTimeout(this.onTimer, 0);
    });
  }

  private readonly onTimer = (): void => {
    try {
      this.commit();
    } catch (err) {
      this.opts.onCommitError?.(err);
      this.timer = setTimeout(this.onTimer, 1000);
    }
  };

  /** Commits the pending batch now. Throws only if SQLite fails (disk gone): the batch is kept for retry. */
  commit(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const n = this.n;
    if (n > 0) {
      const lastId = this.spool.append(this.lines, n, this.opts.precision, Date.now(), this.sizes);
      this.n = 0;
      this.committed += n;
      this.opts.onCommit?.(lastId, n, this.lines, this.sizes, this.opts.precision);
      // Drop references so a burst does not keep its strings alive; the array itself is reused.
      if (this.lines.length > this.maxPoints * 2) this.lines = [];
      else this.lines.fill('', 0, n);
    }
    const waiters = this.waiters;
    if (waiters.length > 0) {
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Commits what is pending and refuses further writes. */
  close(): void {
    this.commit();
    this.closed = true;
  }
}
