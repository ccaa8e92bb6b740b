/**
 * How much a dense motorcycle count moves with where the detection region's edge falls (part of
 * `npm run bench:accuracy`): Jakarta's hand-counted full-width line at 0.8 with a second zone drawn above
 * it, its top edge at one of five rows, as a technician may draw one for something else. The zone widens the
 * automatic region over the line upward, so the model sees the same road users through another crop and
 * scale, and gives riders' part boxes (torso, bike, two riders in one box) on other riders. The spread of
 * these counts is the noise any single Jakarta cell of the tables above carries.
 */
import { TRAFFIC_CLASSES } from '../src/domain/traffic.js';
import type { AnalyzeReport } from '../src/pipeline/analyze.js';
import { allowedOff, loadTruth } from '../test/support/ground-truth.js';
import { analyzeCamera } from './accuracy-default.js';

/** Top rows of the zone (it reaches down to ZONE_BOTTOM, above the line's band). */
const TOPS = [0.5, 0.54, 0.58, 0.62, 0.64];
const ZONE_BOTTOM = 0.66;
const LINE = 'y080full';
const MODES = ['10 fps', 'every frame'] as const;
const CLASSES = ['car', 'motorcycle'] as const;

function zone(top: number): string[] {
  const poly = [
    [0.02, top],
    [0.98, top],
    [0.98, ZONE_BOTTOM],
    [0.02, ZONE_BOTTOM],
  ];
  return ['zones:', `  - { id: above, polygon: ${JSON.stringify(poly)} }`];
}

export async function cropSpread(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const truth = loadTruth('jakarta');
  const line = truth.lines.find((l) => l.key === LINE)!;
  const md = [
    '## Jakarta at 0.8: the same line through other detection crops',
    '',
    `The full-width line at 0.8 with a zone drawn above it from row ${TOPS.join(', ')} down to ${ZONE_BOTTOM}:`,
    "the automatic region over the line's band grows up to take the zone in, so the model sees the same",
    'riders through another crop and scale. Default settings otherwise. Cells: ours 10 fps / every frame;',
    '**bold** = off by more than ±10 %. The spread is the noise a single Jakarta cell carries: in dense',
    'columns the detector gives part boxes (torso, bike, two riders in one box, a "car" on a rider), and',
    "which it gives changes with the crop's pixel grid.",
    '',
    '| zone top | regions (x1, y1, x2, y2; model input) | car 10 fps | car every frame | motorcycle 10 fps | motorcycle every frame |',
    '|---|---|---|---|---|---|',
  ];
  const json: unknown[] = [];
  const seen: Record<string, number[]> = Object.fromEntries(
    CLASSES.flatMap((cls) => MODES.map((m) => [`${cls} ${m}`, [] as number[]])),
  );
  for (const top of TOPS) {
    const runs: AnalyzeReport[] = [];
    for (const m of MODES) {
      log(`jakarta ${LINE} zone from ${top} ${m}… `);
      const body = [
        `detect: { fps: ${m === 'every frame' ? 30 : 10} }`,
        'lines:',
        `  - { id: ${LINE}, points: ${JSON.stringify(line.points)}, directions: [down, up] }`,
        ...zone(top),
      ];
      runs.push(await analyzeCamera(truth.clip, body, m === 'every frame'));
    }
    const cells: string[] = [];
    for (const cls of CLASSES) {
      const want = line.counts.down?.[cls] ?? 0;
      runs.forEach((r, i) => {
        const n = r.counts[LINE]?.down?.[cls] ?? 0;
        seen[`${cls} ${MODES[i]}`]!.push(n);
        cells.push(Math.abs(n - want) > allowedOff(want, 0.1) ? `**${n}**` : String(n));
      });
    }
    const region = runs[0]!.detection.tiles
      .slice(1)
      .map((t) => `[${t.rect.map((v) => v.toFixed(2)).join(', ')}] at ${t.input}`)
      .join(', ');
    md.push(`| ${top} | ${region} | ${cells.join(' | ')} |`);
    json.push({
      zoneTop: top,
      explain: runs[0]!.detection.explain,
      counts: Object.fromEntries(MODES.map((m, i) => [m, runs[i]!.counts[LINE]])),
    });
  }
  const spread: Record<string, Record<string, { min: number; max: number; mean: number }>> = {};
  const text: string[] = [];
  for (const cls of CLASSES) {
    spread[cls] = {};
    for (const m of MODES) {
      const ns = seen[`${cls} ${m}`]!;
      const mean = Math.round((ns.reduce((a, b) => a + b, 0) / ns.length) * 10) / 10;
      spread[cls][m] = { min: Math.min(...ns), max: Math.max(...ns), mean };
      text.push(
        `${cls} ${m}: ${Math.min(...ns)}-${Math.max(...ns)}, mean ${mean} (truth ${line.counts.down?.[cls] ?? 0})`,
      );
    }
  }
  md.push('', `Spread: ${text.join('; ')}.`, '');
  const up = json.some((j) => {
    const c = (j as { counts: Record<string, { up?: Record<string, number> }> }).counts;
    return Object.values(c).some((v) => TRAFFIC_CLASSES.some((k) => (v.up?.[k] ?? 0) > 0));
  });
  md.push(
    up ? 'Something was counted going up on some crop (nothing goes up).' : 'Nothing counted going up.',
  );
  md.push('');
  log('\n');
  return { md, json: { line: LINE, truth: line.counts, spread, crops: json } };
}
