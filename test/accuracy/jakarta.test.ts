import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LineCounts } from '../../src/vision/analytics-stage.js';
import { JAKARTA_DETECT, JAKARTA_LINE } from '../fixtures/clip-cameras.js';
import { type ClipRun, runClip } from '../support/run-clip.js';

const truth = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/jakarta-ground-truth.json'), 'utf8'),
).lines.y090;

/** Within 10 % of the hand count (at least ±1). */
function near(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= Math.max(1, 0.1 * expected);
}

describe('accuracy: Jakarta dense traffic, line low in the frame (y = 0.9)', () => {
  let run: ClipRun;
  let down: LineCounts[string][string];

  beforeAll(async () => {
    run = await runClip('jakarta_dense_traffic_motorcycles.mp4', `${JAKARTA_DETECT}\n${JAKARTA_LINE}`);
    down = run.stage.counts().low!.down!;
  }, 120_000);

  it('counts cars within 10 % of the hand count, nothing upward', () => {
    expect(down.car, `cars ${down.car} vs ${truth.counts.down.car}`).toSatisfy((n: number) =>
      near(n, truth.counts.down.car),
    );
    const up = run.stage.counts().low!.up!;
    expect(Object.values(up).reduce((a, b) => a! + b!, 0)).toBe(0);
  });

  it('counts motorcycles within 10 % of the hand count', () => {
    expect(down.motorcycle, `motorcycles ${down.motorcycle} vs ${truth.counts.down.motorcycle}`).toSatisfy(
      (n: number) => near(n, truth.counts.down.motorcycle),
    );
  });

  // Known limitation: one rider whose motorcycle is hidden behind a black SUV (16-17 s) is seen only as a
  // "person", moving too slowly in the jam for the analytics to call it a rider; it crosses the line as a
  // person. Expected to fail until the tracker links an occluded rider to motorcycle evidence.
  it.fails('counts no rider as a pedestrian at the line (occluded rider, tracker-limited)', () => {
    expect(down.person).toBe(0);
  });
});
