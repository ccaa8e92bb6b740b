import type { Readable } from 'node:stream';
import type { Frame, FrameGeometry } from './frame.js';
import type { FramePool } from './frame-pool.js';

/**
 * Cuts ffmpeg's rawvideo stdout into whole frames: each pipe chunk is copied once into a pooled frame
 * buffer, and complete frames are stamped (seq, ptsMs, wallMs, geometry) and published. A frame with no
 * free buffer is read and dropped (a counted skip). Lossless: the pipe pauses (ffmpeg blocks) while a
 * frame waits untaken. Frames also wait, with the pipe paused, until the input's geometry is known.
 */
export class PipeFrameSlicer {
  /** Frames completed (published or skipped). */
  framesOut = 0;
  /** Wall clock of the last completed frame (0: none yet). */
  lastFrameWallMs = 0;

  private readonly frameBytes: number;
  private stdout: Readable | undefined;
  private geometry: FrameGeometry | undefined;
  private fps = 25;
  private cur: Frame | undefined;
  private fill = 0;
  private blocked: Buffer | undefined;
  private awaitingGeometry = false;
  private stopping = false;
  private unblockScheduled = false;
  private readonly unsubscribeTake: () => void;

  constructor(
    private readonly pool: FramePool,
    private readonly lossless: boolean,
    private readonly ptsOffsetMs: number,
  ) {
    this.frameBytes = pool.frameBytes;
    // Continue after the consumer's take() returns, never inside it (no re-entrant publish).
    this.unsubscribeTake = this.pool.onTake(() => {
      if (this.blocked && !this.awaitingGeometry && !this.unblockScheduled) {
        this.unblockScheduled = true;
        process.nextTick(this.unblockLater);
      }
    });
  }

  /** Reads frames from ffmpeg's stdout. */
  attach(stdout: Readable): void {
    this.stdout = stdout;
    stdout.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** The input's geometry and the output frame rate (for ptsMs) are known: frames can be published. */
  setGeometry(geometry: FrameGeometry, fps: number): void {
    this.geometry = geometry;
    this.fps = fps;
    if (this.awaitingGeometry) {
      this.awaitingGeometry = false;
      this.completeFrame();
      if (this.blocked && !(this.lossless && this.pool.pending)) this.unblock();
    }
  }

  /** What ffmpeg flushes from now on is not wanted any more. */
  stop(): void {
    this.stopping = true;
  }

  /** Lets a paused pipe flow again (and be discarded): ffmpeg blocked on it cannot exit gracefully. */
  drain(): void {
    this.blocked = undefined;
    this.stdout?.resume();
  }

  /** The process is gone: returns the partly filled buffer and stops watching the pool. */
  close(): void {
    if (this.cur) {
      this.pool.abandon(this.cur);
      this.cur = undefined;
    }
    this.unsubscribeTake();
  }

  private readonly unblockLater = () => {
    this.unblockScheduled = false;
    if (this.blocked && !this.awaitingGeometry && !(this.lossless && this.pool.pending)) this.unblock();
  };

  private unblock(): void {
    const rest = this.blocked;
    this.blocked = undefined;
    if (rest) this.onData(rest);
    if (!this.blocked) this.stdout?.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.stopping) return;
    if (this.blocked) {
      // Data that was already in flight when we paused: keep order.
      this.blocked = Buffer.concat([this.blocked, chunk]);
      return;
    }
    const size = this.frameBytes;
    let off = 0;
    while (off < chunk.length) {
      if (this.fill === 0 && !this.cur) {
        if (this.lossless && this.pool.pending && !this.stopping) {
          this.block(chunk.subarray(off));
          return;
        }
        this.cur = this.pool.acquire();
        // No buffer at all (the consumer holds them all): the bytes are read and dropped.
      }
      const n = Math.min(size - this.fill, chunk.length - off);
      if (this.cur) chunk.copy(this.cur.data, this.fill, off, off + n);
      this.fill += n;
      off += n;
      if (this.fill === size) {
        if (!this.geometry && this.cur) {
          this.awaitingGeometry = true;
          this.block(chunk.subarray(off));
          return;
        }
        this.completeFrame();
      }
    }
  }

  private block(rest: Buffer): void {
    this.blocked = rest;
    this.stdout?.pause();
  }

  private completeFrame(): void {
    const frame = this.cur;
    const index = this.framesOut++;
    this.fill = 0;
    this.cur = undefined;
    const now = Date.now();
    this.lastFrameWallMs = now;
    if (!frame) {
      this.pool.countSkip();
      this.pool.nextSeq++;
      return;
    }
    frame.seq = this.pool.nextSeq++;
    frame.ptsMs = this.ptsOffsetMs + (index * 1000) / this.fps;
    frame.wallMs = now;
    frame.geometry = this.geometry!;
    this.pool.publish(frame);
  }
}
