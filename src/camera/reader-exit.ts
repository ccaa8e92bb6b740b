import { classifyFailure, type FailureReason } from './ffmpeg-log.js';
import type { FfmpegStderr } from './ffmpeg-stderr.js';

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

/** How a reader's ffmpeg process ended: a clean end of a file, a stop, or a failure and why. */
export function readerExit(
  run: {
    code: number | null;
    signal: NodeJS.Signals | null;
    stopped: boolean;
    isFile: boolean;
    spawnError?: Error;
    framesOut: number;
  },
  stderr: FfmpegStderr,
): ReaderExit {
  const ended = run.code === 0 && !run.stopped && run.isFile;
  const failed = !run.stopped && !ended;
  return {
    code: run.code,
    signal: run.signal,
    stopped: run.stopped,
    ended,
    reason: failed ? (run.spawnError ? 'bad_config' : classifyFailure(stderr.tail, run.isFile)) : undefined,
    stderrTail: [...stderr.tail],
    framesOut: run.framesOut,
    damage: stderr.damage,
  };
}
