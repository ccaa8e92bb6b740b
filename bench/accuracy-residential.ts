/**
 * The demo clip with lines at three places across the street (part of `npm run bench:accuracy`): a city
 * street, cars parked on both kerbs and pulling in and out beside them, hand-counted crossing by crossing
 * (test/accuracy/residential-ground-truth.*). Matched by time, so two errors that cancel in a count both
 * show. The OpenCV baseline counts horizontal lines only: no column for it here.
 */
import { loadTruth, matchCrossings } from '../test/support/ground-truth.js';
import { truthCrossings } from '../test/support/truth-crossings.js';

const DIRECTIONS = ['leftward', 'rightward'] as const;
const times = (s: number[]) => s.map((v) => v.toFixed(1)).join(', ') || '–';
/** The demo's rate (config/default.yaml) and every frame (the clip runs at about 10 fps). */
const RATES = [
  { name: '5 fps (the demo)', fps: 5 },
  { name: 'every frame (~10 fps)', fps: 0 },
] as const;

export async function residentialLines(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const truth = loadTruth('residential');
  const md: string[] = [
    '## Residential street (the demo clip), lines at three places',
    '',
    "Lines across the street at x = 0.25, 0.5 (the demo's) and 0.75, hand-counted crossing by crossing",
    '(test/accuracy/residential-ground-truth.*: 4 cars leftward, 3 cars and the school bus rightward at',
    'each). Ours as `analyze` runs it (the rate reduced in ffmpeg); crossings matched to the hand count',
    'within 1 s, so a double count and a miss that cancel in the count both show. Cells: ours / truth,',
    'then missed and extra crossings (seconds into the clip).',
    '',
    '| rate | line | direction | ours / truth | missed | extra |',
    '|---|---|---|---|---|---|',
  ];
  const json: unknown[] = [];
  for (const rate of RATES) {
    log(`residential ${rate.name}: `);
    const got = await truthCrossings(truth, DIRECTIONS, { fps: rate.fps || 10, everyFrame: rate.fps === 0 });
    let wrong = 0;
    let all = 0;
    for (const l of truth.lines) {
      for (const dir of DIRECTIONS) {
        const hand = l.crossings![dir]!;
        const ours = got.get(`${l.key}:${dir}`) ?? [];
        const m = matchCrossings(hand, ours);
        wrong += m.missed.length + m.extra.length;
        all += hand.length;
        md.push(
          `| ${rate.name} | ${l.key} | ${dir} | ${ours.length} / ${hand.length} | ${times(m.missed.map((t) => t[0]))} | ${times(m.extra.map((g) => g.s))} |`,
        );
        json.push({
          rate: rate.name,
          line: l.key,
          direction: dir,
          ours: ours.length,
          truth: hand.length,
          missed: m.missed.map((t) => t[0]),
          extra: m.extra.map((g) => g.s),
        });
      }
    }
    md.push(`| ${rate.name} | all | | | **${wrong} missed or extra of ${all}** | |`);
    log(`${wrong} missed or extra\n`);
  }
  md.push('');
  return { md, json };
}
