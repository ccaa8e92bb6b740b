/**
 * The part of `npm run bench:accuracy` for lines drawn higher in the picture than the hand counts, where
 * motorcycles are small: the Jakarta clip with a full-width line at 0.6 and at 0.65, default settings (the
 * gateway sizes the regions itself: src/pipeline/region-sizing.ts) against the regions held at 960, at
 * `detect.fps: 10` and on every frame, and with a carriageway zone on the camera as well (the zone must not
 * take the line's resolution: detect-plan.ts, LINES_FIRST). The counts there are derived from the 0.7 hand count
 * (docs/analytics.md, "The gateway sizes the regions itself"), not hand-counted.
 */
import type { AnalyzeReport } from '../src/pipeline/analyze.js';
import { JAKARTA_ROAD } from '../test/support/clip-cameras.js';
import { loadTruth } from '../test/support/ground-truth.js';
import { analyzeCamera } from './accuracy-default.js';

/** Line height → motorcycles going down, derived (±2). */
const DERIVED: [number, number][] = [
  [0.6, 26],
  [0.65, 23.5],
];
const MODES = ['10 fps', 'every frame'] as const;

function run(clip: string, y: number, every: boolean, fixed: boolean, zone = false): Promise<AnalyzeReport> {
  return analyzeCamera(
    clip,
    [
      `detect: { fps: ${every ? 30 : 10}${fixed ? ', regionWidth: 960' : ''} }`,
      'lines:',
      `  - { id: high, points: [[0, ${y}], [1, ${y}]], directions: [down, up] }`,
      ...(zone ? JAKARTA_ROAD.split('\n') : []),
    ],
    every,
  );
}

export async function higherLines(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const clip = loadTruth('jakarta').clip;
  const md = [
    '## Lines higher in the picture (Jakarta): the regions sized by the gateway',
    '',
    'A full-width line at 0.6 and at 0.65 of the height, where motorcycles are about 28 and 32 model pixels',
    'tall in the default regions. "sized" = default settings (the gateway grows the regions once, within the',
    'budget); "960" = `detect.regionWidth: 960` (the regions held at their start size). Motorcycles going down;',
    'cells 10 fps / every frame. "derived": the 0.7 hand count (22) less the riders between the lines on the',
    'first frame, plus those between them on the last (±2; no slit-scan count there). "sized + zone": default',
    'settings with the carriageway zone of the tests on the camera too.',
    '',
    '| line | derived | sized | sized + zone | 960 | re-sized to (10 fps / every frame) | wall s, sized (10 fps / every frame) |',
    '|---|---|---|---|---|---|---|',
  ];
  const json: unknown[] = [];
  for (const [y, derived] of DERIVED) {
    const sized: AnalyzeReport[] = [];
    const fixed: AnalyzeReport[] = [];
    const zoned: AnalyzeReport[] = [];
    for (const m of MODES) {
      log(`jakarta line ${y} ${m}… `);
      sized.push(await run(clip, y, m === 'every frame', false));
      fixed.push(await run(clip, y, m === 'every frame', true));
      zoned.push(await run(clip, y, m === 'every frame', false, true));
    }
    const moto = (r: AnalyzeReport) => r.counts.high?.down?.motorcycle ?? 0;
    const resized = (r: AnalyzeReport) =>
      r.detection.explain.find((e) => e.startsWith('regions re-sized'))?.match(/re-sized to (\d+)/)?.[1] ??
      'no';
    md.push(
      `| ${y} | ${derived} | ${sized.map(moto).join(' / ')} | ${zoned.map(moto).join(' / ')} | ${fixed.map(moto).join(' / ')} | ${sized.map(resized).join(' / ')} | ${sized.map((r) => r.wallSeconds).join(' / ')} |`,
    );
    json.push({
      y,
      derived,
      sized: Object.fromEntries(MODES.map((m, i) => [m, moto(sized[i]!)])),
      fixed: Object.fromEntries(MODES.map((m, i) => [m, moto(fixed[i]!)])),
      withZone: Object.fromEntries(MODES.map((m, i) => [m, moto(zoned[i]!)])),
      resizedTo: sized.map(resized),
    });
  }
  md.push('');
  log('\n');
  return { md, json };
}
