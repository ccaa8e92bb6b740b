/**
 * The clips at other camera resolutions (part of `npm run bench:accuracy`): NL and Jakarta re-encoded to
 * 1920x1080 and Jakarta to 640x360 with ffmpeg's lanczos scaler, the same hand counts and full-width lines,
 * default settings. The detection plan, the region sizing and the counting rules work in fractions of the
 * picture and in model pixels, never in camera pixels, so the counts should hold; what changes is only what
 * the model sees after the scaler (an up-scaled clip, shrunk again for the model, is softer than the
 * original; a down-scaled one has lost detail for good).
 */
import { loadTruth } from '../test/support/ground-truth.js';
import { SKIP } from './accuracy-default.js';
import { countDerived, derivedClip, type Off, offLine } from './accuracy-derived.js';

const SIZES = [
  { name: 'nl', width: 1920, height: 1080 },
  { name: 'jakarta', width: 1920, height: 1080 },
  { name: 'jakarta', width: 640, height: 360 },
] as const;

export async function otherResolutions(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const md: string[] = [
    '## The clips at other resolutions',
    '',
    'NL (1280x720) and Jakarta (1024x576) re-encoded to 1920x1080, and Jakarta to 640x360',
    '(`ffmpeg -vf scale=W:H:flags=lanczos`): the same hand counts, full-width lines and cells as the haze',
    'table. Nothing the gateway plans, sizes or counts by goes by camera pixels; what changes is the picture',
    'the model gets after the scaler (an up-scaled clip, shrunk again, is softer than the original).',
    '',
    '| clip | line | direction | class | truth | ours 10 fps | ours every frame | OpenCV |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const off: Off = { '10 fps': 0, 'every frame': 0, OpenCV: 0 };
  const json: unknown[] = [];
  for (const s of SIZES) {
    const truth = loadTruth(s.name);
    const size = `${s.width}x${s.height}`;
    log(`${s.name} at ${size}: `);
    const path = derivedClip(truth.clip, `scale=${s.width}:${s.height}:flags=lanczos`, `res${size}`);
    const lines = truth.lines.filter((l) => !SKIP.has(`${s.name}:${l.key}`));
    json.push(...(await countDerived(s.name, path, lines, (d) => d, md, off, log, `${s.name} ${size}`)));
    log('\n');
  }
  md.push('', offLine(off), '');
  return { md, json: { lines: json, off } };
}
