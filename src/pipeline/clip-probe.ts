import { execFileSync } from 'node:child_process';
import { turned } from '../camera/ffmpeg-log.js';

/** Fields (`entries`, e.g. "width,height") of a clip's first video stream from ffprobe, or undefined. */
export function probeStream(file: string, entries: string): string[] | undefined {
  try {
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', `stream=${entries}`, '-of', 'csv=p=0', file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return out.trim().split(',');
  } catch {
    return undefined;
  }
}

/**
 * Picture size of a clip's first video stream from ffprobe, as ffmpeg decodes it (turned by its display
 * matrix, as FfmpegStderr reads it), or undefined when it cannot tell.
 */
export function probeVideoSize(file: string): [number, number] | undefined {
  const [w, h, rotation] = (probeStream(file, 'width,height:stream_side_data=rotation') ?? []).map(Number);
  if (!w || !h) return undefined;
  const size = turned({ width: w, height: h }, rotation || 0);
  return [size.width, size.height];
}

/** Clip duration in seconds from ffprobe, or undefined when it cannot tell (for the progress bar only). */
export function probeDuration(file: string): number | undefined {
  try {
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const d = Number(out.trim());
    return Number.isFinite(d) && d > 0 ? d : undefined;
  } catch {
    return undefined;
  }
}
