import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary } from './process.js';
import { MEDIA } from './vision.js';

/**
 * `clip` (in MEDIA) through the ffmpeg video filter `vf`, written to `dir/name.mp4` (x264 ultrafast, no
 * audio); `input` options go before the input (e.g. `-stream_loop 1`).
 */
export function filteredClip(
  dir: string,
  name: string,
  clip: string,
  vf: string,
  input: string[] = [],
): string {
  requireBinary('ffmpeg', 'ffmpeg');
  const out = join(dir, `${name}.mp4`);
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    ...input,
    '-i',
    join(MEDIA, clip),
    '-vf',
    vf,
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    out,
  ]);
  return out;
}
