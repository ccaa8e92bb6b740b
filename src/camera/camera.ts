import { EventEmitter } from 'node:events';
import { redactUrl } from '../log/redact.js';
import { type CameraHealth, HealthMeter } from './camera-health.js';
import type { CameraOptions } from './camera-options.js';
import { describeExit, ReconnectPolicy } from './camera-retry.js';
import type { CameraState, CameraTransition } from './camera-state.js';
import { TransitionLog } from './camera-transition-log.js';
import type { StreamInfo } from './ffmpeg-log.js';
import type { Frame, FrameMailbox } from './frame.js';
import { FramePool } from './frame-pool.js';
import { FrameReader, type ReaderExit } from './frame-reader.js';
import { layoutSize, sameLayout, type TileSpec, uniformTiles } from './letterbox.js';
import { type Still, StillCache } from './still-cache.js';

export type { CameraHealth } from './camera-health.js';
export type { CameraOptions } from './camera-options.js';
export type { Still } from './still-cache.js';

export interface CameraEvents {
  state: [CameraTransition];
  health: [CameraHealth];
  /** A non-looping clip played to its end. */
  end: [];
}

/**
 * One camera: runs its ffmpeg FrameReader, watches it, and keeps it running unattended through drops,
 * stalls and reboots (see camera-state.ts). Consumers read frames from `mailbox`.
 */
export class Camera extends EventEmitter<CameraEvents> {
  readonly pool: FramePool;
  state: CameraState = 'idle';
  stateSince = Date.now();
  stateReason?: string;
  reader?: FrameReader;
  streamInfo?: StreamInfo;
  reconnects = 0;
  ffmpegRestarts = 0;
  private starts = 0;
  private everStreamed = false;
  private readonly retry: ReconnectPolicy;
  private readonly stills: StillCache;
  private readonly transitions: TransitionLog;
  private readonly meter = new HealthMeter();
  private retryTimer?: NodeJS.Timeout;
  private retryDueMs?: number;
  private watchdog?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private connectStartMs = 0;
  private lastPtsMs = 0;
  private lastFrameWallMs = 0;
  private framesTotal = 0;
  private detects = 0;
  private lastHealth: CameraHealth;
  private readonly stallTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  /** The most recent transition (tests and the API read it). */
  lastTransition?: CameraTransition;
  /** The tiles each frame holds (see CameraOptions.layoutFor). */
  layout: readonly TileSpec[];
  /** The picture size the layout was made for (0 x 0 before the stream told it). */
  private layoutSize: [number, number] = [0, 0];

  constructor(readonly opts: CameraOptions) {
    super();
    this.layout = opts.layoutFor?.(0, 0) ?? uniformTiles(opts.width, opts.height, opts.tiles);
    const size = layoutSize(this.layout);
    this.pool = new FramePool(opts.id, size.width, size.height);
    opts.onLayout?.(this.layout, 0, 0);
    this.retry = new ReconnectPolicy(opts);
    this.stills = new StillCache(opts);
    this.transitions = new TransitionLog(opts.log);
    this.stallTimeoutMs = opts.stallTimeoutMs ?? 10_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? Math.max(this.stallTimeoutMs, 15_000);
    this.lastHealth = this.computeHealth();
  }

  get id(): string {
    return this.opts.id;
  }

  /** Where the detector takes frames from. */
  get mailbox(): FrameMailbox {
    return this.pool;
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.state = 'idle';
    const tick = Math.max(50, Math.min(1000, Math.floor(this.stallTimeoutMs / 4)));
    this.watchdog = setInterval(() => this.checkStall(), tick);
    this.healthTimer = setInterval(() => this.updateHealth(), this.opts.healthIntervalMs ?? 1000);
    this.connect();
  }

