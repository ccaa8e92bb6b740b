import { Backoff } from '../lifecycle/backoff.js';
import { Sleeper } from '../lifecycle/sleeper.js';
import { BatchSender, type SendFailure } from './batch-sender.js';
import { CommitClock } from './commit-clock.js';
import type { HttpWriter } from './http-writer.js';
import { LiveBuffer } from './live-buffer.js';
import type { Precision } from './point.js';
import { newBatch, type Spool, type SpoolBatch } from './spool.js';

export interface DrainerOptions {
  /** Lines per request (default 5,000). */
  batchSize: number;
  /** A partial batch of live points is sent once its oldest point waited this long (default 1 s). */
  flushIntervalMs: number;
  /** Backlog points per second after an outage or a restart; live points are not limited. */
  replayRate: number;
  /**
   * Requests in flight at once, each over its own range of rows (default 2): the next batch goes out
   * while the server still works on the last. Backlog takes one of them at most; while the server
   * fails, one request probes it.
   */
  maxInFlight?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface DrainerHooks {
  onDeadLetter?(line: string, message: string): void;
  /** A retryable failure (logged once per outage by the caller, not per attempt). */
  onFailure?(message: string, consecutive: number): void;
  onRecovered?(downMs: number): void;
}

export type DrainerState = 'idle' | 'sending' | 'backoff' | 'stopped';

type Stream = 'live' | 'backlog';

/**
 * Drains the spool to the server. Rows are sent in id order within two streams: *live* (rows committed
 * since the link last came back) goes out as soon as a batch is full or `flushInterval` old; *backlog*
 * (rows left from an outage or a previous run) is replayed oldest first at no more than `replayRate`
 * points/s, so catching up neither drowns the server nor delays live data. Up to `maxInFlight` requests
 * are in flight, over disjoint ranges of rows, started in id order; each range is deleted on its own 2xx
 * (BatchSender, which also isolates bad lines). On 5xx/429/timeouts/connection errors the drainer lets
 * the other requests finish, backs off (exponential, jitter, Retry-After) and re-reads the spool from
 * the first row of the earliest failed range (ranges acknowledged since are gone from it).
 *
 * Delivery is at-least-once on the wire (a crash between the server's 2xx and the delete resends that
 * batch) and exactly-once in InfluxDB, whose points are keyed by series and timestamp: a resent point
 * overwrites itself.
 */
export class Drainer {
  state: DrainerState = 'idle';
  lastSuccessAt: number | undefined;
  /** Why the drainer stopped by itself (a SQLite failure), if it did. */
  private fatal: { at: number; message: string } | undefined;
  private readonly sender: BatchSender;

  private readonly maxInFlight: number;
  /** Requests in flight; each settles (never rejects) after its bookkeeping ran. */
  private readonly flights = new Set<Promise<void>>();
  private backlogFlights = 0;
  /** Batches of settled requests, reused. */
  private readonly spare: SpoolBatch[] = [];
  /** A request failed: nothing new goes out until the others settle, then back off and resend. */
  private failure: SendFailure | undefined;
  /** The cursors to resend from after a failure (the row before each stream's earliest failed range). */
  private rewindLive = Number.POSITIVE_INFINITY;
  private rewindBacklog = Number.POSITIVE_INFINITY;
  /** Copies of the rows committed since the last send, so live batches need no read-back from SQLite. */
  private readonly live: LiveBuffer;
  private readonly clock = new CommitClock();
  private readonly backoff: Backoff;
  private liveFrom: number;
  private liveCursor: number;
  private backlogCursor = 0;
  private backlogDone = false;
  private pendingSince = 0;
  private tokens: number;
  private tokensAt = Date.now();
  private failingSince = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly sleeper = new Sleeper();

