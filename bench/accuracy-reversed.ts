/**
 * The hand-counted clips played backwards (part of `npm run bench:accuracy`): every road user then goes
 * the other way, so traffic that came toward the camera drives away from it, and the hand counts still
 * hold with the directions swapped. A check of lines and directions the counting was not developed on.
 * The reversed clips are made with ffmpeg in a temporary directory (re-encoded at CRF 18) and never kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAFFIC_CLASSES } from '../src/domain/traffic.js';
import { loadTruth } from '../test/support/ground-truth.js';
import { MEDIA } from '../test/support/vision.js';
import { analyze, baseline, CLIPS, countCell, type Mode, SKIP } from './accuracy-default.js';

const MODES = ['10 fps', 'every frame'] as const satisfies Mode[];
type Counts = Record<string, Record<string, number>>;

const SWAP: Record<string, string> = { down: 'up', up: 'down' };

/** `clip` (in MEDIA) played backwards, made once per machine in the temporary directory. */
export function reversed(clip: string): string {
  const dir = join(tmpdir(), 'ioc-edge-reversed');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `reversed_${clip}`);
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
      'reverse',
      '-an',
      ...encode,
      tmp,
    ]);
    renameSync(tmp, out);
  }
  return out;
}

export async function reversedClips(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const md: string[] = [
    '## The same clips played backwards',
    '',
    'Each hand-counted clip reversed (`ffmpeg -vf reverse`, re-encoded at CRF 18, in a temporary directory):',
    'every road user goes the other way, so the hand counts hold with "down" and "up" swapped. NL backwards',
    'is cars driving away from the camera, big near it first, then shrinking. Default settings, the same',
    'full-width lines; cells: ours 10 fps / ours every frame / OpenCV (every frame, same run); **bold** = off',
    'by more than the goal (±1 per class on the motorway clips, ±10 % per class on Jakarta). "off by" = sum',
    'of |ours − truth| over the counted directions and classes.',
    '',
    '| clip | line | direction | class | truth | ours 10 fps | ours every frame | OpenCV |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const off: Record<(typeof MODES)[number] | 'OpenCV', number> = { '10 fps': 0, 'every frame': 0, OpenCV: 0 };
  const json: unknown[] = [];
  for (const name of CLIPS) {
    const truth = loadTruth(name);
    const lines = truth.lines.filter((l) => !SKIP.has(`${name}:${l.key}`));
    log(`${name} backwards: `);
    const path = reversed(truth.clip);
    const base = baseline(
      path,
      lines.map((l) => l.points[0][1]),
    ).counts;
    for (const l of lines) {
      const got = {} as Record<(typeof MODES)[number], Counts>;
      for (const m of MODES) {
        log(`${l.key} ${m}… `);
        got[m] = (await analyze(path, l, m)).counts.l ?? {};
      }
      const b = base[`y${l.points[0][1].toFixed(2)}`] ?? {};
      for (const dir of l.counted) {
        const rdir = SWAP[dir]!;
        for (const cls of TRAFFIC_CLASSES) {
          const t = l.counts[dir]?.[cls] ?? 0;
          const ours = MODES.map((m) => got[m][rdir]?.[cls] ?? 0);
          const bn = b[rdir]?.[cls] ?? 0;
          off['10 fps'] += Math.abs(ours[0]! - t);
          off['every frame'] += Math.abs(ours[1]! - t);
          off.OpenCV += Math.abs(bn - t);
          if (t === 0 && ours.every((n) => n === 0) && bn === 0) continue;
          const cell = countCell(name, t);
          md.push(
            `| ${name} | ${l.key} | ${rdir} | ${cls} | ${t} | ${ours.map(cell).join(' | ')} | ${cell(bn)} |`,
          );
        }
      }
      json.push({ clip: name, line: l.key, truth: l.counts, ours: got, opencv: b });
    }
    log('\n');
  }
  md.push(
    '',
    `Off by, all lines: ours ${off['10 fps']} at 10 fps, ${off['every frame']} on every frame; OpenCV ${off.OpenCV}.`,
    '',
  );
  return { md, json: { lines: json, off } };
}
