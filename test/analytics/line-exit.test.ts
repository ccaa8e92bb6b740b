import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import { LineCounter } from '../../src/analytics/line-counter.js';
import type { LineConfig } from '../../src/config/schema.js';
import { type SimObject, simulate } from '../support/synthetic-traffic.js';

/** A full-width line near the bottom of the picture, where traffic toward the camera leaves it. */
const LOW_LINE: LineConfig = {
  id: 'low',
  points: [
    [0, 0.85],
    [1, 0.85],
  ],
  directions: ['down', 'up'],
  anchor: 'center',
};

/** A 0.2 x `h` box centred at (0.5, y) at stream ms `ms` (epoch ms the same). */
function box(c: LineCounter, id: number, y: number, h: number, ms: number) {
  return c.observe(id, 'car', 2, 0.5, y, 0.2, h, ms, ms);
}

describe('LineCounter.exited', () => {
  it('counts a track last seen short of the line, its box at the border it headed for, gone across it', () => {
    const c = new LineCounter('cam', LOW_LINE);
    box(c, 1, 0.45, 0.3, 1000);
    box(c, 1, 0.6, 0.34, 1100);
    // Last seen with its centre at 0.8, its box reaching the bottom of the picture.
    box(c, 1, 0.8, 0.38, 1200);
    expect(c.forget(1, 1400)).toBeUndefined();
    const d = new LineCounter('cam', LOW_LINE);
    box(d, 1, 0.45, 0.3, 1000);
    box(d, 1, 0.6, 0.34, 1100);
    box(d, 1, 0.8, 0.38, 1200);
    // The tracker had it at 1.1 when it ended 200 ms later: it met the line a sixth of the way there.
    const e = d.exited(1, 'car', 0.5, 1.1, 1400, 1400);
    expect(e).toMatchObject({ direction: 'down', trackId: 1 });
    expect(e!.ptsMs).toBeCloseTo(1200 + 200 / 6, 6);
    expect(e!.timeMs).toBeCloseTo(e!.ptsMs, 6);
    expect(d.total('down', 'car')).toBe(1);
    // Counted once: its end counts nothing more.
    expect(d.forget(1, 1400)).toBeUndefined();
  });

  it('does not count a track lost inside the picture, standing at the border, or leaving it the other way', () => {
    // Hidden short of the line, its box clear of the border: it may come out again.
    const hidden = new LineCounter('cam', LOW_LINE);
    box(hidden, 1, 0.6, 0.1, 1000);
    box(hidden, 1, 0.7, 0.1, 1100);
    box(hidden, 1, 0.8, 0.1, 1200);
    expect(hidden.exited(1, 'car', 0.5, 1.1, 1400, 1400)).toBeUndefined();
    // At the border, but where the tracker had it at the end is still short of the line.
    const standing = new LineCounter('cam', LOW_LINE);
    box(standing, 1, 0.8, 0.38, 1000);
    box(standing, 1, 0.8, 0.38, 1100);
    expect(standing.exited(1, 'car', 0.5, 0.81, 1400, 1400)).toBeUndefined();
    // Its box at the bottom border while it drove up, away from it: the line is behind it.
    const away = new LineCounter('cam', {
      ...LOW_LINE,
      points: [
        [0, 0.7],
        [1, 0.7],
      ],
    });
    box(away, 1, 0.82, 0.38, 1000);
    box(away, 1, 0.8, 0.38, 1100);
    expect(away.exited(1, 'car', 0.5, 0.6, 1400, 1400)).toBeUndefined();
    // Leaving at the right edge just short of the line, its box cut to a sliver there: it reached the line
    // out of view, beyond the segment's end, if at all.
    const side = new LineCounter('cam', LOW_LINE);
    side.observe(1, 'car', 2, 0.95, 0.8, 0.08, 0.16, 1000, 1000);
    side.observe(1, 'car', 2, 0.98, 0.83, 0.04, 0.16, 1100, 1100);
    expect(side.exited(1, 'car', 1.0, 0.9, 1300, 1300)).toBeUndefined();
    // A second box on a vehicle counts nothing of its own.
    const second = new LineCounter('cam', LOW_LINE);
    box(second, 1, 0.6, 0.34, 1100);
    second.noBirth(1);
    box(second, 1, 0.8, 0.38, 1200);
    expect(second.exited(1, 'car', 0.5, 1.1, 1400, 1400)).toBeUndefined();
  });
});

describe('a fast car leaving the picture at 10 fps', () => {
  function count(line: LineConfig, car: SimObject) {
    const a = new CameraAnalytics({
      id: 'cam',
      lines: [line],
      zones: [],
      calibration: undefined,
      countInterval: 60_000,
    });
    for (const r of simulate([car], 10, 3).results) a.process(r);
    a.flush();
    return a.total(line.id, 'down', 'car');
  }

  it('is counted at a line it was last seen short of, near the bottom border', () => {
    // 1.2 picture heights a second toward the camera: last found at 0.8, its box down to the border;
    // the detector misses the box the border then cuts.
    const car: SimObject = {
      name: 'car',
      cls: 'car',
      x: 0.5,
      y: 0.32,
      w: 0.2,
      h: 0.4,
      vx: 0,
      vy: 1.2,
      to: 0.45,
    };
    expect(count(LOW_LINE, car)).toBe(1);
  });

  it('is not counted at a line it was hidden short of, in the middle of the picture', () => {
    const mid: LineConfig = {
      ...LOW_LINE,
      points: [
        [0, 0.5],
        [1, 0.5],
      ],
    };
    const car: SimObject = {
      name: 'car',
      cls: 'car',
      x: 0.5,
      y: 0.1,
      w: 0.1,
      h: 0.1,
      vx: 0,
      vy: 0.6,
      to: 0.6,
    };
    expect(count(mid, car)).toBe(0);
  });
});
