/**
 * Hand-counted clips changed by an ffmpeg filter (played backwards, hazed) and counted against the same
 * hand counts: the clip made once per machine in a temporary directory (re-encoded at CRF 18, never kept),
 * then each line at 10 fps and on every frame beside the OpenCV baseline, as table rows and an "off by" sum.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAFFIC_CLASSES } from '../src/domain/traffic.js';
import { loadTruth, type TruthLine } from '../test/support/ground-truth.js';
import { MEDIA } from '../test/support/vision.js';
import { analyze, baseline, countCell, type Mode, SKIP } from './accuracy-default.js';

export const DERIVED_MODES = ['10 fps', 'every frame'] as const satisfies Mode[];
type Counts = Record<string, Record<string, number>>;
export type Off = Record<(typeof DERIVED_MODES)[number] | 'OpenCV', number>;

/** `clip` (in MEDIA) through the video filter `vf`, made once per machine as `<kind>_<clip>`. */
export function derivedClip(clip: string, vf: string, kind: string): string {
  const dir = join(tmpdir(), `ioc-edge-${kind}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${kind}_${clip}`);
  if (!existsSync(out)) {
    const tmp = `${out}.part.mp4`;
    const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-g', '30'];
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(MEDIA, clip), '-vf', vf, '-an', ...encode, tmp]);
    renameSync(tmp, out);
  }
  return out;
}

/**
 * Counts `lines` on the derived clip at `path` (each line its own camera, default settings) and adds a
 * table row per counted direction and class to `md` (`clip` names the row, or nothing), the errors to
 * `off`; `swap` maps a hand-counted direction to the one the derived clip's traffic takes. Returns the
 * per-line counts for the JSON.
 */
export async function countDerived(
  name: string,
  path: string,
  lines: readonly TruthLine[],
  swap: (dir: string) => string,
  md: string[],
  off: Off,
  log: (s: string) => void,
  clip?: string,
): Promise<unknown[]> {
  const base = baseline(
    path,
    lines.map((l) => l.points[0][1]),
  ).counts;
  const json: unknown[] = [];
  for (const l of lines) {
    const got = {} as Record<(typeof DERIVED_MODES)[number], Counts>;
    for (const m of DERIVED_MODES) {
      log(`${l.key} ${m}… `);
      got[m] = (await analyze(path, l, m)).counts.l ?? {};
    }
    const b = base[`y${l.points[0][1].toFixed(2)}`] ?? {};
    for (const dir of l.counted) {
      const d = swap(dir);
      for (const cls of TRAFFIC_CLASSES) {
        const t = l.counts[dir]?.[cls] ?? 0;
        const ours = DERIVED_MODES.map((m) => got[m][d]?.[cls] ?? 0);
        const bn = b[d]?.[cls] ?? 0;
        off['10 fps'] += Math.abs(ours[0]! - t);
        off['every frame'] += Math.abs(ours[1]! - t);
        off.OpenCV += Math.abs(bn - t);
        if (t === 0 && ours.every((n) => n === 0) && bn === 0) continue;
        const cell = countCell(name, t);
        md.push(
          `| ${clip ? `${clip} | ` : ''}${l.key} | ${d} | ${cls} | ${t} | ${ours.map(cell).join(' | ')} | ${cell(bn)} |`,
        );
      }
    }
    json.push({ ...(clip ? { clip } : {}), line: l.key, truth: l.counts, ours: got, opencv: b });
  }
  return json;
}

/** The closing line of a derived-clip table. */
export function offLine(off: Off): string {
  return `Off by, all lines: ours ${off['10 fps']} at 10 fps, ${off['every frame']} on every frame; OpenCV ${off.OpenCV}.`;
}

/** One derived clip of a table: the hand counts it keeps (`name`), how it is made, its row label. */
export interface DerivedRun {
  name: 'nl' | 'jakarta' | 'uk-rain';
  /** The derived file, from the original clip's name (made on first use). */
  path: (clip: string) => string;
  label: string;
  /** The direction the derived clip's traffic takes for a hand-counted one (default: the same). */
  swap?: (dir: string) => string;
}

/**
 * A table over derived clips, a clip column first: `intro` (title and text), then the rows of each run's
 * compared lines (countDerived) and the "off by" line.
 */
export async function derivedTable(
  intro: readonly string[],
  runs: readonly DerivedRun[],
  log: (s: string) => void,
): Promise<{ md: string[]; json: unknown }> {
  const md = [
    ...intro,
    '',
    '| clip | line | direction | class | truth | ours 10 fps | ours every frame | OpenCV |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const off: Off = { '10 fps': 0, 'every frame': 0, OpenCV: 0 };
  const json: unknown[] = [];
  for (const r of runs) {
    const truth = loadTruth(r.name);
    const lines = truth.lines.filter((l) => !SKIP.has(`${r.name}:${l.key}`));
    log(`${r.label}: `);
    const path = r.path(truth.clip);
    json.push(...(await countDerived(r.name, path, lines, r.swap ?? ((d) => d), md, off, log, r.label)));
    log('\n');
  }
  md.push('', offLine(off), '');
  return { md, json: { lines: json, off } };
}
