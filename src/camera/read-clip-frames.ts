import type { Frame } from './frame.js';
import { FrameReader } from './frame-reader.js';
import type { FrameReaderOptions } from './frame-reader-options.js';
import type { ReaderExit } from './reader-exit.js';

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
