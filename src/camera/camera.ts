import { EventEmitter } from 'node:events';
import { Backoff, jitter } from '../lifecycle/backoff.js';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../log/redact.js';
import { type CameraState, type CameraTransition, terminalStateFor } from './camera-state.js';
import { lastErrorLine, type StreamInfo } from './ffmpeg-log.js';
import type { Frame, FrameMailbox } from './frame.js';
import { FramePool } from './frame-pool.js';
import { FrameReader, type FrameReaderOptions, type Hwaccel, type ReaderExit } from './frame-reader.js';
import { layoutSize, sameLayout, type TileRect, type TileSpec, uniformTiles } from './letterbox.js';
import { grabStill } from './still.js';

export interface CameraOptions {
  id: string;
  url: string;
  transport?: 'tcp' | 'udp';
  loop?: boolean;
  realtime?: boolean;
  hwaccel?: Hwaccel;
  /** Detector input size. */
  width: number;
  height: number;
  /** Detection tiles (camera image fractions); each is one width x height slice of the frame. */
  tiles?: readonly TileRect[];
  /**
   * The frame layout for a picture of the given size (0 x 0: not known yet), e.g. the automatic detection
   * regions. When the picture turns out to need another layout than the one the stream started with, the
   * camera reconnects once with it. Overrides `width`, `height` and `tiles`.
   */
  layoutFor?: (srcWidth: number, srcHeight: number) => readonly TileSpec[];
  /** Told the layout the camera uses, whenever it changes. */
  onLayout?: (layout: readonly TileSpec[], srcWidth: number, srcHeight: number) => void;
  /** Frames per second delivered to the detector. */
  detectFps: number;
  /** No frame for this long (also: no first frame this long after connecting) = stalled. Default 10 s. */
  stallTimeoutMs?: number;
  /** Time allowed from starting ffmpeg to the first frame (probing takes a while). Default max(stall, 15 s). */
  connectTimeoutMs?: number;
  /** Reconnect backoff: initial and maximum delay (default 1 s → 60 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Retry delay in the slow-retry states (unauthorized, not_found, bad_media, no_video, bad_config; default 5 min, jittered). */
  slowRetryMs?: number;
  decoderThreads?: number;
  /** Where full-resolution stills are grabbed from on demand (the record input); default: `url`. */
  stillInput?: { url: string; transport?: 'tcp' | 'udp' };
  /** Extra outputs of the camera's ffmpeg (the clip recorder's segment muxer). */
  extraOutputs?: () => FrameReaderOptions['extraOutputs'];
  log?: Logger;
  /** How often health rates are computed (default 1 s). */
  healthIntervalMs?: number;
}

/** States a failure leads to: logged once per repeated failure, summarised on recovery. */
/** Retry delays vary ±20 %: cameras that failed together do not retry together. */
const RETRY_JITTER = [0.8, 1.2] as const;
/**
 * A camera that streamed a moment ago and now answers 404/401 is most likely rebooting (its RTSP server
 * up before its stream): for this long after its last frame such answers get the normal backoff, not the
 * slow retry meant for a wrong URL or password.
 */
const REBOOT_GRACE_MS = 120_000;

const FAILING_STATES: ReadonlySet<CameraState> = new Set<CameraState>([
  'stalled',
  'backoff',
  'unauthorized',
  'not_found',
  'bad_media',
  'no_video',
  'bad_config',
]);

export interface CameraHealth {
  id: string;
  state: CameraState;
  /** Since when (epoch ms) the camera is in this state. */
  since: number;
  reason?: string;
  /** Stream frame rate as the camera announces it. */
  inputFps?: number;
  /** Frames/s coming out of ffmpeg (after fps reduction). */
  frameFps: number;
  /** Frames/s taken by the consumer (the detector). */
  processedFps: number;
  /** Frames/s dropped because the consumer was behind. */
  skippedFps: number;
  /** Detections/s reported by the detector (recordDetect). */
  detectFps: number;
  /** ms since the last frame (undefined before the first). */
  lastFrameAgeMs?: number;
  reconnects: number;
  ffmpegRestarts: number;
  framesTotal: number;
  skippedTotal: number;
  stream?: StreamInfo;
  retryInMs?: number;
  pid?: number;
}

