/**
 * The UK rain clip behind haze (part of `npm run bench:accuracy`): grey lifted and contrast cut with
 * ffmpeg's `eq` filter, so the picture's brightness spans about 90 of 255 instead of 153. The hand counts
 * hold; the cameras' levels (src/vision/auto-levels.ts) should keep the counts as in clear air. The hazed
 * clip is made in a temporary directory (re-encoded at CRF 18) and never kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAFFIC_CLASSES } from '../src/domain/traffic.js';
import { loadTruth } from '../test/support/ground-truth.js';
import { MEDIA } from '../test/support/vision.js';
import { analyze, baseline, countCell, type Mode } from './accuracy-default.js';

const HAZE = 'eq=contrast=0.6:brightness=0.12';
const MODES = ['10 fps', 'every frame'] as const satisfies Mode[];
type Counts = Record<string, Record<string, number>>;

/** `clip` (in MEDIA) behind HAZE, made once per machine in the temporary directory. */
function hazed(clip: string): string {
  const dir = join(tmpdir(), 'ioc-edge-hazed');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `hazed_${clip}`);
  if (!existsSync(out)) {
    const tmp = `${out}.part.mp4`;
    const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-g', '30'];
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      join(MEDIA, clip),
      '-vf',
      HAZE,
      '-an',
      ...encode,
      tmp,
    ]);
    renameSync(tmp, out);
  }
  return out;
}

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
  const off: Record<(typeof MODES)[number] | 'OpenCV', number> = { '10 fps': 0, 'every frame': 0, OpenCV: 0 };
  const json: unknown[] = [];
  const truth = loadTruth('uk-rain');
  log('uk-rain hazed: ');
  const path = hazed(truth.clip);
  const base = baseline(
    path,
    truth.lines.map((l) => l.points[0][1]),
  ).counts;
  for (const l of truth.lines) {
    const got = {} as Record<(typeof MODES)[number], Counts>;
    for (const m of MODES) {
      log(`${l.key} ${m}… `);
      got[m] = (await analyze(path, l, m)).counts.l ?? {};
    }
    const b = base[`y${l.points[0][1].toFixed(2)}`] ?? {};
    for (const dir of l.counted) {
      for (const cls of TRAFFIC_CLASSES) {
        const t = l.counts[dir]?.[cls] ?? 0;
        const ours = MODES.map((m) => got[m][dir]?.[cls] ?? 0);
        const bn = b[dir]?.[cls] ?? 0;
        off['10 fps'] += Math.abs(ours[0]! - t);
        off['every frame'] += Math.abs(ours[1]! - t);
        off.OpenCV += Math.abs(bn - t);
        if (t === 0 && ours.every((n) => n === 0) && bn === 0) continue;
        const cell = countCell('uk-rain', t);
        md.push(`| ${l.key} | ${dir} | ${cls} | ${t} | ${ours.map(cell).join(' | ')} | ${cell(bn)} |`);
      }
    }
    json.push({ line: l.key, truth: l.counts, ours: got, opencv: b });
  }
  log('\n');
  md.push(
    '',
    `Off by, all lines: ours ${off['10 fps']} at 10 fps, ${off['every frame']} on every frame; OpenCV ${off.OpenCV}.`,
    '',
  );
  return { md, json: { lines: json, off } };
}
