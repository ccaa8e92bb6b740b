/**
 * FrameReader: one ffmpeg process that turns a camera (rtsp://, rtsps://) or a clip (file://) into
 * letterboxed BGR24 detector frames, delivered through a `FramePool` (the camera's `FrameMailbox`).
 *
 * ffmpeg does everything pixel-related: decode (optionally hardware), fps reduction (`fps` filter),
 * scale keeping aspect ratio, and pad right/bottom with grey 114 to `width` x `height` (the YOLOX input
 * contract), writing `-f rawvideo -pix_fmt bgr24` to stdout. The reader copies each pipe chunk once into
 * a pooled frame buffer and publishes whole frames; nothing is allocated per frame.
 *
 * Usage (live camera; a slow consumer only causes counted skips):
 *
 *   const reader = new FrameReader({ cameraId: 'cam1', url, width: 416, height: 416, fps: 5 });
 *   reader.pool.onFrame(() => {
 *     const f = reader.pool.take();
 *     if (!f) return;
 *     try { detect(f.data, f.geometry, f.ptsMs); } finally { reader.pool.release(f); }
 *   });
 *   reader.on('exit', (e) => ...);   // e.reason says why (unauthorized, not_found, ...)
 *   reader.start();  ...  await reader.stop();
 *
 * Usage (analyze a clip, every frame or at a detect fps, as fast as possible, nothing dropped):
 *
 *   const reader = new FrameReader({ cameraId: 'clip', url: pathToFileURL(p).href, width: 416,
 *     height: 416, fps: 5 (or omit for every frame), realtime: false, loop: false });
 *   reader.on('end', ...)  // clean end of the clip; 'exit' follows
 *
 * Or, simplest for a clip: `for await (const frame of readClipFrames({ ...same options })) { ... }`.
 *
 * With `realtime: false` on a file the reader is lossless: it stops reading the pipe (ffmpeg blocks)
 * while a frame waits untaken in the mailbox, so every frame reaches the consumer. The consumer must
 * take() frames (a listener or a loop awaiting `onFrame`) or the clip never finishes.
 *
 * ptsMs: `ptsOffsetMs + index / fps` where fps is the output rate (the `fps` filter makes it constant),
 * or the stream's own rate from ffmpeg's banner when every frame is kept (exact for constant-rate clips,
 * an approximation for variable-rate ones). A looped clip keeps counting up (monotonic time).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import ffmpeg from 'fluent-ffmpeg';
import { type FfmpegInput, feedInput, ffmpegInput, lowerPriority } from './ffmpeg-input.js';
import { classifyFailure, type FailureReason, parseVideoStreamLine, type StreamInfo } from './ffmpeg-log.js';
import type { Frame, FrameGeometry } from './frame.js';
import { FramePool } from './frame-pool.js';
import {
  layoutFilters,
  layoutGeometry,
  layoutSize,
  type TileRect,
  type TileSpec,
  uniformTiles,
} from './letterbox.js';

export type Hwaccel = 'none' | 'auto' | 'vaapi' | 'cuda' | 'qsv' | 'drm' | 'vdpau';

export interface FrameReaderOptions {
  cameraId: string;
  /** rtsp://, rtsps:// or file:// */
  url: string;
  /** Detector input size: frames (each tile) are letterboxed to exactly this. */
  width: number;
  height: number;
  /**
   * Detection tiles in fractions of the camera image: each is cropped and letterboxed to width x height
   * and the tiles are stacked vertically in one frame (height x N). Default: the whole image.
   */
  tiles?: readonly TileRect[];
  /**
   * The frame layout, each tile with its own size (automatic detection regions: see vision/detect-plan.ts).
   * Overrides `width`, `height` and `tiles`.
   */
  layout?: readonly TileSpec[];
  /** Output frame rate (fps filter); undefined keeps every decoded frame. */
  fps?: number;
  transport?: 'tcp' | 'udp';
  /** file:// only: start again at the end. Default true. */
  loop?: boolean;
  /** file:// only: read at the clip's own rate (`-re`). Default true. */
  realtime?: boolean;
  /** Never drop: pause the pipe while a frame is untaken. Default: file:// and not realtime. */
  lossless?: boolean;
  hwaccel?: Hwaccel;
  /** Decoder and filter threads (0 = ffmpeg's choice). Many cameras on few cores do better with 1. */
  decoderThreads?: number;
  /** RTSP socket I/O timeout; ffmpeg gives up (and exits) after this long without data. Default 5 s. */
  ioTimeoutMs?: number;
  /** More outputs of the same process (e.g. the clip segment muxer), each `-map 0:v:0` + options + target. */
  extraOutputs?: Array<{ options: string[]; target: string }>;
  /** Added to every ptsMs (a restarted stream continues its camera's timeline). */
  ptsOffsetMs?: number;
  /** Frame pool to publish into (kept across restarts by a camera); created when absent. */
  pool?: FramePool;
  /** Buffers of the pool created when `pool` is absent (default 4). */
  poolSize?: number;
  /** Run ffmpeg below the gateway's priority (live cameras: see FFMPEG_NICE). Default false. */
  lowPriority?: boolean;
  ffmpegPath?: string;
}

