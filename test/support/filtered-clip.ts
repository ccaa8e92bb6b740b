import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { requireBinary } from './process.js';
import { MEDIA } from './vision.js';

/** Haze: grey lifted, contrast cut to 0.6 (the UK rain clip's brightness spans about 90 of 255, 153 clear). */
export const HAZE = 'eq=contrast=0.6:brightness=0.12';

/**
 * Low sun ahead of the camera: a veil of glare strongest at the top of the picture (its far end) and
 * fading down it (+170 of 255 at the top, +38 half way, +8 at the bottom), over the picture at half its
 * contrast.
 */
export const LOW_SUN =
  "format=yuv420p,geq=lum='clip(lum(X,Y)*0.5+170*exp(-3*Y/H),0,255)':cb='cb(X,Y)':cr='cr(X,Y)'";

/**
 * `clip` (in MEDIA, or an absolute path) through the ffmpeg video filter `vf`, written to `dir/name.mp4` (x264 ultrafast, no
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
    resolve(MEDIA, clip),
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
