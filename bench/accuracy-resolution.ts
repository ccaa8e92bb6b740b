/**
 * The clips at other camera resolutions (part of `npm run bench:accuracy`): NL and Jakarta re-encoded to
 * 1920x1080 and Jakarta to 640x360 with ffmpeg's lanczos scaler, the same hand counts and full-width lines,
 * default settings. The detection plan, the region sizing and the counting rules work in fractions of the
 * picture and in model pixels, never in camera pixels, so the counts should hold; what changes is only what
 * the model sees after the scaler (an up-scaled clip, shrunk again for the model, is softer than the
 * original; a down-scaled one has lost detail for good).
 */
import { derivedClip, derivedTable } from './accuracy-derived.js';

const SIZES = [
  { name: 'nl', width: 1920, height: 1080 },
  { name: 'jakarta', width: 1920, height: 1080 },
  { name: 'jakarta', width: 640, height: 360 },
] as const;

export function otherResolutions(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const intro = [
    '## The clips at other resolutions',
    '',
    'NL (1280x720) and Jakarta (1024x576) re-encoded to 1920x1080, and Jakarta to 640x360',
    '(`ffmpeg -vf scale=W:H:flags=lanczos`): the same hand counts, full-width lines and cells as the haze',
    'table. Nothing the gateway plans, sizes or counts by goes by camera pixels; what changes is the picture',
    'the model gets after the scaler (an up-scaled clip, shrunk again, is softer than the original).',
  ];
  return derivedTable(
    intro,
    SIZES.map(({ name, width, height }) => ({
      name,
      path: (clip: string) =>
        derivedClip(clip, `scale=${width}:${height}:flags=lanczos`, `res${width}x${height}`),
      label: `${name} ${width}x${height}`,
    })),
    log,
  );
}
