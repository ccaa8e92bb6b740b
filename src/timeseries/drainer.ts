import { Backoff } from '../lifecycle/backoff.js';
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

/**
 * Drains the spool to the server. Rows are sent in id order within two streams: *live* (rows committed
 * since the link last came back) goes out as soon as a batch is full or `flushInterval` old; *backlog*
 * (rows left from an outage or a previous run) is replayed oldest first at no more than `replayRate`
 * points/s, so catching up neither drowns the server nor delays live data. A row is deleted only after
 * a 2xx for a request containing it. On 5xx/429/timeouts/connection errors the drainer backs off
 * (exponential, jitter, Retry-After) and re-reads from the spool; on 400/413/422 it halves the batch
 * until the bad line is alone, dead-letters that line with the server's message and sends the rest.
 *
 * Delivery is at-least-once on the wire (a crash between the server's 2xx and the delete resends that
 * batch) and exactly-once in InfluxDB, whose points are keyed by series and timestamp: a resent point
 * overwrites itself.
 */
export class Drainer {
  state: DrainerState = 'idle';
  sent = 0;
  requests = 0;
  lastError: { at: number; message: string } | undefined;
  lastSuccessAt: number | undefined;

  private readonly batch: SpoolBatch = newBatch();
  /** Copies of the rows committed since the last send, so live batches need no read-back from SQLite. */
  private readonly live: LiveBuffer;
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
  private wakeUp: (() => void) | undefined;
  private wakeable = false;

  constructor(
    private readonly spool: Spool,
    private readonly writer: HttpWriter,
    private readonly opts: DrainerOptions,
    private readonly hooks: DrainerHooks = {},
  ) {
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
      this.lastError = { at: Date.now(), message: `drainer stopped: ${(err as Error).message}` };
      this.state = 'stopped';
    });
  }

  /** Stops at once; rows of an abandoned request stay in the spool for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    // Shutdown must not wait for a slow server: the request in flight is abandoned, its rows stay spooled.
    this.writer.close();
    await this.loop;
    this.state = 'stopped';
  }

  /** Called after each spool commit with the committed rows (see SpoolSinkOptions.onCommit). */
  notify(
    lastId: number,
    n: number,
    lines: readonly string[],
    sizes: readonly number[],
    precision: Precision,
  ): void {
    if (n > 0) this.live.push(lastId - n + 1, n, lines, sizes, precision);
    if (this.pendingSince === 0) {
      // The first pending point starts the flushInterval clock: let the loop set its timer.
      this.pendingSince = Date.now();
      if (this.wakeable) this.wakeUp?.();
    } else if (this.wakeable && lastId - this.liveCursor >= this.opts.batchSize) this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const { batchSize, flushIntervalMs, replayRate } = this.opts;
    while (!this.stopped) {
      const now = Date.now();
      let waitMs = 60_000;
      const livePending = this.spool.maxId - this.liveCursor;
      if (livePending > 0) {
        if (this.pendingSince === 0) this.pendingSince = now;
        const age = now - this.pendingSince;
        if (livePending >= batchSize || age >= flushIntervalMs) {
          const n =
            this.live.take(this.liveCursor, batchSize, this.batch) ||
            this.spool.read(this.liveCursor, Number.MAX_SAFE_INTEGER, batchSize, this.batch);
          if (n === 0) {
            this.liveCursor = this.spool.maxId;
            this.pendingSince = 0;
            continue;
          }
          if (await this.send()) {
            this.liveCursor = Math.max(this.liveCursor, this.batch.ids[n - 1]!);
            this.pendingSince = this.spool.maxId > this.liveCursor ? Date.now() : 0;
          }
          continue;
        }
        waitMs = flushIntervalMs - age;
      }
      if (!this.backlogDone) {
        this.tokens = Math.min(batchSize, this.tokens + ((now - this.tokensAt) * replayRate) / 1000);
        this.tokensAt = now;
        const want = Math.min(batchSize, replayRate);
        if (this.tokens >= want) {
          const n = this.spool.read(this.backlogCursor, this.liveFrom, want, this.batch);
          if (n === 0) {
            this.backlogDone = true;
            continue;
          }
          this.tokens -= n;
          if (await this.send()) this.backlogCursor = this.batch.ids[n - 1]!;
          continue;
        }
        waitMs = Math.min(waitMs, Math.ceil(((want - this.tokens) * 1000) / replayRate));
      }
      await this.sleep(Math.max(1, waitMs), true);
    }
  }

  /** Sends the batch read into this.batch; true when every row was acknowledged or dead-lettered. */
  private async send(): Promise<boolean> {
    this.state = 'sending';
    const result = await this.sendRange(0, this.batch.length);
    if (result === true) {
      this.lastSuccessAt = Date.now();
      this.backoff.reset();
      if (this.failingSince !== 0) this.recovered();
      this.state = 'idle';
      return true;
    }
    // Part of the batch may be acknowledged (split on a bad line): from now on re-read from the spool.
    this.live.clear();
    if (this.stopped) return false; // the request was abandoned by stop(), not failed
    if (this.failingSince === 0) this.failingSince = Date.now();
    this.hooks.onFailure?.(result.message, this.backoff.failures + 1);
    this.state = 'backoff';
    await this.sleep(this.backoff.next(result.retryAfterMs), false);
    return false;
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

  private async sendRange(
    from: number,
    to: number,
  ): Promise<true | { message: string; retryAfterMs?: number }> {
    const b = this.batch;
    this.requests++;
    const r = await this.writer.write(b.lines, from, to, b.precision);
    if (r.kind === 'ok') {
      this.spool.ack(b, from, to - 1);
      this.sent += to - from;
      return true;
    }
    this.lastError = { at: Date.now(), message: r.message };
    if (r.kind === 'retry') return r;
    if (to - from === 1) {
      this.spool.deadLetter(b, from, r.message, Date.now());
      this.hooks.onDeadLetter?.(b.lines[from]!, r.message);
      return true;
    }
    const mid = (from + to) >>> 1;
    const first = await this.sendRange(from, mid);
    if (first !== true) return first;
    return this.sendRange(mid, to);
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = undefined;
        self.wakeable = false;
        resolve();
      }
      this.wakeUp = done;
      this.wakeable = wakeable;
    });
  }
}
