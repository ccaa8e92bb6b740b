/**
 * FrameReader: one ffmpeg process that turns a camera (rtsp://, rtsps://) or a clip (file://) into
 * letterboxed BGR24 detector frames, delivered through a `FramePool` (the camera's `FrameMailbox`).
 *
 * ffmpeg does everything pixel-related: decode (optionally hardware), fps reduction (`fps` filter),
 * scale keeping aspect ratio, and pad right/bottom with grey 114 to `width` x `height` (the YOLOX input
 * contract), writing `-f rawvideo -pix_fmt bgr24` to a private unix socket it listens on (FrameSocket:
 * read into one reused buffer, unlike a child's stdout). The reader copies each read once into a pooled
 * frame buffer and publishes whole frames; nothing is allocated per frame.
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
 * Or, simplest for a clip: `for await (const frame of readClipFrames({ ...same options })) { ... }`
 * (read-clip-frames.ts).
 *
 * With `realtime: false` on a file the reader is lossless: it stops reading the socket (ffmpeg blocks)
 * while a frame waits untaken in the mailbox, so every frame reaches the consumer. The consumer must
 * take() frames (a listener or a loop awaiting `onFrame`) or the clip never finishes.
 *
 * ptsMs: `ptsOffsetMs + index / fps` where fps is the output rate (the `fps` filter makes it constant),
 * or the stream's own rate from ffmpeg's banner when every frame is kept (exact for constant-rate clips,
 * an approximation for variable-rate ones). A looped clip keeps counting up (monotonic time).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { feedInput, lowerPriority } from './ffmpeg-input.js';
import type { StreamInfo } from './ffmpeg-log.js';
import { FfmpegStderr } from './ffmpeg-stderr.js';
import type { FrameGeometry } from './frame.js';
import { FramePool } from './frame-pool.js';
import { readerArgs, readerInput } from './frame-reader-args.js';
import type { FrameReaderOptions } from './frame-reader-options.js';
import { FrameSlicer } from './frame-slicer.js';
import { FrameSocket } from './frame-socket.js';
import { layoutGeometry, layoutSize, type TileSpec, uniformTiles } from './letterbox.js';
import { type ReaderExit, readerExit } from './reader-exit.js';

export type { FrameReaderOptions, Hwaccel } from './frame-reader-options.js';
export type { ReaderExit } from './reader-exit.js';

export interface FrameReaderEvents {
  info: [StreamInfo];
  end: [];
  exit: [ReaderExit];
}

export class FrameReader extends EventEmitter<FrameReaderEvents> {
  readonly pool: FramePool;
  readonly frameBytes: number;
  readonly isFile: boolean;
  readonly lossless: boolean;
  /** The tiles each frame holds. */
  readonly layout: readonly TileSpec[];
  info?: StreamInfo;
  geometry?: FrameGeometry;
  readonly exited: Promise<ReaderExit>;

  private child?: ChildProcess;
  private resolveExit!: (e: ReaderExit) => void;
  private stopping = false;
  private finished = false;
  private readonly stderr = new FfmpegStderr((info) => this.setInfo(info));
  private readonly slicer: FrameSlicer;
  private socket?: FrameSocket;
  private childExit?: { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error };
  private socketClosed = false;
  private started = false;

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
    this.slicer = new FrameSlicer(this.pool, this.lossless, opts.ptsOffsetMs ?? 0, opts.clipClockMs);
  }

  /** The input's duration from ffmpeg's banner, seconds (files; undefined for live streams). */
  get durationS(): number | undefined {
    return this.stderr.durationS;
  }

  /** The first stderr line that reported damaged input, if any. */
  get damage(): string | undefined {
    return this.stderr.damage;
  }

  /** Frames completed by this process (published or skipped). */
  get framesOut(): number {
    return this.slicer.framesOut;
  }

  /** Wall clock of the last completed frame (0: none yet). */
  get lastFrameWallMs(): number {
    return this.slicer.lastFrameWallMs;
  }

  /** The ffmpeg arguments (built with fluent-ffmpeg), for logs and tests; frames go to `target`. */
  args(target = 'unix:/frames.sock'): string[] {
    return readerArgs(this.opts, this.layout, target);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.started) throw new Error(`camera ${this.opts.cameraId}: reader already started`);
    this.started = true;
    let socket: FrameSocket;
    try {
      socket = new FrameSocket({
        data: (chunk, length) => this.slicer.data(chunk, length),
        closed: () => {
          this.socketClosed = true;
          this.finishOnce();
        },
      });
    } catch (err) {
      // No socket (temp dir full or read-only): the reader exits at once saying why, never throws.
      this.socketClosed = true;
      const e = new Error(`no frame socket: ${err instanceof Error ? err.message : String(err)}`);
      process.nextTick(() => this.childGone(null, null, e));
      return;
    }
    this.socket = socket;
    this.slicer.attach(socket);
    const args = this.args(socket.target);
    const input = readerInput(this.opts);
    const child = spawn(this.opts.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg', args, {
      stdio: [input.stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    });
    this.child = child;
    if (this.opts.lowPriority) lowerPriority(child.pid);
    feedInput(child.stdin, input);
    socket.open();
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.stderr.write(text));
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
      // 'close' does not always follow a failed spawn.
      if (child.pid === undefined) this.childGone(null, null, spawnError);
    });
    child.once('close', (code, signal) => this.childGone(code, signal, spawnError));
  }

  /** SIGTERM (ffmpeg closes its outputs cleanly), then SIGKILL after `graceMs`; resolves once it is gone. */
  async stop(graceMs = 2000): Promise<ReaderExit | undefined> {
    const child = this.child;
    if (!child) return undefined;
    this.stopping = true;
    this.slicer.stop();
    // What is still in the socket is read and dropped: a paused socket would never close.
    this.slicer.drain();
    if (this.running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => this.running && child.kill('SIGKILL'), graceMs);
      const e = await this.exited;
      clearTimeout(timer);
      return e;
    }
    return this.exited;
  }

  /** ffmpeg is gone; the reader finishes once its socket has delivered what is left in it. */
  private childGone(code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void {
    if (this.childExit) return;
    this.childExit = { code, signal, spawnError };
    this.socket?.giveUp();
    this.finishOnce();
  }

  private finishOnce(): void {
    if (this.childExit && this.socketClosed) {
      const { code, signal, spawnError } = this.childExit;
      this.finish(code, signal, spawnError);
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.stderr.end();
    if (spawnError) this.stderr.push(`spawn ffmpeg: ${spawnError.message}`);
    this.slicer.close();
    const exit = readerExit(
      {
        code,
        signal,
        stopped: this.stopping,
        isFile: this.isFile,
        spawnError,
        framesOut: this.slicer.framesOut,
      },
      this.stderr,
    );
    if (exit.ended) this.emit('end');
    this.emit('exit', exit);
    this.resolveExit(exit);
  }

  private setInfo(info: StreamInfo): void {
    this.info = info;
    this.geometry = layoutGeometry(info.width, info.height, this.layout);
    this.emit('info', info);
    this.slicer.setGeometry(this.geometry, this.opts.fps ?? info.fps ?? 25);
  }
}
