import { spawn } from 'node:child_process';
import { redactUrl } from '../log/redact.js';
import { feedInput, ffmpegInput, type InputSpec, lowerPriority } from './ffmpeg-input.js';
import { classifyFailure, lastErrorLine } from './ffmpeg-log.js';

export interface StillOptions {
  input: InputSpec;
  /** Wider pictures are scaled down to this width (default 1920). */
  maxWidth?: number;
  /** JPEG quality as ffmpeg's -q:v, 2 (best) .. 31 (default 5). */
  quality?: number;
  /** Give up after this long (default 10 s: an RTSP connect plus up to one GOP of waiting). */
  timeoutMs?: number;
  ffmpegPath?: string;
}

/**
 * One full-resolution JPEG from a stream, on demand: a short ffmpeg that connects, decodes up to the first
 * picture and exits. Cameras take stills only when a snapshot asks for one, instead of encoding a JPEG every
 * second whether anybody looks or not. Rejects with the reason (as `probe` says it) when no picture comes.
 */
export function grabStill(o: StillOptions): Promise<Buffer> {
  const input = ffmpegInput(o.input);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input.options,
    '-i',
    input.source,
    '-map',
    '0:v:0',
    '-an',
    '-frames:v',
    '1',
    '-vf',
    `scale=w=min(iw\\,${o.maxWidth ?? 1920}):h=-2`,
    '-q:v',
    String(o.quality ?? 5),
    '-pix_fmt',
    'yuvj420p',
    '-f',
    'mjpeg',
    'pipe:1',
  ];
  const child = spawn(o.ffmpegPath ?? process.env.FFMPEG_PATH ?? 'ffmpeg', args, {
    stdio: [input.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  lowerPriority(child.pid);
  feedInput(child.stdin, input);
  const chunks: Buffer[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (t: string) => {
    stderr.push(...t.split('\n').filter(Boolean));
    if (stderr.length > 20) stderr.splice(0, stderr.length - 20);
  });
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no picture within ${(o.timeoutMs ?? 10_000) / 1000} s`));
    }, o.timeoutMs ?? 10_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`spawn ffmpeg: ${err.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(chunks);
      if (code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) resolve(jpeg);
      else {
        const reason = classifyFailure(stderr, o.input.url.startsWith('file:'));
        reject(new Error(redactUrl(`still: ${reason}${stderr.length ? ` (${lastErrorLine(stderr)})` : ''}`)));
      }
    });
  });
}
