import type { Frame, FrameMailbox } from '../camera/frame.js';

/**
 * Anything that processes one camera's frames (a CameraPipeline). With `maxInFlight` > 1 it must accept a
 * new frame before the previous one's promise settled (a CameraPipeline keeps results in order).
 */
export interface FrameProcessor {
  process(frame: Frame): Promise<unknown>;
}

export interface SchedulerCameraStats {
  /** Frames taken from the mailbox and processed (gated or inferred). */
  served: number;
  errors: number;
}

interface Entry {
  id: string;
  mailbox: FrameMailbox;
  pipeline: FrameProcessor;
  queued: boolean;
  stats: SchedulerCameraStats;
  unsubscribe: () => void;
}

export interface SchedulerOptions {
  /**
   * Frames in flight at once (default 1). 2 keeps a pipelined Detector busy: the next frame is
   * preprocessed and queued while the current one is inferred. Each frame holds its pool buffer until done.
   */
  maxInFlight?: number;
}

/**
 * Shares one detector across cameras. Each camera's latest-frame mailbox already drops the oldest frame
 * when the detector falls behind; the scheduler keeps a round-robin queue of cameras that have a frame
 * waiting (each at most once), so every camera gets one turn per round and none can starve another.
 * By default one frame is in flight at a time: the detector serves one camera after another.
 */
export class DetectionScheduler {
  private readonly cameras = new Map<string, Entry>();
  private readonly ready: Entry[] = [];
  private inFlight = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly maxInFlight: number;
  /** When a frame last finished, or work started after idling (epoch ms). */
  private lastProgressMs = Date.now();

  constructor(
    private readonly onError: (cameraId: string, err: unknown) => void = () => {},
    options: SchedulerOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  add(id: string, mailbox: FrameMailbox, pipeline: FrameProcessor): void {
    if (this.cameras.has(id)) throw new Error(`camera ${id} is already scheduled`);
    const entry: Entry = {
      id,
      mailbox,
      pipeline,
      queued: false,
      stats: { served: 0, errors: 0 },
      unsubscribe: () => {},
    };
    entry.unsubscribe = mailbox.onFrame(() => this.enqueue(entry));
    this.cameras.set(id, entry);
  }

  remove(id: string): void {
    const entry = this.cameras.get(id);
    if (!entry) return;
    entry.unsubscribe();
    this.cameras.delete(id);
    const i = this.ready.indexOf(entry);
    if (i >= 0) this.ready.splice(i, 1);
  }

  stats(id: string): SchedulerCameraStats | undefined {
    return this.cameras.get(id)?.stats;
  }

  /** How long frames have been in flight without any finishing (0 when idle): a wedged detector grows it. */
  stuckMs(now = Date.now()): number {
    return this.inFlight > 0 ? now - this.lastProgressMs : 0;
  }

  /** Resolves once no frame is in flight and no camera waits for its turn. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking frames; resolves when the frames in flight (if any) are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.cameras.keys()]) this.remove(id);
    await this.whenIdle();
  }

  private enqueue(entry: Entry): void {
    if (this.stopped || entry.queued || !this.cameras.has(entry.id)) return;
    entry.queued = true;
    this.ready.push(entry);
    this.pump();
  }

  /** Starts frames of waiting cameras, round-robin, while fewer than maxInFlight are in flight. */
  private pump(): void {
    while (!this.stopped && this.inFlight < this.maxInFlight) {
      const entry = this.ready.shift();
      if (!entry) break;
      entry.queued = false;
      const frame = entry.mailbox.take();
      if (!frame) continue;
      if (this.inFlight === 0) this.lastProgressMs = Date.now();
      this.inFlight++;
      void this.serve(entry, frame);
    }
    if (this.inFlight === 0) this.wakeIdle();
  }

  private async serve(entry: Entry, frame: Frame): Promise<void> {
    try {
      await entry.pipeline.process(frame);
      entry.stats.served++;
    } catch (err) {
      entry.stats.errors++;
      this.onError(entry.id, err);
    } finally {
      entry.mailbox.release(frame);
      this.lastProgressMs = Date.now();
      this.inFlight--;
      this.pump();
    }
  }

  private wakeIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
