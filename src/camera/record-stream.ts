import { type ChildProcess, spawn } from 'node:child_process';
import { Backoff, jitter } from '../lifecycle/backoff.js';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../log/redact.js';
import { terminalStateFor } from './camera-state.js';
import { feedInput, ffmpegInput, lowerPriority } from './ffmpeg-input.js';
import { classifyFailure, lastErrorLine } from './ffmpeg-log.js';

export interface RecordStreamOptions {
  cameraId: string;
  /** The record input (the camera's main stream). */
  url: string;
  transport?: 'tcp' | 'udp';
  /** The outputs to write (the clip recorder's segment muxer), asked again at every ffmpeg start. */
  outputs: () => Array<{ options: string[]; target: string }>;
  /** No output progress for this long = stalled: ffmpeg is restarted. Default 10 s. */
  stallTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Retry delay after errors retrying will not fix soon (unauthorized, not_found...). Default 5 min. */
  slowRetryMs?: number;
  log?: Logger;
  ffmpegPath?: string;
}

export interface RecordStreamHealth {
  state: 'idle' | 'connecting' | 'recording' | 'backoff' | 'retrying_slowly' | 'stopped';
  reason?: string;
  detail?: string;
  restarts: number;
  /** Frames copied by the current ffmpeg. */
  frames: number;
}

/**
 * A camera's main stream copied, never decoded: one ffmpeg (`-c copy`) writing the clip recorder's segments,
 * kept running through drops and stalls like the detect stream (restart with backoff; slow retries for
 * errors a retry will not fix soon). Used when the camera has a separate detect substream; a camera with
 * one stream records from its detector's ffmpeg instead.
 */
export class RecordStream {
  private child?: ChildProcess;
  private readonly backoff: Backoff;
  private retryTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private stopped = true;
  private lastProgressMs = 0;
  private starts = 0;
  private failureKey?: string;
  readonly status: RecordStreamHealth = { state: 'idle', restarts: 0, frames: 0 };

  constructor(readonly opts: RecordStreamOptions) {
    this.backoff = new Backoff({
      initialMs: opts.backoffInitialMs ?? 1000,
      maxMs: opts.backoffMaxMs ?? 60_000,
      jitter: [0.8, 1.2],
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The ffmpeg arguments: the input, one `-map 0:v:0` + options + target per output, progress on stdout. */
  args(): string[] {
    const o = this.opts;
    const input = ffmpegInput({ url: o.url, transport: o.transport, ioTimeoutMs: this.stallMs() });
    const args = [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-progress',
      'pipe:1',
      '-stats_period',
      '1',
    ];
    args.push(...input.options, '-i', input.source);
    for (const out of o.outputs()) args.push('-map', '0:v:0', ...out.options, out.target);
    return args;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const stall = this.stallMs();
    this.watchdog = setInterval(() => this.checkStall(), Math.max(100, Math.min(1000, stall / 4)));
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    this.status.state = 'stopped';
    await this.kill();
  }

  health(): RecordStreamHealth {
    return { ...this.status };
  }

  private stallMs(): number {
    return this.opts.stallTimeoutMs ?? 10_000;
  }

  private connect(): void {
    if (this.stopped) return;
    const o = this.opts;
    const input = ffmpegInput({ url: o.url, transport: o.transport, ioTimeoutMs: this.stallMs() });
    const child = spawn(o.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg', this.args(), {
      stdio: [input.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    lowerPriority(child.pid);
    feedInput(child.stdin, input);
    this.child = child;
    if (this.starts++ > 0) this.status.restarts++;
    this.status.state = 'connecting';
    this.status.frames = 0;
    // Connecting counts as progress: the stall watchdog also bounds a connect that never delivers.
    this.lastProgressMs = Date.now() + Math.max(0, 15_000 - this.stallMs());
    const stderr: string[] = [];
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => {
      stderr.push(...t.split('\n').filter(Boolean));
      if (stderr.length > 20) stderr.splice(0, stderr.length - 20);
    });
    let partial = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (t: string) => {
      const lines = (partial + t).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        // (-progress reports no size for the segment muxer: frames copied are the sign of life.)
        if (!line.startsWith('frame=')) continue;
        const frames = Number(line.slice(6));
        if (!(frames > this.status.frames)) continue;
        this.status.frames = frames;
        this.lastProgressMs = Date.now();
        if (this.status.state !== 'recording') this.onRecording();
      }
    });
    child.once('error', (err) => stderr.push(`spawn ffmpeg: ${err.message}`));
    child.once('close', () => {
      if (this.child === child) this.child = undefined;
      if (!this.stopped && this.child === undefined) this.onExit(stderr);
    });
  }

  private onRecording(): void {
    this.backoff.reset();
    this.failureKey = undefined;
    this.status.state = 'recording';
    this.status.reason = undefined;
    this.status.detail = undefined;
    this.opts.log?.info({ camera: this.opts.cameraId }, 'recording the main stream');
  }

  private onExit(stderr: string[]): void {
    const reason = classifyFailure(stderr, this.opts.url.startsWith('file:'));
    const detail = lastErrorLine(stderr);
    const slow = terminalStateFor(reason) !== undefined;
    const delay = slow
      ? Math.round(jitter(this.opts.slowRetryMs ?? 300_000, [0.8, 1.2]))
      : this.backoff.next();
    this.retryLater(reason, detail, delay, slow);
  }

  private retryLater(reason: string, detail: string | undefined, delayMs: number, slow: boolean): void {
    this.status.state = slow ? 'retrying_slowly' : 'backoff';
    this.status.reason = reason;
    this.status.detail = detail ? redactUrl(detail) : undefined;
    const key = `${this.status.state}:${reason}`;
    if (key !== this.failureKey) {
      this.failureKey = key;
      this.opts.log?.warn(
        { camera: this.opts.cameraId, reason, detail: this.status.detail, retryInMs: delayMs },
        'main stream recording failed',
      );
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private checkStall(): void {
    const child = this.child;
    if (!child || this.stopped || Date.now() - this.lastProgressMs <= this.stallMs()) return;
    this.child = undefined;
    this.retryLater('stall', `no data for ${this.stallMs()} ms`, this.backoff.next(), false);
    void this.killChild(child);
  }

  private async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await this.killChild(child);
  }

  /** SIGTERM (ffmpeg closes the segment it writes), SIGKILL after 2 s; resolves once it is gone. */
  private async killChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('close', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}
