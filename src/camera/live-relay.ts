import { type ChildProcess, spawn } from 'node:child_process';
import type { WebSocket } from 'ws';
import type { Logger } from '../log/logger.js';
import { type FfmpegInput, feedInput, ffmpegInput, lowerPriority } from './ffmpeg-input.js';
import { classifyFailure, type FailureReason, lastErrorLine } from './ffmpeg-log.js';

export interface LiveRelayOptions {
  cameraId: string;
  /** rtsp://, rtsps:// or file:// */
  url: string;
  transport?: 'tcp' | 'udp';
  /** file:// only: start again at the end (default true). */
  loop?: boolean;
  width: number;
  height: number;
  /** MPEG-1 allows only 24, 25, 30, 50, 60 (and NTSC variants). Default 25. */
  fps?: number;
  bitrateKbps?: number;
  /** RTSP socket I/O timeout: ffmpeg gives up after this long without data. Default 5 s. */
  ioTimeoutMs?: number;
  /** start() fails when no video came out within this. Default 10 s. */
  startTimeoutMs?: number;
  /** Stop this long after the last viewer left (or when nobody connects after start). Default 10 s. */
  idleStopMs?: number;
  log?: Logger;
  onStopped?: () => void;
  ffmpegPath?: string;
}

/** Why a live view could not start: what the camera answered, as `probe` says it. */
export class LiveViewError extends Error {
  constructor(
    readonly reason: FailureReason | 'ended',
    readonly detail: string | undefined,
  ) {
    super(`live view failed: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

const TS_PACKET = 188;
/** A viewer this far behind (a phone on a weak link) is dropped rather than buffered without end. */
const MAX_VIEWER_BACKLOG = 4 * 1024 * 1024;

/**
 * Live view for technicians: a second ffmpeg on the camera (independent of the detector's) encodes MPEG-1
 * in MPEG-TS, and each chunk goes to every WebSocket viewer (JSMpeg plays it in the browser). The viewers
 * come through the API's own server and port. Started on demand; stops when the last viewer has left.
 * ffmpeg's output never reaches the gateway's stdout: its stderr is kept for the failure reason.
 */
export class LiveRelay {
  readonly viewers = new Set<WebSocket>();
  private child?: ChildProcess;
  private idleTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  private starting?: Promise<void>;
  private readonly stderrTail: string[] = [];
  private partial: Buffer | undefined;
  bytesOut = 0;

  constructor(readonly opts: LiveRelayOptions) {}

  get running(): boolean {
    return this.child !== undefined && !this.stopping;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How ffmpeg opens the camera: its own transport and an I/O timeout; the URL on stdin, never in argv. */
  input(): FfmpegInput {
    const o = this.opts;
    return ffmpegInput({ url: o.url, transport: o.transport, ioTimeoutMs: o.ioTimeoutMs, loop: o.loop });
  }

  /** The ffmpeg arguments: the input, MPEG-TS on stdout. */
  args(): string[] {
    const o = this.opts;
    const input = this.input();
    const fps = o.fps ?? 25;
    return [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      'error',
      ...input.options,
      '-i',
      input.source,
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      `scale=${o.width}:${o.height}`,
      '-c:v',
      'mpeg1video',
      '-r',
      String(fps),
      '-g',
      String(fps),
      '-bf',
      '0',
      '-b:v',
      `${o.bitrateKbps ?? 1000}k`,
      '-f',
      'mpegts',
      'pipe:1',
    ];
  }

  /**
   * Starts ffmpeg (once) and resolves when the first video has come out of it; rejects with a
   * LiveViewError saying why when ffmpeg ends first or nothing comes within the start timeout.
   */
  start(): Promise<void> {
    this.starting ??= this.spawn();
    return this.starting;
  }

  private spawn(): Promise<void> {
    const o = this.opts;
    const input = this.input();
    const child = spawn(o.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg', this.args(), {
      stdio: [input.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    lowerPriority(child.pid);
    feedInput(child.stdin, input);
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) this.stderrTail.push(line.trim());
      if (this.stderrTail.length > 20) this.stderrTail.splice(0, this.stderrTail.length - 20);
    });
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => {
        reject(new LiveViewError('timeout', `no video within ${(o.startTimeoutMs ?? 10_000) / 1000} s`));
        void this.stop();
      }, o.startTimeoutMs ?? 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (!started) {
          started = true;
          clearTimeout(timer);
          this.armIdleStop();
          o.log?.info({ camera: o.cameraId, pid: child.pid }, 'live relay started');
          resolve();
        }
        this.broadcast(chunk);
      });
      child.once('error', (err) => this.stderrTail.push(`spawn ffmpeg: ${err.message}`));
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const detail = lastErrorLine(this.stderrTail);
        if (!started) {
          const reason =
            this.stderrTail.length > 0
              ? classifyFailure(this.stderrTail, o.url.startsWith('file:'))
              : 'ended';
          reject(new LiveViewError(reason, detail));
        } else if (!this.stopping) {
          o.log?.warn({ camera: o.cameraId, code, signal, ffmpeg: detail }, 'live relay: ffmpeg exited');
        }
        this.child = undefined;
        void this.stop();
      });
    });
  }

  /** Adds a viewer (an open WebSocket); it gets the stream from the next chunk on. */
  attach(socket: WebSocket): void {
    this.viewers.add(socket);
    clearTimeout(this.idleTimer);
    const gone = () => {
      this.viewers.delete(socket);
      if (this.viewers.size === 0) this.armIdleStop();
    };
    socket.once('close', gone);
    socket.once('error', gone);
    // Viewers only watch: anything they send is ignored.
    socket.on('message', () => {});
  }

  /** Sends whole TS packets (a joining viewer starts on a packet boundary); keeps the remainder. */
  private broadcast(chunk: Buffer): void {
    let data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    const whole = data.length - (data.length % TS_PACKET);
    this.partial = whole < data.length ? Buffer.from(data.subarray(whole)) : undefined;
    if (whole === 0) return;
    data = data.subarray(0, whole);
    this.bytesOut += whole;
    for (const v of this.viewers) {
      if (v.readyState !== 1) continue;
      if (v.bufferedAmount > MAX_VIEWER_BACKLOG) {
        v.terminate();
        continue;
      }
      v.send(data, { binary: true });
    }
  }

  private armIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.opts.idleStopMs ?? 10_000);
    this.idleTimer.unref();
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL) and closes every viewer. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    clearTimeout(this.idleTimer);
    const child = this.child;
    this.stopping = (async () => {
      for (const v of this.viewers) v.close(1001, 'live view stopped');
      this.viewers.clear();
      if (child && child.exitCode === null && child.signalCode === null) {
        const gone = new Promise<void>((r) => child.once('close', () => r()));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
        await gone;
        clearTimeout(kill);
      }
      this.child = undefined;
      this.opts.log?.info({ camera: this.opts.cameraId }, 'live relay stopped');
      this.opts.onStopped?.();
    })();
    return this.stopping;
  }
}