  async stop(): Promise<void> {
    clearInterval(this.watchdog);
    clearInterval(this.healthTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const reader = this.reader;
    this.reader = undefined;
    this.transition('stopped');
    await reader?.stop();
  }

  /**
   * Drops the stream and connects again now, backoff reset (a remote restart). The old ffmpeg is gone
   * before the new one starts. No effect on a camera that is not started.
   */
  async restart(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const reader = this.reader;
    this.reader = undefined;
    this.retry.reset();
    await reader?.stop(1000);
    // stop() may have run meanwhile.
    if ((this.state as CameraState) !== 'stopped' && this.reader === undefined) this.connect();
  }

  /** The latest detector frame; valid only synchronously (copy what you need). */
  latestFrame(): Frame | undefined {
    return this.pool.latest();
  }

  /**
   * A full-resolution JPEG of the camera now, grabbed on demand from the still input (the main stream),
   * at most `maxAgeMs` old; concurrent callers share one grab. A clip source is grabbed where it plays now.
   */
  still(maxAgeMs = 2000): Promise<Still> {
    return this.stills.get(maxAgeMs, this.reader?.durationS, this.pool.latest()?.ptsMs ?? 0);
  }

  /** The detector reports each inference here, for the detect fps in health. */
  recordDetect(): void {
    this.detects++;
  }

  health(): CameraHealth {
    return this.lastHealth;
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.retryDueMs = undefined;
    if (this.state === 'stopped') return;
    this.transition('connecting');
    const o = this.opts;
    const ptsOffsetMs = this.lastFrameWallMs > 0 ? this.lastPtsMs + (Date.now() - this.lastFrameWallMs) : 0;
    const size = layoutSize(this.layout);
    this.pool.resize(size.width, size.height);
    const reader = new FrameReader({
      cameraId: o.id,
      url: o.url,
      width: o.width,
      height: o.height,
      layout: this.layout,
      fps: o.detectFps,
      transport: o.transport,
      loop: o.loop,
      realtime: o.realtime,
      // A camera is live: the detector must never hold ffmpeg back.
      lossless: false,
      lowPriority: true,
      hwaccel: o.hwaccel,
      decoderThreads: o.decoderThreads,
      ioTimeoutMs: Math.max(1000, this.stallTimeoutMs),
      extraOutputs: o.extraOutputs?.(),
      ptsOffsetMs,
      pool: this.pool,
    });
    this.reader = reader;
    this.starts++;
    if (this.starts > 1) this.ffmpegRestarts++;
    this.connectStartMs = Date.now();
    const onFrame = () => {
      if (this.reader !== reader) return;
      this.lastFrameWallMs = reader.lastFrameWallMs;
      if (this.state === 'connecting') this.onFirstFrame();
    };
    const offFrame = this.pool.onFrame(onFrame);
    reader.on('info', (info) => {
      this.streamInfo = info;
      if (this.reader === reader) this.fitLayout(info.width, info.height);
    });
    reader.on('exit', (exit) => {
      offFrame();
      this.framesTotal += exit.framesOut;
      this.lastPtsMs = ptsOffsetMs + (exit.framesOut * 1000) / o.detectFps;
      if (this.reader === reader) this.onReaderExit(exit);
    });
    reader.start();
  }

  /**
   * The stream told its picture size: when the layout for it differs from the one the stream started
   * with (planned for a 16:9 picture), reconnect once with it.
   */
  private fitLayout(width: number, height: number): void {
    const layoutFor = this.opts.layoutFor;
    if (!layoutFor || (width === this.layoutSize[0] && height === this.layoutSize[1])) return;
    this.layoutSize = [width, height];
    this.relayout();
  }

  /**
   * The layout for the current picture changed (its size, or the gateway re-sized the camera's detection
   * regions): reconnect once with it. Nothing happens when it did not change.
   */
  relayout(): void {
    const layoutFor = this.opts.layoutFor;
    if (!layoutFor) return;
    const [width, height] = this.layoutSize;
    const next = layoutFor(width, height);
    if (sameLayout(next, this.layout)) return;
    this.layout = next;
    this.opts.onLayout?.(next, width, height);
    void this.restart();
  }

  private onFirstFrame(): void {
    this.retry.reset();
    if (this.everStreamed) this.reconnects++;
    this.everStreamed = true;
    const detail = this.transitions.recovered();
    this.transition('streaming', 'first frame', { detail });
  }

  private onReaderExit(exit: ReaderExit): void {
    this.reader = undefined;
    if (this.state === 'stopped') return;
    if (exit.ended) {
      if (this.opts.loop === false) {
        this.transition('ended', 'end of clip');
        this.emit('end');
        return;
      }
    }
    const { reason, detail } = describeExit(exit);
    const slow = this.retry.slowRetryState(exit.reason, this.everStreamed, this.lastFrameWallMs);
    if (slow) {
      this.scheduleRetry(slow, exit.reason!, detail, this.retry.slowDelay());
      return;
    }
    if (this.state === 'streaming') this.transition('stalled', 'stream lost', { detail });
    this.scheduleRetry('backoff', reason, detail, this.retry.nextDelay());
  }

  private checkStall(): void {
    const reader = this.reader;
    if (!reader) return;
    const now = Date.now();
    let stalled = false;
    if (this.state === 'streaming') stalled = now - this.lastFrameWallMs > this.stallTimeoutMs;
    else if (this.state === 'connecting') stalled = now - this.connectStartMs > this.connectTimeoutMs;
    if (!stalled) return;
    const wasStreaming = this.state === 'streaming';
    this.reader = undefined;
    if (wasStreaming)
      this.transition('stalled', 'no frame', { detail: `no frame for ${this.stallTimeoutMs} ms` });
    this.scheduleRetry('backoff', wasStreaming ? 'stall' : 'timeout', 'no frame', this.retry.nextDelay());
    void reader.stop(1000);
  }

  private scheduleRetry(
    state: CameraState,
    reason: string,
    detail: string | undefined,
    delayMs: number,
  ): void {
    clearTimeout(this.retryTimer);
    this.retryDueMs = Date.now() + delayMs;
    this.transition(state, reason, { detail, retryInMs: delayMs });
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private transition(
    to: CameraState,
    reason?: string,
    extra: { detail?: string; retryInMs?: number } = {},
  ): void {
    const from = this.state;
    if (from === to && to !== 'backoff') return;
    this.state = to;
    this.stateSince = Date.now();
    this.stateReason = reason;
    const detail = extra.detail ? redactUrl(extra.detail) : undefined;
    const t: CameraTransition = { cameraId: this.id, from, to, reason, detail, atMs: this.stateSince };
    if (extra.retryInMs !== undefined) t.retryInMs = extra.retryInMs;
    this.lastTransition = t;
    this.transitions.record(t);
    this.emit('state', t);
  }

  private updateHealth(): void {
    this.lastHealth = this.computeHealth();
    this.emit('health', this.lastHealth);
  }

  private computeHealth(): CameraHealth {
    return this.meter.measure({
      id: this.id,
      state: this.state,
      since: this.stateSince,
      reason: this.stateReason,
      stream: this.streamInfo,
      frames: this.framesTotal + (this.reader?.framesOut ?? 0),
      taken: this.pool.taken,
      skipped: this.pool.skipped,
      detects: this.detects,
      lastFrameWallMs: this.lastFrameWallMs,
      reconnects: this.reconnects,
      ffmpegRestarts: this.ffmpegRestarts,
      retryDueMs: this.retryDueMs,
      pid: this.reader?.pid,
    });
  }
}
