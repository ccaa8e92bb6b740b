import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Frame, FrameGeometry } from '../../src/camera/frame.js';
import { FrameReader } from '../../src/camera/frame-reader.js';
import { letterboxFilters, letterboxGeometry, type TileSpec } from '../../src/camera/letterbox.js';
import { requireBinary } from './process.js';

/** Width and height of a clip's first video stream (ffprobe). */
export function probeSize(file: string): [number, number] {
  requireBinary('ffprobe', 'ffmpeg');
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  const [w, h] = out.trim().split(',').map(Number);
  if (!w || !h) throw new Error(`ffprobe: no video size for ${file}: ${out}`);
  return [w, h];
}

export interface DecodedFrames {
  geometry: FrameGeometry;
  frames: Buffer[];
}

/**
 * Decodes `count` consecutive frames starting at frame `first` of a clip into letterboxed BGR24 frames of
 * `size` x `size` with the ffmpeg CLI and the camera module's filter chain (scale keeping the aspect ratio,
 * pad right/bottom with grey 114), so tests see the frames the camera delivers.
 */
export function decodeFrames(file: string, first: number, count: number, size = 416): DecodedFrames {
  requireBinary('ffmpeg', 'ffmpeg');
  const [sw, sh] = probeSize(file);
  const geometry = letterboxGeometry(sw, sh, size, size);
  const vf = [`select=gte(n\\,${first})`, ...letterboxFilters(size, size)].join(',');
  const bytes = size * size * 3;
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      vf,
      '-vsync',
      '0',
      '-frames:v',
      String(count),
      '-pix_fmt',
      'bgr24',
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: bytes * count + 1024 },
  );
  if (raw.length !== bytes * count) {
    throw new Error(
      `ffmpeg gave ${raw.length} bytes for ${count} frames of ${file} from ${first}, expected ${bytes * count}`,
    );
  }
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) frames.push(raw.subarray(i * bytes, (i + 1) * bytes));
  return { geometry, frames };
}

/**
 * Runs a clip through the camera's real FrameReader (ffmpeg letterbox, lossless file mode) and hands every
 * frame to `onFrame` synchronously; resolves when the clip has ended. Bounded by `timeoutMs`.
 */
export async function forEachClipFrame(
  file: string,
  options: { fps?: number; size?: number; layout?: readonly TileSpec[]; timeoutMs?: number },
  onFrame: (frame: Frame) => void,
): Promise<number> {
  const size = options.size ?? 416;
  const reader = new FrameReader({
    cameraId: 'test',
    url: pathToFileURL(file).href,
    width: size,
    height: size,
    layout: options.layout,
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
