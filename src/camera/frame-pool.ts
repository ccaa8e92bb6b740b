import type { Frame, FrameGeometry, FrameMailbox } from './frame.js';

interface Slot {
  frame: Frame;
  writing: boolean;
  inMailbox: boolean;
  taken: boolean;
}

const EMPTY_GEOMETRY: FrameGeometry = {
  srcWidth: 0,
  srcHeight: 0,
  width: 0,
  height: 0,
  scale: 0,
  contentWidth: 0,
  contentHeight: 0,
};

/**
 * The `FrameMailbox` of one camera plus the small pool of reused frame buffers behind it. The producer
 * (the ffmpeg reader) asks for a slot to write, fills `data`, and publishes it; a published frame that is
 * still untaken when the next one arrives goes back to the pool and counts as skipped.
 *
 * The most recently published frame stays pinned (not rewritten) even after the consumer releases it,
 * so `latest()` can hand it to a snapshot that copies it synchronously.
 */
export class FramePool implements FrameMailbox {
  frameBytes: number;
  /** Frames published into the mailbox. */
  published = 0;
  /** Frames dropped: replaced in the mailbox before being taken, or lost because every buffer was held. */
  skipped = 0;
  /** Frames handed to the consumer. */
  taken = 0;
  /** Sequence number of the next frame (kept across stream restarts). */
  nextSeq = 0;
  /** Listener exceptions caught (a consumer bug must not stop the camera). */
  listenerErrors = 0;
  lastListenerError: unknown;

  private readonly slots: Slot[] = [];
  private readonly bySlot = new Map<Frame, Slot>();
  private mailbox: Slot | undefined;
  private latestSlot: Slot | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly takeListeners = new Set<() => void>();

  constructor(
    readonly cameraId: string,
    public width: number,
    public height: number,
    poolSize = 4,
  ) {
    if (poolSize < 3) throw new Error(`frame pool for ${cameraId}: need at least 3 buffers, got ${poolSize}`);
    this.frameBytes = width * height * 3;
    for (let i = 0; i < poolSize; i++) {
      const frame: Frame = {
        cameraId,
        seq: 0,
        ptsMs: 0,
        wallMs: 0,
        geometry: EMPTY_GEOMETRY,
        data: Buffer.allocUnsafe(this.frameBytes),
      };
      const slot: Slot = { frame, writing: false, inMailbox: false, taken: false };
      this.slots.push(slot);
      this.bySlot.set(frame, slot);
    }
  }

  /** True when a frame waits in the mailbox (the consumer has not taken it yet). */
  get pending(): boolean {
    return this.mailbox !== undefined;
  }

  take(): Frame | undefined {
    const slot = this.mailbox;
    if (!slot) return undefined;
    this.mailbox = undefined;
    slot.inMailbox = false;
    slot.taken = true;
    this.taken++;
    for (const l of this.takeListeners) l();
    return slot.frame;
  }

  release(frame: Frame): void {
    const slot = this.bySlot.get(frame);
    if (!slot)
      throw new Error(`frame pool for ${this.cameraId}: release() of a frame that is not from this pool`);
    slot.taken = false;
    // Held across a resize: it gets a buffer of the new size now.
    if (frame.data.length !== this.frameBytes) frame.data = Buffer.allocUnsafe(this.frameBytes);
  }

  /**
   * New frame size (the camera's detection layout changed, e.g. once its picture size is known). Only
   * between readers: the frame in the mailbox and the latest frame are dropped; buffers held by the
   * consumer are replaced when released.
   */
  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.frameBytes = width * height * 3;
    if (this.mailbox) {
      this.mailbox.inMailbox = false;
      this.mailbox = undefined;
      this.skipped++;
    }
    this.latestSlot = undefined;
    for (const slot of this.slots) {
      if (slot.writing) throw new Error(`frame pool for ${this.cameraId}: resize() while a frame is written`);
      if (!slot.taken) slot.frame.data = Buffer.allocUnsafe(this.frameBytes);
    }
  }

  onFrame(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Producer side: called after each take(), so a lossless reader can continue. */
  onTake(listener: () => void): () => void {
    this.takeListeners.add(listener);
    return () => this.takeListeners.delete(listener);
  }

  /**
   * Producer side: a frame whose `data` the caller may fill, or undefined when every buffer is held by
   * the consumer (the caller then drops the frame and calls `countSkip()`).
   */
  acquire(): Frame | undefined {
    let slot = this.freeSlot();
    if (!slot && this.mailbox) {
      // Only the mailbox frame is free to reuse: drop it now rather than lose the new frame.
      slot = this.mailbox;
      this.mailbox = undefined;
      slot.inMailbox = false;
      this.skipped++;
      if (this.latestSlot === slot) this.latestSlot = undefined;
    }
    if (!slot) return undefined;
    slot.writing = true;
    return slot.frame;
  }

  /** A buffer nobody holds (a plain loop: acquire() runs per frame, no closure allocated). */
  private freeSlot(): Slot | undefined {
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      if (!s.writing && !s.inMailbox && !s.taken && s !== this.latestSlot) return s;
    }
    return undefined;
  }

  /** Producer side: give back an acquired frame without publishing it (stream ended mid-frame). */
  abandon(frame: Frame): void {
    const slot = this.bySlot.get(frame);
    if (slot) slot.writing = false;
  }

  countSkip(): void {
    this.skipped++;
  }

  /** Producer side: the acquired frame is complete; it replaces any untaken frame in the mailbox. */
  publish(frame: Frame): void {
    const slot = this.bySlot.get(frame);
    if (!slot?.writing) throw new Error(`frame pool for ${this.cameraId}: publish() of a frame not acquired`);
    slot.writing = false;
    if (this.mailbox) {
      this.mailbox.inMailbox = false;
      this.skipped++;
    }
    this.mailbox = slot;
    slot.inMailbox = true;
    this.latestSlot = slot;
    this.published++;
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.listenerErrors++;
        this.lastListenerError = err;
      }
    }
  }

  /**
   * The most recently published frame, valid only until the current call stack returns: copy what you
   * need synchronously. Undefined before the first frame.
   */
  latest(): Frame | undefined {
    return this.latestSlot?.frame;
  }
}
