/**
 * The UK rain clip behind haze (part of `npm run bench:accuracy`): grey lifted and contrast cut with
 * ffmpeg's `eq` filter, so the picture's brightness spans about 90 of 255 instead of 153. The hand counts
 * hold; the cameras' levels (src/vision/auto-levels.ts) should keep the counts as in clear air.
 */
import { HAZE, LOW_SUN } from '../test/support/filtered-clip.js';
import { loadTruth } from '../test/support/ground-truth.js';
import { countDerived, derivedClip, derivedTable, type Off, offLine } from './accuracy-derived.js';

export async function hazedClip(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const md: string[] = [
    '## UK rain behind haze',
    '',
    `The UK rain clip through \`ffmpeg -vf ${HAZE}\` (brightness spanning about 90 of 255 instead of 153),`,
    'the same hand counts and full-width lines, default settings. Cells: ours 10 fps / ours every frame /',
    'OpenCV (every frame, same run); **bold** = off by more than ±1. "off by" = sum of |ours − truth| over the',
    'counted directions and classes.',
    '',
    '| line | direction | class | truth | ours 10 fps | ours every frame | OpenCV |',
    '|---|---|---|---|---|---|---|',
  ];
  const off: Off = { '10 fps': 0, 'every frame': 0, OpenCV: 0 };
  const truth = loadTruth('uk-rain');
  log('uk-rain hazed: ');
  const path = derivedClip(truth.clip, HAZE, 'hazed');
  const json = await countDerived('uk-rain', path, truth.lines, (d) => d, md, off, log);
  log('\n');
  md.push('', offLine(off), '');
  return { md, json: { lines: json, off } };
}

/**
 * Low sun ahead of the camera (LOW_SUN): the veil is uneven, so the cameras' levels map each band of rows
 * from its own brightness.
 */
export function lowSunClips(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const intro = [
    '## Motorways in low sun',
    '',
    'NL and UK rain with a glare veil from the top of the picture, fading downward, over half the contrast',
    `(\`ffmpeg -vf "${LOW_SUN}"\`): at the NL line (0.5) the veil adds 38 of 255. The same hand counts, lines`,
    'and cells as the haze table.',
  ];
  const path = (clip: string) => derivedClip(clip, LOW_SUN, 'low-sun');
  return derivedTable(
    intro,
    (['nl', 'uk-rain'] as const).map((name) => ({ name, path, label: name })),
    log,
  );
}
