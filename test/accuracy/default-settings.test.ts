import { beforeAll, describe, expect, it } from 'vitest';
import type { LineSize } from '../../src/analytics/line-sizes.js';
import type { TrafficClass } from '../../src/domain/traffic.js';
import type { LineCounts } from '../../src/pipeline/traffic-stage.js';
import { allowedOff, loadTruth, type TruthLine } from '../support/ground-truth.js';
import { runClip } from '../support/run-clip.js';

/**
 * Default settings, as a technician leaves a camera: full-width counting lines and nothing else — no
 * tiles, automatic detection regions (vision/detect-plan.ts) — at `detect.fps: 10` and on every frame,
 * against our hand counts (test/accuracy/*-ground-truth.*). Each line is its own camera (the regions
 * follow the lines).
 */

const VEHICLES: TrafficClass[] = ['car', 'truck', 'bus', 'motorcycle', 'bicycle', 'person'];

function lineYaml(l: Pick<TruthLine, 'points'>): string {
  return `lines:\n  - id: l\n    points: ${JSON.stringify(l.points)}\n    directions: [down, up]`;
}

/** How tall two-wheelers were at the line of each run (see analytics/line-sizes.ts), by `y@fps`. */
const sizes = new Map<string, LineSize>();
const sizeKey = (l: Pick<TruthLine, 'points'>, fps: number | 'every') => `${l.points[0]![1]}@${fps}`;

async function count(
  clip: string,
  l: Pick<TruthLine, 'points'>,
  fps: number | 'every',
): Promise<LineCounts['l']> {
  const run = await runClip(clip, `detect: { fps: ${fps === 'every' ? 30 : fps} }\n${lineYaml(l)}`, {
    everyFrame: fps === 'every',
  });
  sizes.set(sizeKey(l, fps), run.stage.lineSizes()[0]!);
  return run.stage.counts().l!;
}

const total = (c: Partial<Record<TrafficClass, number>> | undefined) =>
  VEHICLES.reduce((a, k) => a + (c?.[k] ?? 0), 0);

describe('accuracy with default settings: NL motorway (line at 0.5)', () => {
  const nl = loadTruth('nl');
  for (const fps of [10, 'every'] as const) {
    it(`is exact at ${fps === 'every' ? 'every frame' : `${fps} fps`}: 11 cars down, nothing up`, async () => {
      const c = await count(nl.clip, nl.lines[0]!, fps);
      expect(c.down).toMatchObject({ car: 11, truck: 0, bus: 0, motorcycle: 0, person: 0 });
      expect(total(c.up)).toBe(0);
      // No two-wheelers on a motorway: nothing to tell about their size, and no warning.
      expect(sizes.get(sizeKey(nl.lines[0]!, fps))?.status).toBe('unknown');
    }, 120_000);
  }
});

/**
 * Goals (issue 13): ±10 % per class, no phantom person at the line, 10 fps within 5 % of every frame. Where
 * a goal is not met the test says so in its name and pins what is measured now (bench/results/accuracy.md
 * has the table), so a regression still fails.
 */
