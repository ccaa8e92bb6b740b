import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LineCounts } from '../../src/vision/analytics-stage.js';
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
    run = await runClip(
      'jakarta_dense_traffic_motorcycles.mp4',
      `detect: { fps: 10 }
lines:
  - id: low
    points: [[0.3, 0.9], [0.9, 0.9]]
    directions: [down, up]`,
    );
    down = run.stage.counts().low!.down!;
  }, 120_000);

  it('counts cars within 10 % of the hand count, nothing upward', () => {
    expect(down.car, `cars ${down.car} vs ${truth.counts.down.car}`).toSatisfy((n: number) =>
      near(n, truth.counts.down.car),
    );
    const up = run.stage.counts().low!.up!;
    expect(Object.values(up).reduce((a, b) => a! + b!, 0)).toBe(0);
  });

  // Known limitation (see bench/results/accuracy.md): YOLOX-nano at 416 px sees most head-on motorcycles in
  // this view only as low-score "person" riders, so they are never tracked. This test states the target
  // and is expected to fail until the detector sees them (larger input or a crop of the road); vitest
  // reports it when it starts passing.
  it.fails('counts motorcycles within 10 % and no rider as a pedestrian (detector-limited)', () => {
    expect(near(down.motorcycle!, truth.counts.down.motorcycle)).toBe(true);
    expect(down.person).toBe(0);
  });
});
