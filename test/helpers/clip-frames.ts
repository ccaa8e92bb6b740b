import { pathToFileURL } from 'node:url';
import type { Frame } from '../../src/camera/frame.js';
import { FrameReader } from '../../src/camera/frame-reader.js';

/**
 * Runs a clip through the camera's real FrameReader (ffmpeg letterbox, lossless file mode) and hands every
 * frame to `onFrame` synchronously; resolves when the clip has ended. Bounded by `timeoutMs`.
 */
export async function forEachClipFrame(
  file: string,
  options: { fps?: number; size?: number; timeoutMs?: number },
  onFrame: (frame: Frame) => void,
): Promise<number> {
  const size = options.size ?? 416;
  const reader = new FrameReader({
    cameraId: 'test',
    url: pathToFileURL(file).href,
    width: size,
    height: size,
    fps: options.fps,
    realtime: false,
    loop: false,
  });
  let frames = 0;
  let error: unknown;
  reader.pool.onFrame(() => {
    const f = reader.pool.take();
    if (!f) return;
    try {
      frames++;
      onFrame(f);
    } catch (err) {
      error ??= err;
    } finally {
      reader.pool.release(f);
    }
  });
  reader.start();
  const timer = setTimeout(() => void reader.stop(), options.timeoutMs ?? 60_000);
  const exit = await reader.exited;
  clearTimeout(timer);
  if (error) throw error;
  if (!exit.ended)
    throw new Error(
      `${file}: reader ended without finishing (${exit.reason}): ${exit.stderrTail.join('\n')}`,
    );
  return frames;
}