describe('accuracy with default settings: Jakarta dense motorcycle traffic, full-width lines at 0.7, 0.8, 0.9', () => {
  const jk = loadTruth('jakarta');
  const KEYS = ['y070', 'y080full', 'y090full'];
  const line = (key: string) => jk.lines.find((l) => l.key === key)!;
  const runs: Record<string, LineCounts['l']> = {};

  const high: Pick<TruthLine, 'points'> = {
    points: [
      [0, 0.55],
      [1, 0.55],
    ],
  };

  beforeAll(async () => {
    for (const key of KEYS) {
      runs[`${key}@10`] = await count(jk.clip, line(key), 10);
      runs[`${key}@every`] = await count(jk.clip, line(key), 'every');
    }
    runs['y055@10'] = await count(jk.clip, high, 10);
  }, 540_000);

  const at = (key: string, mode: string, cls: TrafficClass, dir = 'down') =>
    (runs[`${key}@${mode}`]![dir] as Partial<Record<TrafficClass, number>>)[cls] ?? 0;

  it('counts cars within 10 % of the hand count at every line height, at 10 fps and every frame', () => {
    const measured: string[] = [];
    for (const mode of ['10', 'every']) {
      for (const key of KEYS) {
        const t = line(key).counts.down!.car!;
        const n = at(key, mode, 'car');
        measured.push(`${key}@${mode} ${n} of ${t}`);
        expect(Math.abs(n - t), measured.join(', ')).toBeLessThanOrEqual(allowedOff(t, 0.1));
      }
    }
    console.log(`cars: ${measured.join(', ')}`);
  });

  // At 0.8 every frame one extra is the rider on the line at frame 0, whom the hand count leaves out. Before
  // the automatic regions: 0 of 22 at 0.7. Until crossings not seen well were judged like births (a second
  // track on a rider, coasting across the line): 24 at 0.8 every frame. bench/crossings.ts lists them.
  it('counts motorcycles within 10 % of the hand count at every line height, at 10 fps and every frame', () => {
    const measured: string[] = [];
    for (const mode of ['10', 'every']) {
      for (const key of KEYS) {
        const t = line(key).counts.down!.motorcycle!;
        const n = at(key, mode, 'motorcycle');
        measured.push(`${key}@${mode} ${n} of ${t}`);
        expect(Math.abs(n - t), measured.join(', ')).toBeLessThanOrEqual(allowedOff(t, 0.1));
      }
    }
    console.log(`motorcycles: ${measured.join(', ')}`);
  });

  // Measured, 10 fps and every frame alike (docs/analytics.md, "How high a line can go"): 0.55 4.1 % of
  // the picture = 22 model px, 0.7 7.2 % = 38 px, 0.8 9.7 % = 52 px, 0.9 12.8 % = 65 px; hand-measured box
  // heights there: 4, 8, 10, 13.7 %. Small below 36 px.
  it('tells how tall motorcycles are at each line, and that they are too small at 0.55 (7 of 22 counted)', () => {
    const expected: [string, number, number, LineSize['status']][] = [
      ['0.55@10', 3, 5, 'small'],
      ['0.7@10', 6, 8.5, 'ok'],
      ['0.7@every', 6, 8.5, 'ok'],
      ['0.8@10', 8.5, 11.5, 'ok'],
      ['0.8@every', 8.5, 11.5, 'ok'],
      ['0.9@10', 11, 15, 'ok'],
      ['0.9@every', 11, 15, 'ok'],
    ];
    for (const [key, lo, hi, status] of expected) {
      const s = sizes.get(key);
      expect(s?.status, key).toBe(status);
      expect(s?.heightPct, key).toBeGreaterThanOrEqual(lo);
      expect(s?.heightPct, key).toBeLessThanOrEqual(hi);
    }
    expect(at('y055', '10', 'motorcycle')).toBeLessThan(0.5 * line('y070').counts.down!.motorcycle!);
  });

  it('counts no rider as a person at the line', () => {
    for (const mode of ['10', 'every']) {
      for (const key of KEYS) expect(at(key, mode, 'person'), `${key}@${mode}`).toBe(0);
    }
  });

  // Measured: one car at 0.7 every frame, nothing else.
  it('counts at most 1 of each class going up (no traffic goes up)', () => {
    for (const key of KEYS) {
      for (const mode of ['10', 'every']) {
        for (const cls of VEHICLES)
          expect(at(key, mode, cls, 'up'), `${key}@${mode} ${cls}`).toBeLessThanOrEqual(1);
      }
    }
  });

  // Cars at 0.7 over the five frame choices at 10 fps (bench/crossings.ts --phase 0..4) were 22, 22, 23, 22,
  // 22 against 24 every frame (hand count 23) until crossings not seen well were judged like births.
  it('counts at 10 fps within 5 % (at least 1) of every frame', () => {
    for (const key of KEYS) {
      for (const cls of ['car', 'motorcycle'] as const) {
        const a = at(key, '10', cls);
        const b = at(key, 'every', cls);
        expect(Math.abs(a - b), `${key} ${cls}: ${a} at 10 fps, ${b} every frame`).toBeLessThanOrEqual(
          allowedOff(b, 0.05),
        );
      }
    }
  });
});

describe('accuracy with default settings: UK motorway in heavy rain, both directions', () => {
  const uk = loadTruth('uk-rain');
  const runs: Record<string, LineCounts['l']> = {};

  beforeAll(async () => {
    for (const l of uk.lines) {
      runs[`${l.key}@10`] = await count(uk.clip, l, 10);
      runs[`${l.key}@every`] = await count(uk.clip, l, 'every');
    }
  }, 360_000);

  // GOAL NOT MET (±1 per class): measured (10 fps / every frame): down 0.5 15 / 15 of 16 (two of the
  // three lorries come out as "bus"), down 0.65 11 / 12 of 12 (every frame: a person for the motorcyclist),
  // up 0.65 19 / 19 of 20, up 0.8 19 / 18 of 20 (cars 18 / 17 of 18; the traffic-management lorry
  // counted as a "bus" after it is first seen past the line). What is missed is what YOLOX-nano does not
  // see in the spray (bench/crossings.ts: the tanker at the left edge, at 0.8 a car there too, the
  // motorcyclist); no tracker can count those.
  it('counts vehicles toward the camera within 1 of the hand count at 0.5 and 0.65 (goal ±1 per class: not met)', () => {
    for (const key of ['y050', 'y065']) {
      const truth = total(uk.lines.find((l) => l.key === key)!.counts.down);
      for (const mode of ['10', 'every']) {
        const n = total(runs[`${key}@${mode}`]!.down);
        expect(Math.abs(truth - n), `${key}@${mode}: ${n} vs ${truth}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('counts the cars in the spray within 1 of the hand count, at every line both ways, at 10 fps and every frame', () => {
    // A car with its spray plume comes out as a tall "bus" box; its width is a car's (RowWidthModel). A car
    // in spray going away is scored 0.13-0.35 from frame to frame: its track lives on its low-score boxes
    // (ByteTracker's tentativeKeepLow), else at 0.8 it is never confirmed at 10 fps.
    for (const [key, dir] of [
      ['y050', 'down'],
      ['y065', 'down'],
      ['y065', 'up'],
      ['y080', 'up'],
    ] as const) {
      const truth = uk.lines.find((l) => l.key === key)!.counts[dir]!.car!;
      for (const mode of ['10', 'every']) {
        const n = runs[`${key}@${mode}`]![dir]?.car ?? 0;
        expect(Math.abs(n - truth), `${key}@${mode} ${dir}: ${n} cars vs ${truth}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('counts vehicles going away within 2 of the hand count (20) at 0.65 and 0.8 (goal ±1 per class: not met)', () => {
    for (const key of ['y065', 'y080']) {
      const truth = total(uk.lines.find((l) => l.key === key)!.counts.up);
      for (const mode of ['10', 'every']) {
        const n = total(runs[`${key}@${mode}`]!.up);
        expect(truth - n, `${key}@${mode}: ${n} vs ${truth}`).toBeLessThanOrEqual(2);
        expect(n).toBeLessThanOrEqual(truth + 1);
      }
    }
  });
});