/** A full-resolution JPEG and when it was grabbed. */
export interface Still {
  jpeg: Buffer;
  wallMs: number;
}

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
  private lastStill?: Still;
  private grabbing?: Promise<Still>;
  reconnects = 0;
  ffmpegRestarts = 0;
  private starts = 0;
  private everStreamed = false;
  private readonly backoff: Backoff;
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
  private prev = { frames: 0, taken: 0, skipped: 0, detects: 0, atMs: Date.now() };
  /** Repeated identical failures are logged once, then summarised on recovery. */
  private lastFailureKey?: string;
  private repeatedFailures = 0;
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
    this.backoff = new Backoff({
      initialMs: opts.backoffInitialMs ?? 1000,
      maxMs: opts.backoffMaxMs ?? 60_000,
      jitter: RETRY_JITTER,
    });
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
    this.backoff.reset();
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
    const last = this.lastStill;
    if (last && Date.now() - last.wallMs <= maxAgeMs) return Promise.resolve(last);
    if (this.grabbing) return this.grabbing;
    const input = this.opts.stillInput ?? { url: this.opts.url, transport: this.opts.transport };
    const isFile = input.url.startsWith('file:');
    const duration = this.reader?.durationS;
    const at = this.pool.latest()?.ptsMs ?? 0;
    const wallMs = Date.now();
    this.grabbing = grabStill({
      input: {
        ...input,
        realtime: false,
        loop: false,
        seekSeconds: isFile && duration ? (at / 1000) % duration : undefined,
      },
    })
      .then((jpeg) => {
        this.lastStill = { jpeg, wallMs };
        return this.lastStill;
      })
      .finally(() => {
        this.grabbing = undefined;
      });
    return this.grabbing;
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
    const next = layoutFor(width, height);
    if (sameLayout(next, this.layout)) return;
    this.layout = next;
    this.opts.onLayout?.(next, width, height);
    void this.restart();
  }

  private onFirstFrame(): void {
    this.backoff.reset();
    if (this.everStreamed) this.reconnects++;
    this.everStreamed = true;
    const detail = this.repeatedFailures > 1 ? `after ${this.repeatedFailures} failed attempts` : undefined;
    this.lastFailureKey = undefined;
    this.repeatedFailures = 0;
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
    // A live stream that ends without an error (the input list on stdin then simply ends) is a dropped camera.
    const closed = exit.code === 0 && exit.reason === 'unknown';
    const detail = closed ? 'the camera closed the stream' : lastErrorLine(exit.stderrTail);
    const terminal = terminalStateFor(exit.reason);
    const rebooting =
      (terminal === 'not_found' || terminal === 'unauthorized') &&
      this.everStreamed &&
      Date.now() - this.lastFrameWallMs < REBOOT_GRACE_MS;
    if (terminal && !rebooting) {
      this.scheduleRetry(
        terminal,
        exit.reason!,
        detail,
        Math.round(jitter(this.opts.slowRetryMs ?? 300_000, RETRY_JITTER)),
      );
      return;
    }
    if (this.state === 'streaming') this.transition('stalled', 'stream lost', { detail });
    this.scheduleRetry(
      'backoff',
      closed ? 'stream ended' : (exit.reason ?? 'exited'),
      detail,
      this.backoff.next(),
    );
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
    this.scheduleRetry('backoff', wasStreaming ? 'stall' : 'timeout', 'no frame', this.backoff.next());
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
    this.logTransition(t);
    this.emit('state', t);
  }

  private logTransition(t: CameraTransition): void {
    const log = this.opts.log;
    if (!log) return;
    const failing = FAILING_STATES.has(t.to);
    if (t.to === 'connecting' && this.repeatedFailures > 0) return; // part of a retry loop already reported
    if (failing) {
      const key = `${t.to}:${t.reason}`;
      if (key === this.lastFailureKey) {
        this.repeatedFailures++;
        log.debug({ camera: t.cameraId, ...t }, 'camera still failing');
        return;
      }
      this.lastFailureKey = key;
      this.repeatedFailures = 1;
      log.warn(
        {
          camera: t.cameraId,
          from: t.from,
          to: t.to,
          reason: t.reason,
          detail: t.detail,
          retryInMs: t.retryInMs,
        },
        `camera ${t.to}`,
      );
      return;
    }
    log.info(
      { camera: t.cameraId, from: t.from, to: t.to, reason: t.reason, detail: t.detail },
      `camera ${t.to}`,
    );
  }

  private updateHealth(): void {
    this.lastHealth = this.computeHealth();
    this.emit('health', this.lastHealth);
  }

  private computeHealth(): CameraHealth {
    const now = Date.now();
    const frames = this.framesTotal + (this.reader?.framesOut ?? 0);
    const dt = Math.max(1, now - this.prev.atMs) / 1000;
    const rate = (a: number, b: number) => Math.round(((a - b) / dt) * 10) / 10;
    const h: CameraHealth = {
      id: this.id,
      state: this.state,
      since: this.stateSince,
      reason: this.stateReason,
      inputFps: this.streamInfo?.fps,
      frameFps: rate(frames, this.prev.frames),
      processedFps: rate(this.pool.taken, this.prev.taken),
      skippedFps: rate(this.pool.skipped, this.prev.skipped),
      detectFps: rate(this.detects, this.prev.detects),
      lastFrameAgeMs: this.lastFrameWallMs > 0 ? now - this.lastFrameWallMs : undefined,
      reconnects: this.reconnects,
      ffmpegRestarts: this.ffmpegRestarts,
      framesTotal: frames,
      skippedTotal: this.pool.skipped,
      stream: this.streamInfo,
      retryInMs: this.retryDueMs !== undefined ? Math.max(0, this.retryDueMs - now) : undefined,
      pid: this.reader?.pid,
    };
    this.prev = {
      frames,
      taken: this.pool.taken,
      skipped: this.pool.skipped,
      detects: this.detects,
      atMs: now,
    };
    return h;
  }
}
