/**
 * The part of `npm run bench:accuracy` for lower detection rates: the hand-counted lines of the motorway
 * and Jakarta clips (default settings, one camera per line) at `detect.fps` 5 and 7 beside 10. A lower rate
 * is how faster traffic looks to the tracker (a vehicle moves further and grows more between two detector
 * frames), so this is the check on association at large displacements and on vehicles nearing the camera.
 */
import { loadTruth } from '../test/support/ground-truth.js';
import { analyzeCamera, offTruth, SKIP } from './accuracy-default.js';

const CLIPS = ['nl', 'uk-rain', 'jakarta'] as const;
const RATES = [5, 7, 10] as const;

export async function lowerRates(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const md = [
    '## Lower detection rates (a proxy for faster traffic)',
    '',
    'The hand-counted lines (each its own camera, default settings) at `detect.fps` 5, 7 and 10: "off by" =',
    'sum over counted directions and classes of |ours − truth|, with the cells that are off.',
    '',
    '| clip | detect fps | off by | cells off (ours/truth) |',
    '|---|---|---|---|',
  ];
  const json: unknown[] = [];
  for (const name of CLIPS) {
    const truth = loadTruth(name);
    for (const fps of RATES) {
      log(`${name} at ${fps} fps… `);
      let off = 0;
      const cells: string[] = [];
      for (const l of truth.lines) {
        if (SKIP.has(`${name}:${l.key}`)) continue;
        const r = await analyzeCamera(
          truth.clip,
          [
            `detect: { fps: ${fps} }`,
            'lines:',
            `  - { id: l, points: ${JSON.stringify(l.points)}, directions: [down, up] }`,
          ],
          false,
        );
        const o = offTruth(l, r.counts.l);
        off += o.off;
        cells.push(...o.cells);
      }
      md.push(`| ${name} | ${fps} | ${off} | ${cells.join('; ') || '—'} |`);
      json.push({ clip: name, fps, off, cells });
    }
  }
  md.push('');
  log('\n');
  return { md, json };
}
