/**
 * Crossing-by-crossing comparison of our counts (and the OpenCV baseline's) with a hand count: which
 * hand-counted crossings were missed, which counted ones have no hand-counted partner, per line and
 * direction. A diagnostic for tracking and counting changes.
 *
 *   npx tsx bench/crossings.ts uk-rain [--fps 10|every] [--detect "tiles: [...]"] [--camera "zones: ..."]
 *     [--baseline] [--tracker '{"newTrackScore": 0.3}'] [--lines y070,y080full] [--list] [--phase 0..4]
 *     [--decoder-fps] [--reversed] [--file /tmp/ioc-edge-low-sun/low-sun_uk_motorway_heavy_rain.mp4]
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { probeStream } from '../src/pipeline/clip-probe.js';
import {
  type GotCrossing,
  loadTruth,
  matchCrossings,
  type TruthCrossing,
  type TruthLine,
} from '../test/support/ground-truth.js';
import { runClip } from '../test/support/run-clip.js';
import { MEDIA, REPO } from '../test/support/vision.js';
import { reversed } from './accuracy-reversed.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    fps: { type: 'string', default: '10' },
    detect: { type: 'string', default: '' },
    camera: { type: 'string', default: '' },
    baseline: { type: 'boolean', default: false },
    tracker: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    /** Only these hand-counted lines (comma-separated keys, e.g. y070): the detection plan depends on them. */
    lines: { type: 'string' },
    /** List our crossings on lines hand-counted without crossing times (y080full, y090full). */
    list: { type: 'boolean', default: false },
    /** Leave out the clip's first N frames: another phase of the 10 fps frame choice (N = 0..4 at 25 fps). */
    phase: { type: 'string', default: '0' },
    /** Reduce the rate in ffmpeg's fps filter, as `ioc-edge analyze` and bench:accuracy do. */
    'decoder-fps': { type: 'boolean', default: false },
    /** The clip played backwards (as bench:accuracy's reversed table): directions swapped, times mirrored. */
    reversed: { type: 'boolean', default: false },
    /** Another file with the same content and hand counts (a derived clip of bench:accuracy: haze, low sun, re-scaled). */
    file: { type: 'string' },
  },
});

/** Camera YAML with one full-width counting line per hand-counted line (ids = truth keys). */
export function linesYaml(lines: readonly TruthLine[]): string {
  return `lines:\n${lines
    .map(
      (l) =>
        `  - id: ${l.key.replace(/[^a-z0-9-]/g, '')}\n    points: ${JSON.stringify(l.points)}\n    directions: [down, up]`,
    )
    .join('\n')}`;
}

function report(
  who: string,
  lines: readonly TruthLine[],
  got: (line: TruthLine, dir: string) => GotCrossing[],
): void {
  for (const l of lines) {
    for (const dir of l.counted) {
      const truth: TruthCrossing[] = l.crossings?.[dir] ?? [];
      const g = got(l, dir);
      const byCls = (xs: { cls: string }[]) => {
        const m: Record<string, number> = {};
        for (const x of xs) m[x.cls] = (m[x.cls] ?? 0) + 1;
        return Object.entries(m)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ');
      };
      const t = Object.entries(l.counts[dir] ?? {})
        .filter(([, n]) => n! > 0)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ');
      console.log(`${who} ${l.key} ${dir}: ${g.length} (${byCls(g)}) vs truth ${truth.length} (${t})`);
      if (values.quiet) continue;
      if (truth.length === 0) {
        // No crossing times for this line (only counts): every crossing is extra when the count is zero,
        // else listed (--list) to be checked on the frames.
        const none = Object.values(l.counts[dir] ?? {}).every((n) => !n);
        const word = none ? 'extra ' : values.list ? 'got   ' : '';
        if (word) for (const x of g) console.log(`   ${word} ${x.s.toFixed(2)} s ${x.cls} #${x.track ?? ''}`);
        continue;
      }
      const m = matchCrossings(truth, g);
      for (const x of m.missed) console.log(`   missed ${x[0].toFixed(2)} s ${x[1]} ${x[2] ?? ''}`);
      for (const x of m.extra) console.log(`   extra  ${x.s.toFixed(2)} s ${x.cls} #${x.track ?? ''}`);
      for (const p of m.pairs) {
        if (process.env.PAIRS)
          console.log(
            `   pair   ${p.truth[0].toFixed(2)} s ${p.truth[1]} ~ ${p.got.s.toFixed(2)} s ${p.got.cls} #${p.got.track}`,
          );
        else if (p.got.cls !== p.truth[1])
          console.log(`   class  ${p.truth[0].toFixed(2)} s ${p.truth[1]} counted as ${p.got.cls}`);
      }
    }
  }
}