export interface ReaderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() ended it. */
  stopped: boolean;
  /** A file that played to its end (exit code 0, not stopped). */
  ended: boolean;
  /** Classified from stderr; undefined for a clean end or a stop. */
  reason?: FailureReason;
  /** The last stderr lines (may contain the URL: scrub before logging). */
  stderrTail: string[];
  framesOut: number;
  /** The first stderr line that reported damaged input (a truncated or corrupt file), if any. */
  damage?: string;
}

export interface FrameReaderEvents {
  info: [StreamInfo];
  end: [];
  exit: [ReaderExit];
}

const STDERR_LINES = 40;
/** ffmpeg's words for input it could not read whole: a file cut short (most telling) or corrupt data. */
const CUT_SHORT_RE = /partial file|moov atom not found|truncated/i;
const DAMAGE_RE = /Error while decoding|Invalid data found|Error splitting the input into NAL units|corrupt/i;
const DURATION_RE = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/;

export class FrameReader extends EventEmitter<FrameReaderEvents> {
  readonly pool: FramePool;
  readonly frameBytes: number;
  readonly isFile: boolean;
  readonly lossless: boolean;
  /** The tiles each frame holds. */
  readonly layout: readonly TileSpec[];
  info?: StreamInfo;
  /** The input's duration from ffmpeg's banner, seconds (files; undefined for live streams). */
  durationS?: number;
  /** The first stderr line that reported damaged input, if any. */
  damage?: string;
  geometry?: FrameGeometry;
  /** Frames completed by this process (published or skipped). */
  framesOut = 0;
  /** Wall clock of the last completed frame (0: none yet). */
  lastFrameWallMs = 0;
  readonly exited: Promise<ReaderExit>;

  private child?: ChildProcess;
  private resolveExit!: (e: ReaderExit) => void;
  private cur: Frame | undefined;
  private fill = 0;
  private blocked: Buffer | undefined;
  private awaitingGeometry = false;
  private stopping = false;
  private readonly stderrTail: string[] = [];
  private stderrPartial = '';
  private cutShort = false;
  private section: 'none' | 'input' | 'output' = 'none';
  private readonly unsubscribeTake: () => void;

  constructor(readonly opts: FrameReaderOptions) {
    super();
    this.layout = opts.layout ?? uniformTiles(opts.width, opts.height, opts.tiles);
    for (const t of this.layout) {
      if (!Number.isInteger(t.width) || !Number.isInteger(t.height) || t.width < 8 || t.height < 8) {
        throw new Error(`camera ${opts.cameraId}: bad detector input size ${t.width}x${t.height}`);
      }
    }
    if (opts.fps !== undefined && !(opts.fps > 0)) {
      throw new Error(`camera ${opts.cameraId}: fps must be > 0, got ${opts.fps}`);
    }
    this.isFile = opts.url.startsWith('file:');
    const size = layoutSize(this.layout);
    this.pool = opts.pool ?? new FramePool(opts.cameraId, size.width, size.height, opts.poolSize);
    if (this.pool.width !== size.width || this.pool.height !== size.height) {
      throw new Error(`camera ${opts.cameraId}: frame pool size differs from the reader's output size`);
    }
    this.frameBytes = this.pool.frameBytes;
    this.lossless = opts.lossless ?? (this.isFile && opts.realtime === false);
    this.exited = new Promise((r) => {
      this.resolveExit = r;
    });
    // Continue after the consumer's take() returns, never inside it (no re-entrant publish).
    this.unsubscribeTake = this.pool.onTake(() => {
      if (this.blocked && !this.awaitingGeometry && !this.unblockScheduled) {
        this.unblockScheduled = true;
        process.nextTick(this.unblockLater);
      }
    });
  }

