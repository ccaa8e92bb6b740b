import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface InputSpec {
  /** rtsp://, rtsps:// or file:// */
  url: string;
  transport?: 'tcp' | 'udp';
  /** RTSP socket I/O timeout: ffmpeg gives up (and exits) after this long without data. Default 5 s. */
  ioTimeoutMs?: number;
  /** file:// only: read at the clip's own rate (`-re`). Default true. */
  realtime?: boolean;
  /** file:// only: start again at the end. Default true. */
  loop?: boolean;
  /** file:// only: start this far into the clip, seconds. */
  seekSeconds?: number;
}

/** How one ffmpeg process opens its input: options before `-i`, the `-i` argument, and what to write to its stdin. */
export interface FfmpegInput {
  options: string[];
  source: string;
  /** Write this to ffmpeg's stdin (then close it); the source is then `pipe:0`. */
  stdin?: string;
}

/**
 * Protocols a camera URL may need once ffmpeg opens it from the list on stdin (a nested open only gets what
 * the outer input allows): RTSP over TCP/UDP, interleaved or tunnelled over HTTP, and RTSPS over TLS.
 */
const NETWORK_PROTOCOLS = 'pipe,rtsp,rtsps,rtp,srtp,tcp,udp,tls,http,https,httpproxy,crypto';

/** A token in an ffconcat list: single-quoted, a quote inside written as '\''. */
function concatToken(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * The input part of an ffmpeg command for a camera or clip.
 *
 * A network camera's URL never appears on ffmpeg's command line, which any local user can read
 * (/proc/PID/cmdline, `ps`): ffmpeg 5.1 has no option that takes RTSP credentials separately, so it reads
 * a one-entry ffconcat list from its stdin instead (`-f concat -i pipe:0`), with the RTSP demuxer's options
 * as `option` lines. The concat demuxer passes the stream through unchanged; what it adds is one packet
 * copy. ffmpeg's own messages may still name the URL: they stay in the process (scrubbed before logging).
 */
export function ffmpegInput(spec: InputSpec): FfmpegInput {
  if (spec.url.startsWith('file:')) {
    const options: string[] = [];
    if (spec.realtime !== false) options.push('-re');
    // A clip cut from a stream may start with frames before its first key frame; looping seeks back to
    // 0, which fails ("Seek to start failed") unless any frame may be the target.
    if (spec.loop !== false) options.push('-stream_loop', '-1', '-seek2any', '1');
    if (spec.seekSeconds !== undefined && spec.seekSeconds > 0)
      options.push('-ss', spec.seekSeconds.toFixed(3));
    return { options, source: fileURLToPath(spec.url) };
  }
  const list = [
    'ffconcat version 1.0',
    `file ${concatToken(spec.url)}`,
    `option rtsp_transport ${spec.transport ?? 'tcp'}`,
    `option timeout ${Math.round((spec.ioTimeoutMs ?? 5000) * 1000)}`,
    '',
  ].join('\n');
  return {
    options: ['-f', 'concat', '-safe', '0', '-protocol_whitelist', NETWORK_PROTOCOLS],
    source: 'pipe:0',
    stdin: list,
  };
}

/** Hands the input list to a spawned ffmpeg (when it reads one) and closes its stdin. */
export function feedInput(stdin: NodeJS.WritableStream | null | undefined, input: FfmpegInput): void {
  if (!stdin) return;
  // ffmpeg may exit before it reads (a bad option): its exit says why, not EPIPE.
  stdin.on('error', () => {});
  stdin.end(input.stdin ?? '');
}

/**
 * Niceness of the cameras' ffmpeg processes. Decoders need little CPU each and steadily, the one inference
 * thread needs a whole core in bursts: on a box with many cameras, equal priority let a dozen decoders and
 * their RTSP reads preempt inference, which then fell behind and dropped frames although the cores were not
 * full. Lower-priority decoders still get every cycle the gateway does not use (the scheduler shares by
 * weight, it does not leave cores idle).
 */
export const FFMPEG_NICE = 10;

/** Lowers a spawned ffmpeg's priority (FFMPEG_NICE); a failure (a process already gone) is harmless. */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, FFMPEG_NICE);
  } catch {
    // gone already, or not permitted: it runs at normal priority
  }
}
