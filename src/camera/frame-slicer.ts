import type { Frame, FrameGeometry } from './frame.js';
import type { FramePool } from './frame-pool.js';

/** The byte stream the frames come from (ffmpeg's output socket), as far as the slicer steers it. */
export interface FrameSource {
  pause(): void;
  resume(): void;
}

/**
 * Cuts ffmpeg's rawvideo output into whole frames: each chunk read is copied once into a pooled frame
 * buffer, and complete frames are stamped (seq, ptsMs, wallMs, geometry) and published. A frame with no
 * free buffer is read and dropped (a counted skip). Lossless: the source pauses (ffmpeg blocks) while a
 * frame waits untaken. Frames also wait, with the source paused, until the input's geometry is known.
 * Chunks are the reader's reused buffer: bytes held back while paused are copied aside.
 */
export class FrameSlicer {
  /** Frames completed (published or skipped). */
  framesOut = 0;
  /** Wall clock of the last completed frame (0: none yet). */
  lastFrameWallMs = 0;

  private readonly frameBytes: number;
  private source: FrameSource | undefined;
  private geometry: FrameGeometry | undefined;
  private fps = 25;
  private cur: Frame | undefined;
  private fill = 0;
  /** Bytes read but held back while paused (always the start of `held`), or none (undefined). */
  private blocked: Buffer | undefined;
  /** Where held-back bytes are copied: the read buffer they came in is reused by the next read. */
  private held = Buffer.alloc(0);
  private awaitingGeometry = false;
  private stopping = false;
  private unblockScheduled = false;
  private readonly unsubscribeTake: () => void;

  /**
   * `clipClockMs`: stamp each frame's wallMs as this epoch + its ptsMs instead of the time it arrived
   * (FrameReaderOptions.clipClockMs).
   */
  constructor(
    private readonly pool: FramePool,
    private readonly lossless: boolean,
    private readonly ptsOffsetMs: number,
    private readonly clipClockMs?: number,
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

  /** Where `data()` comes from: paused and resumed to hold ffmpeg back. */
  attach(source: FrameSource): void {
    this.source = source;
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

  /** Lets a paused source flow again (and be discarded): ffmpeg blocked on it cannot exit gracefully. */
  drain(): void {
    this.blocked = undefined;
    this.source?.resume();
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
    if (rest) this.data(rest, rest.length);
    if (!this.blocked) this.source?.resume();
  }

  /** Bytes read: `chunk[0, length)`. */
  data(chunk: Buffer, length: number): void {
    if (this.stopping) return;
    if (this.blocked) {
      // Data that was already in flight when we paused: keep order.
      this.hold(this.blocked, chunk.subarray(0, length));
      return;
    }
    const size = this.frameBytes;
    let off = 0;
    while (off < length) {
      if (this.fill === 0 && !this.cur) {
        if (this.lossless && this.pool.pending && !this.stopping) {
          this.block(chunk.subarray(off, length));
          return;
        }
        this.cur = this.pool.acquire();
        // No buffer at all (the consumer holds them all): the bytes are read and dropped.
      }
      const n = Math.min(size - this.fill, length - off);
      if (this.cur) chunk.copy(this.cur.data, this.fill, off, off + n);
      this.fill += n;
      off += n;
      if (this.fill === size) {
        if (!this.geometry && this.cur) {
          this.awaitingGeometry = true;
          this.block(chunk.subarray(off, length));
          return;
        }
        this.completeFrame();
      }
    }
  }

  private block(rest: Buffer): void {
    this.hold(undefined, rest);
    this.source?.pause();
  }

  /**
   * Keeps `more` aside after `before` (the bytes held already, always `held[0, before.length)`), in
   * `held`: reused, grown when needed. `more` may lie inside `held` (copy handles overlap).
   */
  private hold(before: Buffer | undefined, more: Buffer): void {
    const keep = before ? before.length : 0;
    const total = keep + more.length;
    if (total > this.held.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(total, 2 * this.held.length, 64 * 1024));
      if (before) before.copy(grown, 0);
      this.held = grown;
    }
    more.copy(this.held, keep);
    this.blocked = this.held.subarray(0, total);
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
    frame.wallMs = this.clipClockMs === undefined ? now : this.clipClockMs + frame.ptsMs;
    frame.geometry = this.geometry!;
    this.pool.publish(frame);
  }
}
