import type { Frame, FrameMailbox } from '../camera/frame.js';

/** Anything that processes one camera's frames one at a time (a CameraPipeline). */
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

/**
 * Shares one detector across cameras. Each camera's latest-frame mailbox already drops the oldest frame
 * when the detector falls behind; the scheduler keeps a round-robin queue of cameras that have a frame
 * waiting (each at most once), so every camera gets one turn per round and none can starve another.
 * One frame is in flight at a time: the detector (and its session threads) serve one camera after another.
 */
export class DetectionScheduler {
  private readonly cameras = new Map<string, Entry>();
  private readonly ready: Entry[] = [];
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onError: (cameraId: string, err: unknown) => void = () => {}) {}

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

  /** Resolves once no frame is in flight and no camera waits for its turn. */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking frames; resolves when the frame in flight (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.cameras.keys()]) this.remove(id);
    await this.whenIdle();
  }

  private enqueue(entry: Entry): void {
    if (this.stopped || entry.queued || !this.cameras.has(entry.id)) return;
    entry.queued = true;
    this.ready.push(entry);
    if (!this.running) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      for (let entry = this.ready.shift(); entry; entry = this.ready.shift()) {
        entry.queued = false;
        const frame = entry.mailbox.take();
        if (!frame) continue;
        try {
          await entry.pipeline.process(frame);
          entry.stats.served++;
        } catch (err) {
          entry.stats.errors++;
          this.onError(entry.id, err);
        } finally {
          entry.mailbox.release(frame);
        }
        if (this.stopped) break;
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
