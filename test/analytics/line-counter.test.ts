import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import { segmentsCross, sideOf } from '../../src/analytics/geometry.js';
import { LineCounter } from '../../src/analytics/line-counter.js';
import type { CameraConfig, LineConfig } from '../../src/config/schema.js';
import { type SimObject, simulate } from '../support/synthetic-traffic.js';

const LINE: LineConfig = {
  id: 'l',
  points: [
    [0, 0.5],
    [1, 0.5],
  ],
  directions: ['down', 'up'],
  anchor: 'center',
};

function camera(
  lines: LineConfig[],
): Pick<CameraConfig, 'id' | 'lines' | 'zones' | 'calibration' | 'countInterval'> {
  return { id: 'cam', lines, zones: [], calibration: undefined, countInterval: 60_000 };
}

function countScene(objects: SimObject[], lines = [LINE], fps = 10, seconds = 6) {
  const a = new CameraAnalytics(camera(lines));
  const crossings = [];
  for (const r of simulate(objects, fps, seconds).results) {
    for (const e of a.process(r)) if (e.type === 'line_crossing') crossings.push(e);
  }
  return { a, crossings };
}

describe('line geometry', () => {
  it('puts points below a left-to-right line on its right (y down)', () => {
    expect(sideOf(0, 0.5, 1, 0.5, 0.5, 0.7)).toBeGreaterThan(0);
    expect(sideOf(0, 0.5, 1, 0.5, 0.5, 0.3)).toBeLessThan(0);
  });
  it('sees whether a movement crosses the segment, not the infinite line', () => {
    expect(segmentsCross(0.2, 0.5, 0.8, 0.5, 0.5, 0.4, 0.5, 0.6)).toBe(true);
    expect(segmentsCross(0.2, 0.5, 0.8, 0.5, 0.9, 0.4, 0.9, 0.6)).toBe(false);
  });
});

describe('LineCounter', () => {
  it('counts a track once and names the direction', () => {
    const c = new LineCounter('cam', LINE);
    expect(c.observe(1, 'car', true, 0.5, 0.4, 0, 0)).toBeUndefined();
    const e = c.observe(1, 'car', true, 0.5, 0.55, 1, 1);
    expect(e?.direction).toBe('down');
    // Back and forth across the line again: still one count.
    expect(c.observe(1, 'car', true, 0.5, 0.45, 2, 2)).toBeUndefined();
    expect(c.observe(1, 'car', true, 0.5, 0.6, 3, 3)).toBeUndefined();
    expect(c.total('down', 'car')).toBe(1);
  });

  it('names crossing to the left of a->b directions[1]', () => {
    const c = new LineCounter('cam', LINE);
    c.observe(1, 'car', true, 0.5, 0.6, 0, 0);
    expect(c.observe(1, 'car', true, 0.5, 0.4, 1, 1)?.direction).toBe('up');
    // Reversed line a->b: the same movement is now to the right.
    const r = new LineCounter('cam', {
      ...LINE,
      points: [
        [1, 0.5],
        [0, 0.5],
      ],
    });
    r.observe(1, 'car', true, 0.5, 0.6, 0, 0);
    expect(r.observe(1, 'car', true, 0.5, 0.4, 1, 1)?.direction).toBe('down');
  });

  it('ignores classes the line does not count', () => {
    const c = new LineCounter('cam', { ...LINE, classes: ['car'] });
    c.observe(1, 'person', true, 0.5, 0.4, 0, 0);
    expect(c.observe(1, 'person', true, 0.5, 0.6, 1, 1)).toBeUndefined();
  });
});

describe('line counting on tracks', () => {
  it('counts cars crossing down and up with the right classes', () => {
    const { a } = countScene([
      { name: 'c1', cls: 'car', x: 0.3, y: 0.2, w: 0.08, h: 0.06, vx: 0, vy: 0.12 },
      { name: 'c2', cls: 'car', x: 0.7, y: 0.85, w: 0.08, h: 0.06, vx: 0, vy: -0.12 },
      { name: 'm1', cls: 'motorcycle', x: 0.5, y: 0.1, w: 0.03, h: 0.05, vx: 0, vy: 0.15 },
    ]);
    expect(a.total('l', 'down', 'car')).toBe(1);
    expect(a.total('l', 'up', 'car')).toBe(1);
    expect(a.total('l', 'down', 'motorcycle')).toBe(1);
  });

  it('does not count a track first seen already past the line', () => {
    const { crossings } = countScene([
      { name: 'c', cls: 'car', x: 0.5, y: 0.62, w: 0.08, h: 0.06, vx: 0, vy: 0.05 },
    ]);
    expect(crossings).toHaveLength(0);
  });

  it('counts a car that crosses the line while hidden (occlusion) once, after it reappears', () => {
    const { crossings } = countScene([
      { name: 'c', cls: 'car', x: 0.5, y: 0.2, w: 0.08, h: 0.06, vx: 0, vy: 0.1, hidden: [[2.5, 3.5]] },
    ]);
    expect(crossings).toHaveLength(1);
    expect(crossings[0]!.direction).toBe('down');
  });

  it('uses the bottom-centre anchor when asked', () => {
    // A tall box whose bottom crosses y=0.5 but whose centre stays above it.
    const objects: SimObject[] = [{ name: 'b', cls: 'bus', x: 0.5, y: 0.2, w: 0.1, h: 0.3, vx: 0, vy: 0.08 }];
    expect(countScene(objects, [LINE], 10, 3).crossings).toHaveLength(0);
    expect(countScene(objects, [{ ...LINE, anchor: 'bottom' }], 10, 3).crossings).toHaveLength(1);
  });

  it('aggregates counts per interval with zeros for quiet classes', () => {
    const a = new CameraAnalytics({
      ...camera([{ ...LINE, classes: ['car', 'motorcycle'] }]),
      countInterval: 2000,
    });
    const events = [];
    for (const r of simulate(
      [{ name: 'c', cls: 'car', x: 0.5, y: 0.3, w: 0.08, h: 0.06, vx: 0, vy: 0.1 }],
      10,
      5,
    ).results) {
      events.push(...a.process(r));
    }
    events.push(...a.flush());
    const intervals = events.filter((e) => e.type === 'count_interval');
    const cars = intervals.filter((e) => e.cls === 'car' && e.direction === 'down');
    expect(cars.map((e) => e.count).reduce((x, y) => x + y, 0)).toBe(1);
    expect(intervals.every((e) => e.endMs - e.startMs <= 2000)).toBe(true);
    expect(new Set(intervals.map((e) => e.cls))).toEqual(new Set(['car', 'motorcycle']));
  });
});
