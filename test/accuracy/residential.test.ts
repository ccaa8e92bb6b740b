import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { analyzeFile } from '../../src/pipeline/analyze.js';
import { RESIDENTIAL_KERBS, RESIDENTIAL_STREET } from '../support/clip-cameras.js';
import { loadTruth, matchCrossings } from '../support/ground-truth.js';
import { runClip } from '../support/run-clip.js';
import { truthCrossings } from '../support/truth-crossings.js';
import { REPO } from '../support/vision.js';

describe('accuracy: residential street with cars parked on both sides (75 s)', () => {
  it('raises no stopped-vehicle (or any) incident for the parked cars in their parking zones', async () => {
    const run = await runClip(
      'residential_street_parked_cars.mp4',
      `detect: { fps: 5 }\nzones:\n${RESIDENTIAL_STREET}\n${RESIDENTIAL_KERBS}`,
    );
    const incidents = run.events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
    expect(incidents).toEqual([]);
    // The parked cars are there all along: the zones do see them.
    const occ = run.events.filter((e) => e.type === 'zone_occupancy' && e.zoneId === 'near-kerb');
    expect(occ.some((e) => e.type === 'zone_occupancy' && (e.max.car ?? 0) + (e.max.truck ?? 0) >= 2)).toBe(
      true,
    );
  }, 120_000);
});

/**
 * Three lines across the street (x = 0.25, 0.5, 0.75), counted by hand (residential-ground-truth.*): 8
 * vehicles pass each, 4 leftward and 4 rightward, two of them pulling in or out beside parked cars. Matched
 * to the hand count crossing by crossing (within 1 s), so two errors that cancel in a count both show.
 */
describe('accuracy: residential street, lines at three places', () => {
  const truth = loadTruth('residential');
  // Measured: 2 at 10 fps and at the demo's 5 fps (the bus, which YOLOX-nano sees from above only now and
  // then, missed at two lines); 8 and 10 when a parked car's track could take a car driving past it.
  for (const [fps, most] of [
    [10, 3],
    [5, 3],
  ] as const) {
    it(`at ${fps} fps: every line and direction within ±1, at most ${most} crossings missed or extra in all`, async () => {
      const got = await truthCrossings(truth, ['leftward', 'rightward'], { fps });
      let wrong = 0;
      for (const l of truth.lines) {
        for (const dir of ['leftward', 'rightward']) {
          const hand = l.crossings![dir]!;
          const ours = got.get(`${l.key}:${dir}`) ?? [];
          expect(Math.abs(ours.length - hand.length), `${l.key} ${dir}`).toBeLessThanOrEqual(1);
          const m = matchCrossings(hand, ours);
          wrong += m.missed.length + m.extra.length;
        }
      }
      expect(wrong).toBeLessThanOrEqual(most);
    }, 120_000);
  }
});

/**
 * The demo (`npm start`) plays the committed copy of this clip with config/default.yaml. Counted by hand at
 * its line (x = 0.5, across the street): 8 vehicles pass, 4 leftward (cars) and 4 rightward (3 cars and
 * the school bus at ~53 s); the parked cars never cross it.
 */
describe('accuracy: `ioc-edge analyze` with the demo config on the demo clip', () => {
  it('counts passing cars only (never more than pass) and raises no incident for the parked cars', async () => {
    const cfg = loadConfigFile(join(REPO, 'config', 'default.yaml'), { env: {}, cwd: REPO });
    const report = await analyzeFile(cfg, join(REPO, 'demo', 'residential_street_parked_cars.mp4'));
    expect(report.incidents).toEqual([]);
    const { leftward, rightward } = report.counts.main!;
    const total = (dir: Record<string, number>) => Object.values(dir).reduce((a, b) => a + b, 0);
    // Measured: 4 + 3 (the bus, which YOLOX-nano sees from above only now and then, is missed).
    expect(total(leftward!)).toBeLessThanOrEqual(4);
    expect(total(rightward!)).toBeLessThanOrEqual(4);
    expect(total(leftward!)).toBeGreaterThanOrEqual(2);
    expect(total(rightward!)).toBeGreaterThanOrEqual(2);
    for (const dir of [leftward!, rightward!]) {
      expect(dir.person).toBe(0);
      expect(dir.motorcycle).toBe(0);
    }
  }, 120_000);
});