  constructor(
    private readonly spool: Spool,
    private readonly writer: HttpWriter,
    private readonly opts: DrainerOptions,
    private readonly hooks: DrainerHooks = {},
  ) {
    this.sender = new BatchSender(spool, writer, hooks.onDeadLetter);
    this.backoff = new Backoff({
      initialMs: opts.backoffBaseMs ?? 500,
      maxMs: opts.backoffMaxMs ?? 30_000,
      jitter: [0.5, 1],
    });
    // Everything already in the spool at start is backlog.
    this.liveCursor = spool.maxId;
    this.liveFrom = spool.maxId + 1;
    this.backlogDone = spool.depth === 0;
    this.tokens = Math.min(opts.batchSize, opts.replayRate);
    this.live = new LiveBuffer(opts.batchSize * 4);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
  }

  /** Points acknowledged by the server (and deleted from the spool). */
  get sent(): number {
    return this.sender.sent;
  }

  get requests(): number {
    return this.sender.requests;
  }

  get lastError(): { at: number; message: string } | undefined {
    return this.fatal ?? this.sender.lastError;
  }

  /** True from a failed request until the next successful one (the server is unreachable or refusing). */
  get failing(): boolean {
    return this.failingSince !== 0;
  }

  /** True while a backlog (from an outage or a previous run) is being replayed. */
  get backlogPending(): boolean {
    return !this.backlogDone;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run().catch((err) => {
      // Only a SQLite failure can get here; the spool keeps the data for the next start.
      this.fatal = { at: Date.now(), message: `drainer stopped: ${(err as Error).message}` };
      this.state = 'stopped';
    });
  }

  /** Stops at once; rows of abandoned requests stay in the spool for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.cancel();
    // Shutdown must not wait for a slow server: requests in flight are abandoned, their rows stay spooled.
    this.writer.close();
    await this.loop;
    this.state = 'stopped';
  }

  /** Called after each spool commit with the committed rows (see SpoolSinkOptions.onCommit). */
  notify(lastId: number, n: number, lines: readonly string[], precision: Precision): void {
    const now = Date.now();
    if (n > 0) {
      this.live.push(lastId - n + 1, n, lines, precision);
      this.clock.committed(lastId, now);
    }
    if (this.pendingSince === 0) {
      // The first pending point starts the flushInterval clock: let the loop set its timer.
      this.pendingSince = now;
      this.sleeper.wake();
    } else if (lastId - this.liveCursor >= this.opts.batchSize) this.sleeper.wake();
  }

  private async run(): Promise<void> {
    const { batchSize, flushIntervalMs, replayRate } = this.opts;
    while (!this.stopped) {
      if (this.failure) {
        await this.afterFailure();
        continue;
      }
      const room = (this.failingSince === 0 ? this.maxInFlight : 1) - this.flights.size;
      const now = Date.now();
      let waitMs = 60_000;
      const livePending = this.spool.maxId - this.liveCursor;
      if (room > 0 && livePending > 0) {
        if (this.pendingSince === 0) this.pendingSince = now;
        const age = now - this.pendingSince;
        if (livePending >= batchSize || age >= flushIntervalMs) {
          const b = this.spare.pop() ?? newBatch();
          const n =
            this.live.take(this.liveCursor, batchSize, b) ||
            this.spool.read(this.liveCursor, Number.MAX_SAFE_INTEGER, batchSize, b);
          if (n === 0) {
            this.spare.push(b);
            this.liveCursor = this.spool.maxId;
            this.pendingSince = 0;
            continue;
          }
          this.liveCursor = b.ids[n - 1]!;
          // Rows left behind a full batch keep their age: they go as soon as they are flushInterval old.
          this.pendingSince =
            this.spool.maxId > this.liveCursor ? this.clock.oldestAfter(this.liveCursor) || now : 0;
          this.launch(b, 'live');
          continue;
        }
        waitMs = flushIntervalMs - age;
      }
      if (room > 0 && !this.backlogDone && this.backlogFlights === 0) {
        this.tokens = Math.min(batchSize, this.tokens + ((now - this.tokensAt) * replayRate) / 1000);
        this.tokensAt = now;
        const want = Math.min(batchSize, replayRate);
        if (this.tokens >= want) {
          const b = this.spare.pop() ?? newBatch();
          const n = this.spool.read(this.backlogCursor, this.liveFrom, want, b);
          if (n === 0) {
            this.spare.push(b);
            this.backlogDone = true;
            continue;
          }
          this.tokens -= n;
          this.backlogCursor = b.ids[n - 1]!;
          this.launch(b, 'backlog');
          continue;
        }
        waitMs = Math.min(waitMs, Math.ceil(((want - this.tokens) * 1000) / replayRate));
      }
      // A settling request wakes the loop too.
      await this.sleep(Math.max(1, waitMs), true);
    }
    await Promise.all(this.flights);
  }

