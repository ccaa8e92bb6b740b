import { type EncodeOptions, encodeLine, encodeSeries, PointError } from './line-protocol.js';
import type { Point, Precision, TimeSeriesSink } from './point.js';
import type { Spool } from './spool.js';

export interface SpoolSinkOptions extends EncodeOptions {
  /** A batch commits at most this many ms after its first point (default 10). */
  commitIntervalMs?: number;
  /** A batch commits at once when it reaches this many points (default 2,000). */
  commitMaxPoints?: number;
  /**
   * Called after each commit (wakes the drainer): points lastId-n+1..lastId are `lines[0..n)`. The
   * array is reused: copy what you keep, synchronously.
   */
  onCommit?: (lastId: number, n: number, lines: readonly string[], precision: Precision) => void;
  /**
   * Called when a commit fails (disk full, I/O error); the batch is kept and retried after 1 s. Returns
   * true when it made room (dropped old points); otherwise a batch grown past commitMaxPoints sheds its
   * oldest points (counted in `overflow`) so that the retry is small enough to fit.
   */
  onCommitError?: (err: unknown) => boolean | undefined;
  /** Called for a point that cannot be encoded (rate-limit any logging there). */
  onInvalid?: (err: PointError, point: Point) => void;
}

const MAX_UNCOMMITTED = 200_000;

/**
 * Something that commits with the spool: `inTransaction` writes its own pending rows inside the spool's
 * transaction (atomic with the points); `committed` runs synchronously right after every commit, before
 * anything else can run, so whatever it releases (e.g. MQTT acknowledgements) covers exactly what was
 * written before. A failed commit rolls back both; `inTransaction` runs again at the retry.
 */
export interface CommitParticipant {
  /** True when it has rows to write even if no point is pending. */
  hasPending(): boolean;
  inTransaction(): void;
  committed(): void;
}

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
  /** A pending line holds a newline of its own (a string field): the commit then keeps a row per point. */
  private newlines = false;
  private n = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private readonly intervalMs: number;
  private readonly maxPoints: number;
  private closed = false;
  /** A commit failed and waits for its retry: writes only add to the batch until then. */
  private failing = false;
  private readonly participants: CommitParticipant[] = [];
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
    return this.push(line);
  }

  /**
   * Appends a line the caller encoded itself (a series key from `seriesKey()`, fields, a timestamp at
   * `precision`): the hot path of producers that write many points of few series. Same batching and
   * guarantees as `write()`; the caller is responsible for the line's syntax.
   */
  writeLine(line: string): boolean {
    if (this.closed) return false;
    return this.push(line);
  }

  private push(line: string): boolean {
    // Only reachable while commits fail (disk gone): keep memory bounded rather than grow without end.
    if (this.n >= MAX_UNCOMMITTED) {
      this.overflow++;
      return false;
    }
    // The spool keeps a commit's lines joined by newlines; a line with one of its own (inside a string
    // field) makes its commit one row per point.
    if (line.includes('\n')) this.newlines = true;
    this.lines[this.n++] = line;
    this.accepted++;
    // While commits fail (disk full), retrying on every write would redo the whole batch each time.
    if (this.n >= this.maxPoints && !this.failing) this.onTimer();
    else if (!this.timer) this.timer = setTimeout(this.onTimer, this.intervalMs);
    return true;
  }

  /** `measurement,tags...` with the sink's default tags merged in, for `writeLine`. Throws PointError. */
  seriesKey(measurement: string, tags: Readonly<Record<string, string | undefined>>): string {
    return encodeSeries({ measurement, tags }, this.opts);
  }

  get precision(): Precision {
    return this.opts.precision;
  }

  /** Points accepted but not yet committed. */
  get pending(): number {
    return this.n;
  }

  /** True while points or participants' rows wait for a commit. */
  hasUncommitted(): boolean {
    if (this.n > 0) return true;
    for (let i = 0; i < this.participants.length; i++) if (this.participants[i]!.hasPending()) return true;
    return false;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  addParticipant(p: CommitParticipant): void {
    this.participants.push(p);
  }

  /** Schedules a commit within the commit interval even if no point is pending (a participant has rows). */
  requestCommit(): void {
    if (!this.timer && !this.closed) this.timer = setTimeout(this.onTimer, this.intervalMs);
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
      this.failing = true;
      if (this.opts.onCommitError?.(err) !== true && this.n > this.maxPoints)
        this.shed(this.n - this.maxPoints);
      // The error handler may have made room (dropped old points): then the retry need not wait long.
      if (this.timer) clearTimeout(this.timer);
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
    const extra = this.participants.length > 0 && this.participants.some((p) => p.hasPending());
    if (n > 0 || extra) {
      const lastId = this.spool.append(
        this.lines,
        n,
        this.opts.precision,
        Date.now(),
        extra ? this.runParticipants : undefined,
        this.newlines,
      );
      this.n = 0;
      this.newlines = false;
      this.failing = false;
      this.committed += n;
      if (n > 0) this.opts.onCommit?.(lastId, n, this.lines, this.opts.precision);
      // Drop references so a burst does not keep its strings alive; the array itself is reused.
      if (this.lines.length > this.maxPoints * 2) this.lines = [];
      else this.lines.fill('', 0, n);
    }
    for (let i = 0; i < this.participants.length; i++) this.participants[i]!.committed();
    const waiters = this.waiters;
    if (waiters.length > 0) {
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Drops the oldest `k` uncommitted points (the disk takes nothing and no room could be made). */
  private shed(k: number): void {
    this.lines.copyWithin(0, k, this.n);
    this.n -= k;
    this.lines.fill('', this.n, this.n + k);
    this.overflow += k;
  }

  private readonly runParticipants = (): void => {
    for (let i = 0; i < this.participants.length; i++) {
      const p = this.participants[i]!;
      if (p.hasPending()) p.inTransaction();
    }
  };

  /** Commits what is pending and refuses further writes. */
  close(): void {
    this.commit();
    this.closed = true;
  }
}