  /** How ffmpeg opens the input (for a network camera: the URL comes on stdin, never on the command line). */
  private input(): FfmpegInput {
    const o = this.opts;
    return ffmpegInput({
      url: o.url,
      transport: o.transport,
      ioTimeoutMs: o.ioTimeoutMs,
      realtime: o.realtime,
      loop: o.loop,
    });
  }

  /** The ffmpeg arguments (built with fluent-ffmpeg), for logs and tests. */
  args(): string[] {
    const o = this.opts;
    const { options, source } = this.input();
    const input: string[] = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', ...options];
    if (o.hwaccel && o.hwaccel !== 'none') input.push('-hwaccel', o.hwaccel);
    if (o.decoderThreads !== undefined) {
      // Scale/pad run in the filter graph: its slice threads cost ~10 % more CPU per frame for one
      // camera and only add contention with many, so they follow the decoder's thread count.
      input.push('-threads', String(o.decoderThreads), '-filter_threads', String(o.decoderThreads));
    }

    const cmd = ffmpeg().input(source).inputOptions(input);
    cmd
      .output('pipe:1')
      .outputOptions(['-map', '0:v:0', '-an', '-sn', '-dn'])
      .videoFilters(layoutFilters(this.layout, o.fps))
      .outputOptions(o.fps === undefined ? ['-fps_mode', 'passthrough'] : [])
      .outputOptions(['-pix_fmt', 'bgr24'])
      .format('rawvideo');
    for (const extra of o.extraOutputs ?? []) {
      cmd.output(extra.target).outputOptions(['-map', '0:v:0', ...extra.options]);
    }
    return (cmd as unknown as { _getArguments(): string[] })._getArguments();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.child) throw new Error(`camera ${this.opts.cameraId}: reader already started`);
    const args = this.args();
    const input = this.input();
    const child = spawn(this.opts.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg', args, {
      stdio: [input.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    if (this.opts.lowPriority) lowerPriority(child.pid);
    feedInput(child.stdin, input);
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.onStderr(text));
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
      // 'close' does not always follow a failed spawn.
      if (child.pid === undefined) this.finish(null, null, spawnError);
    });
    child.once('close', (code, signal) => this.finish(code, signal, spawnError));
  }

  /** SIGTERM (ffmpeg closes its outputs cleanly), then SIGKILL after `graceMs`; resolves once it is gone. */
  async stop(graceMs = 2000): Promise<ReaderExit | undefined> {
    const child = this.child;
    if (!child) return undefined;
    this.stopping = true;
    if (this.running) {
      child.kill('SIGTERM');
      // ffmpeg blocked on a paused pipe cannot act on SIGTERM's graceful path: let it drain.
      this.blocked = undefined;
      child.stdout?.resume();
      const timer = setTimeout(() => this.running && child.kill('SIGKILL'), graceMs);
      const e = await this.exited;
      clearTimeout(timer);
      return e;
    }
    return this.exited;
  }

  private finished = false;

  private finish(code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void {
    if (this.finished) return;
    this.finished = true;
    if (this.stderrPartial) this.pushStderrLine(this.stderrPartial);
    if (spawnError) this.pushStderrLine(`spawn ffmpeg: ${spawnError.message}`);
    if (this.cur) {
      this.pool.abandon(this.cur);
      this.cur = undefined;
    }
    this.unsubscribeTake();
    const ended = code === 0 && !this.stopping && this.isFile;
    const failed = !this.stopping && !ended;
    const exit: ReaderExit = {
      code,
      signal,
      stopped: this.stopping,
      ended,
      reason: failed
        ? spawnError
          ? 'bad_config'
          : classifyFailure(this.stderrTail, this.isFile)
        : undefined,
      stderrTail: [...this.stderrTail],
      framesOut: this.framesOut,
      damage: this.damage,
    };
    if (ended) this.emit('end');
    this.emit('exit', exit);
    this.resolveExit(exit);
  }

  private onStderr(text: string): void {
    const parts = (this.stderrPartial + text).split(/\r?\n|\r/);
    this.stderrPartial = parts.pop() ?? '';
    for (const line of parts) if (line) this.pushStderrLine(line);
  }

  private pushStderrLine(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_LINES) this.stderrTail.shift();
    if (!this.cutShort) {
      // The first complaint, until one says the file is cut short (that one explains the others).
      const cut = CUT_SHORT_RE.test(line);
      if (cut || (this.damage === undefined && DAMAGE_RE.test(line))) {
        this.damage = line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\] /, '').slice(0, 300);
        this.cutShort = cut;
      }
    }
    if (this.info) return;
    if (line.startsWith('Input #')) this.section = 'input';
    else if (line.startsWith('Output #') || line.startsWith('Stream mapping')) this.section = 'output';
    else if (this.section === 'input') {
      const d = DURATION_RE.exec(line);
      if (d) this.durationS = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
      const info = parseVideoStreamLine(line);
      if (info) this.setInfo(info);
    }
  }

  private setInfo(info: StreamInfo): void {
    this.info = info;
    this.geometry = layoutGeometry(info.width, info.height, this.layout);
    this.emit('info', info);
    if (this.awaitingGeometry) {
      this.awaitingGeometry = false;
      this.completeFrame();
      if (this.blocked && !(this.lossless && this.pool.pending)) this.unblock();
    }
  }

  private unblockScheduled = false;
  private readonly unblockLater = () => {
    this.unblockScheduled = false;
    if (this.blocked && !this.awaitingGeometry && !(this.lossless && this.pool.pending)) this.unblock();
  };

  private unblock(): void {
    const rest = this.blocked;
    this.blocked = undefined;
    if (rest) this.onData(rest);
    if (!this.blocked) this.child?.stdout?.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.stopping) return; // what ffmpeg flushes while stopping is not wanted any more
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
    this.child?.stdout?.pause();
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
    const fps = this.opts.fps ?? this.info?.fps ?? 25;
    frame.seq = this.pool.nextSeq++;
    frame.ptsMs = (this.opts.ptsOffsetMs ?? 0) + (index * 1000) / fps;
    frame.wallMs = now;
    frame.geometry = this.geometry!;
    this.pool.publish(frame);
  }
}