  private launch(batch: SpoolBatch, stream: Stream): void {
    this.state = 'sending';
    if (stream === 'backlog') this.backlogFlights++;
    const flight = this.send(batch, stream).then(() => {
      this.flights.delete(flight);
      if (stream === 'backlog') this.backlogFlights--;
      batch.lines.fill('', 0, batch.length);
      this.spare.push(batch);
      if (this.flights.size === 0 && this.state === 'sending') this.state = 'idle';
      this.sleeper.wake();
    });
    this.flights.add(flight);
  }

  /** Sends one batch (split on bad lines); a failure is noted for afterFailure(). Never rejects. */
  private async send(batch: SpoolBatch, stream: Stream): Promise<void> {
    const result = await this.sender.send(batch);
    if (result === true) {
      this.lastSuccessAt = Date.now();
      // While another request's failure is pending, this success is no recovery yet.
      if (!this.failure) {
        this.backoff.reset();
        if (this.failingSince !== 0) this.recovered();
      }
      return;
    }
    if (this.stopped) return; // abandoned by stop(), not failed
    // The first failure's message; the longest Retry-After of all.
    const wait = Math.max(this.failure?.retryAfterMs ?? -1, result.retryAfterMs ?? -1);
    this.failure = { message: (this.failure ?? result).message, retryAfterMs: wait < 0 ? undefined : wait };
    const before = batch.ids[0]! - 1;
    if (stream === 'live') this.rewindLive = Math.min(this.rewindLive, before);
    else this.rewindBacklog = Math.min(this.rewindBacklog, before);
  }

  /**
   * After a failed request: once the others settled (their ranges deleted if acknowledged), resend from
   * the spool, from the first row of each stream's earliest failed range, after the backoff.
   */
  private async afterFailure(): Promise<void> {
    await Promise.all(this.flights);
    const f = this.failure!;
    this.failure = undefined;
    // Part of a batch may be acknowledged (split on a bad line), later ones may be: re-read the spool.
    this.live.clear();
    const rewoundLive = this.rewindLive !== Number.POSITIVE_INFINITY;
    if (rewoundLive) this.liveCursor = Math.min(this.liveCursor, this.rewindLive);
    if (this.rewindBacklog !== Number.POSITIVE_INFINITY) {
      this.backlogCursor = Math.min(this.backlogCursor, this.rewindBacklog);
      this.backlogDone = false;
    }
    this.rewindLive = this.rewindBacklog = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    if (this.failingSince === 0) this.failingSince = Date.now();
    this.hooks.onFailure?.(f.message, this.backoff.failures + 1);
    this.state = 'backoff';
    await this.sleep(this.backoff.next(f.retryAfterMs), false);
    this.state = 'idle';
    // The rows to resend are not new: they go out at once.
    if (rewoundLive) this.pendingSince = Date.now() - this.opts.flushIntervalMs;
  }

  /**
   * After an outage everything that piled up becomes backlog: live points flow at once, the pile is
   * replayed at the bounded rate behind them.
   */
  private recovered(): void {
    const downMs = Date.now() - this.failingSince;
    this.failingSince = 0;
    this.live.clear();
    this.liveCursor = this.spool.maxId;
    this.liveFrom = this.spool.maxId + 1;
    this.backlogDone = false;
    this.pendingSince = 0;
    this.hooks.onRecovered?.(downMs);
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return this.stopped ? Promise.resolve() : this.sleeper.sleep(ms, wakeable);
  }
}