/** The hand count of the clip played backwards: each crossing the other way, at the mirrored time. */
function mirror(truth: ReturnType<typeof loadTruth>): void {
  const [rate, frames] = probeStream(join(MEDIA, truth.clip), 'r_frame_rate,nb_frames') ?? [];
  if (!rate || !frames) throw new Error(`${truth.clip}: ffprobe gave no frame rate and frame count`);
  const [num, den] = rate.split('/').map(Number);
  const end = ((Number(frames) - 1) * den!) / num!;
  const swap = (d: string) => (d === 'down' ? 'up' : d === 'up' ? 'down' : d);
  for (const l of truth.lines) {
    l.counted = l.counted.map(swap);
    l.counts = Object.fromEntries(Object.entries(l.counts).map(([d, c]) => [swap(d), c]));
    if (l.crossings) {
      l.crossings = Object.fromEntries(
        Object.entries(l.crossings).map(([d, xs]) => [
          swap(d),
          xs.map((x) => [Math.round((end - x[0]) * 100) / 100, ...x.slice(1)] as TruthCrossing).reverse(),
        ]),
      );
    }
  }
}

async function main(): Promise<void> {
  const truth = loadTruth(positionals[0] as 'nl' | 'jakarta' | 'uk-rain');
  if (values.lines) {
    const keep = values.lines.split(',');
    truth.lines = truth.lines.filter((l) => keep.includes(l.key));
  }
  const clip = values.file ?? (values.reversed ? reversed(truth.clip) : truth.clip);
  if (values.reversed) mirror(truth);
  const every = values.fps === 'every';
  const fps = every ? 30 : Number(values.fps);
  const yaml = `detect: { fps: ${fps}${values.detect ? `, ${values.detect}` : ''} }\n${values.camera ? `${values.camera}\n` : ''}${linesYaml(truth.lines)}`;
  const run = await runClip(clip, yaml, {
    everyFrame: every,
    skipFrames: Number(values.phase),
    decoderFps: values['decoder-fps'],
    analytics: values.tracker ? { tracker: JSON.parse(values.tracker) } : undefined,
  });
  const crossings = run.events.flatMap((e) => (e.type === 'line_crossing' ? [e] : []));
  report(`ours@${values.fps}`, truth.lines, (l, dir) =>
    crossings
      .filter((e) => e.lineId === l.key.replace(/[^a-z0-9-]/g, '') && e.direction === dir)
      .map((e) => ({ s: e.ptsMs / 1000, cls: e.cls, track: e.trackId })),
  );
  if (values.baseline) {
    const ys = truth.lines.map((l) => l.points[0][1]);
    const out = execFileSync(
      '/usr/bin/python3',
      [
        join(REPO, 'bench/baselines/opencv_counter.py'),
        values.reversed || values.file ? clip : join(MEDIA, truth.clip),
        join(REPO, 'models/yolox_nano.onnx'),
        join(REPO, 'models/coco-labels.json'),
        ...ys.flatMap((y) => ['--line-y', String(y)]),
        '--events',
      ],
      { encoding: 'utf8', cwd: join(REPO, 'bench/baselines'), maxBuffer: 64 << 20 },
    );
    const b = JSON.parse(out) as {
      events: { line: string; direction: string; cls: string; track: number; seconds: number }[];
    };
    report('opencv', truth.lines, (l, dir) =>
      b.events
        .filter((e) => e.line === `y${l.points[0][1].toFixed(2)}` && e.direction === dir)
        .map((e) => ({ s: e.seconds, cls: e.cls, track: e.track })),
    );
  }
  console.log(
    `frames ${run.frames}, inferred ${run.inferred} (regions on ${run.regions.on}, off ${run.regions.off}), wall ${(run.wallMs / 1000).toFixed(1)} s; ${run.layout.explain.join('; ')}`,
  );
}

await main();
process.exit(0);