/**
 * Every frame of a clip (file://, not realtime, no loop, lossless) as an async iterable. Each frame is
 * valid until the next iteration step (its buffer then goes back to the pool); breaking out of the loop
 * stops ffmpeg. Throws when ffmpeg fails (not for a clean end of the clip).
 */
export async function* readClipFrames(
  options: Omit<FrameReaderOptions, 'realtime' | 'loop' | 'lossless'>,
): AsyncGenerator<Frame, ReaderExit> {
  const reader = new FrameReader({ ...options, realtime: false, loop: false, lossless: true });
  let wake: (() => void) | undefined;
  let exit: ReaderExit | undefined;
  reader.pool.onFrame(() => wake?.());
  reader.on('exit', (e) => {
    exit = e;
    wake?.();
  });
  reader.start();
  try {
    for (;;) {
      const frame = reader.pool.take();
      if (frame) {
        try {
          yield frame;
        } finally {
          reader.pool.release(frame);
        }
        continue;
      }
      if (exit) break;
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
    }
  } finally {
    if (!exit) await reader.stop();
  }
  if (!exit.ended) {
    throw new Error(
      `camera ${options.cameraId}: ffmpeg failed (${exit.reason ?? 'unknown'}): ${exit.stderrTail.slice(-3).join(' | ')}`,
    );
  }
  return exit;
}
