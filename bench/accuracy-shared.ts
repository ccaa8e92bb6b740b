/**
 * The part of `npm run bench:accuracy` where one camera has several lines, or a line and a zone, as
 * technicians set cameras up: the automatic detection regions then serve them together (their bands and
 * boxes merge), and each line must still count as it does alone. Default settings otherwise, at
 * `detect.fps: 10` and on every frame, against the same hand counts as the one-line runs.
 */
import { TRAFFIC_CLASSES } from '../src/domain/traffic.js';
import type { AnalyzeReport } from '../src/pipeline/analyze.js';
import { JAKARTA_ROAD } from '../test/support/clip-cameras.js';
import { allowedOff, loadTruth, type TruthLine } from '../test/support/ground-truth.js';
import { analyzeCamera } from './accuracy-default.js';

interface Setup {
  clip: 'jakarta' | 'uk-rain';
  name: string;
  /** Hand-counted lines on the one camera (ids = truth keys). */
  lines: string[];
  /** Camera YAML added (zones). */
  extra?: string;
}

const SETUPS: Setup[] = [
  { clip: 'jakarta', name: 'three full-width lines', lines: ['y070', 'y080full', 'y090full'] },
  { clip: 'jakarta', name: 'line 0.7 and a carriageway zone', lines: ['y070'], extra: JAKARTA_ROAD },
  { clip: 'uk-rain', name: 'three full-width lines', lines: ['y050', 'y065', 'y080'] },
];
const MODES = ['10 fps', 'every frame'] as const;

function analyze(clip: string, lines: TruthLine[], extra: string, every: boolean): Promise<AnalyzeReport> {
  return analyzeCamera(
    clip,
    [
      `detect: { fps: ${every ? 30 : 10} }`,
      'lines:',
      ...lines.map(
        (l) => `  - { id: ${l.key}, points: ${JSON.stringify(l.points)}, directions: [down, up] }`,
      ),
      ...extra.split('\n'),
    ],
    every,
  );
}

export async function sharedCamera(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const md = [
    '## Several lines, or a line and a zone, on one camera',
    '',
    'The same hand counts as above, but the lines (and the zone) on one camera, so the automatic regions',
    'serve them together: default settings otherwise. Cells: ours 10 fps / ours every frame; **bold** = off',
    'by more than the goal (±10 % per class on Jakarta, ±1 on the motorway). The regions line says where',
    'detection ran and what it cost (in whole pictures, while small road users are around).',
    '',
  ];
  const json: unknown[] = [];
  for (const s of SETUPS) {
    const truth = loadTruth(s.clip);
    const lines = s.lines.map((k) => truth.lines.find((l) => l.key === k)!);
    const runs: AnalyzeReport[] = [];
    for (const m of MODES) {
      log(`${s.clip} ${s.name} ${m}… `);
      runs.push(await analyze(truth.clip, lines, s.extra ?? '', m === 'every frame'));
    }
    md.push(`### ${s.clip}: ${s.name}`, '', `Regions: ${runs[0]!.detection.explain.join('; ')}.`, '');
    md.push(
      '| line | direction | class | truth | ours 10 fps | ours every frame |',
      '|---|---|---|---|---|---|',
    );
    for (const l of lines) {
      for (const dir of l.counted) {
        for (const cls of TRAFFIC_CLASSES) {
          const want = l.counts[dir]?.[cls] ?? 0;
          const got = runs.map((r) => r.counts[l.key]?.[dir]?.[cls] ?? 0);
          if (want === 0 && got.every((n) => n === 0)) continue;
          const tol = s.clip === 'jakarta' ? allowedOff(want, 0.1) : 1;
          const cell = (n: number) => (Math.abs(n - want) > tol ? `**${n}**` : String(n));
          md.push(`| ${l.key} | ${dir} | ${cls} | ${want} | ${got.map(cell).join(' | ')} |`);
        }
      }
    }
    md.push('');
    json.push({
      clip: s.clip,
      name: s.name,
      lines: lines.map((l) => ({
        key: l.key,
        truth: l.counts,
        ours: Object.fromEntries(MODES.map((m, i) => [m, { counts: runs[i]!.counts[l.key] }])),
      })),
      cost: runs.map((r) => r.detection.explain),
    });
  }
  log('\n');
  return { md, json };
}
