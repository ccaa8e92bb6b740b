import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import { segmentsCross, sideOf } from '../../src/analytics/geometry.js';
import { LineCounter } from '../../src/analytics/line-counter.js';
import type { CameraConfig, LineConfig } from '../../src/config/schema.js';
import { arrive, at, watching } from '../support/line-observe.js';
import { MID_LINE } from '../support/mid-line.js';
import { type SimObject, simulate } from '../support/synthetic-traffic.js';

const LINE = MID_LINE;

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
  // Crossings still settling their class are reported when the interval closes.
  for (const e of a.flush()) if (e.type === 'line_crossing') crossings.push(e);
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
  it('counts a track once, when it holds the new side, and names the direction', () => {
    const c = new LineCounter('cam', LINE);
    expect(arrive(c, 1, 0.5, 0.4, 2000)).toBeUndefined();
    // Across, but not yet held for HOLD_MS.
    expect(at(c, 1, 0.5, 0.55, 2100)).toBeUndefined();
    const e = at(c, 1, 0.5, 0.58, 2200);
    // Stamped with the time it crossed.
    expect(e).toMatchObject({ direction: 'down', cls: 'car', trackId: 1, ptsMs: 2100, timeMs: 2100 });
    // Back and forth across the line again: still one count.
    expect(at(c, 1, 0.5, 0.45, 2300)).toBeUndefined();
    expect(at(c, 1, 0.5, 0.6, 2400)).toBeUndefined();
    expect(at(c, 1, 0.5, 0.62, 2500)).toBeUndefined();
    expect(c.total('down', 'car')).toBe(1);
  });

  it('does not count a box that jumps across the line and straight back', () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.46, 2000);
    at(c, 1, 0.5, 0.52, 2100);
    at(c, 1, 0.5, 0.47, 2200);
    at(c, 1, 0.5, 0.45, 2300);
    expect(c.total('down', 'car') + c.total('up', 'car')).toBe(0);
  });

  it('counts a crossing made just before the track ended, unless it was a second box on a vehicle', () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.45, 2000);
    at(c, 1, 0.5, 0.55, 2100);
    expect(c.forget(1, 2200)).toMatchObject({ direction: 'down', trackId: 1, ptsMs: 2100 });
    arrive(c, 2, 0.5, 0.45, 2000);
    c.noBirth(2);
    at(c, 2, 0.5, 0.55, 2100);
    expect(c.forget(2, 2200)).toBeUndefined();
    // Nor for a track too short-lived to trust (level 1).
    arrive(c, 3, 0.5, 0.45, 2000, 1);
    at(c, 3, 0.5, 0.55, 2100, 1);
    expect(c.forget(3, 2200)).toBeUndefined();
  });

  it('counts a crossing seen while the track was tentative once it is confirmed', () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.45, 2000, 0);
    expect(at(c, 1, 0.5, 0.55, 2100, 0)).toBeUndefined();
    expect(at(c, 1, 0.5, 0.6, 2200, 0)).toBeUndefined();
    expect(at(c, 1, 0.5, 0.65, 2300, 1)?.direction).toBe('down');
  });

  it('names crossing to the left of a->b directions[1]', () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.6, 2000);
    at(c, 1, 0.5, 0.4, 2100);
    expect(at(c, 1, 0.5, 0.38, 2200)?.direction).toBe('up');
    // Reversed line a->b: the same movement is now to the right.
    const r = new LineCounter('cam', {
      ...LINE,
      points: [
        [1, 0.5],
        [0, 0.5],
      ],
    });
    arrive(r, 1, 0.5, 0.6, 2000);
    at(r, 1, 0.5, 0.4, 2100);
    expect(at(r, 1, 0.5, 0.38, 2200)?.direction).toBe('down');
  });

  it('ignores classes the line does not count', () => {
    const c = new LineCounter('cam', { ...LINE, classes: ['car'] });
    arrive(c, 1, 0.5, 0.4, 2000, 2, 'person');
    at(c, 1, 0.5, 0.6, 2100, 2, 'person');
    expect(at(c, 1, 0.5, 0.62, 2200, 2, 'person')).toBeUndefined();
    expect(c.total('down', 'person')).toBe(0);
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

  it('does not count a faint track against a line whose traffic all went the other way', () => {
    // Eight cars down in 7 s in one lane, then a car going up in that lane from 9.5 s.
    const down: SimObject[] = Array.from({ length: 8 }, (_, k) => ({
      name: `d${k}`,
      cls: 'car' as const,
      x: 0.9,
      y: 0.3 - 0.12 * k,
      w: 0.06,
      h: 0.05,
      vx: 0,
      vy: 0.15,
    }));
    const up = (score: number): SimObject => ({
      name: 'up',
      cls: 'car',
      // At 0.8 when it appears at 9.5 s, across the line at 12.5 s.
      x: 0.9,
      y: 1.75,
      w: 0.06,
      h: 0.05,
      vx: 0,
      vy: -0.1,
      score,
      from: 9.5,
    });
    // Scored 0.22 on every frame (a faint track wandering through a queue): no count.
    const faint = countScene([...down, up(0.22)], [LINE], 10, 14).a;
    expect(faint.total('l', 'down', 'car')).toBe(8);
    expect(faint.total('l', 'up', 'car')).toBe(0);
    // Seen clearly: a vehicle going the wrong way is counted.
    const clear = countScene([...down, up(0.7)], [LINE], 10, 14).a;
    expect(clear.total('l', 'up', 'car')).toBe(1);
    // ... and so is the faint one on a line with no flow yet.
    expect(countScene([up(0.22)], [LINE], 10, 14).a.total('l', 'up', 'car')).toBe(1);
    // ... and so is the faint one in a lane where a car went up before it, on a line whose traffic went
    // down in another lane, twelve cars to the two going up (the other side of a two-way road).
    const otherLane = Array.from({ length: 12 }, (_, k) => ({
      ...down[0]!,
      name: `o${k}`,
      x: 0.3,
      y: 0.3 - 0.12 * k,
    }));
    const first: SimObject = { ...up(0.7), name: 'first', y: 1.05, from: 0 };
    const twoWay = countScene([...otherLane, first, up(0.22)], [LINE], 10, 14).a;
    expect(twoWay.total('l', 'down', 'car')).toBe(12);
    expect(twoWay.total('l', 'up', 'car')).toBe(2);
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

  it('counts a seated "person" moving with traffic as a motorcycle (its bike unseen), a walker as a person', () => {
    const { a } = countScene([
      // 0.71 wide per tall in pixels: a rider; 0.44: someone walking.
      { name: 'rider', cls: 'person', x: 0.3, y: 0.3, w: 0.02, h: 0.05, vx: 0, vy: 0.06 },
      { name: 'walker', cls: 'person', x: 0.7, y: 0.3, w: 0.02, h: 0.08, vx: 0, vy: 0.06 },
    ]);
    expect(a.total('l', 'down', 'motorcycle')).toBe(1);
    expect(a.total('l', 'down', 'person')).toBe(1);
  });

  it('uses the bottom-centre anchor when asked', () => {
    // A tall box whose bottom crosses y=0.5 but whose centre stays above it.
    const objects: SimObject[] = [{ name: 'b', cls: 'bus', x: 0.5, y: 0.2, w: 0.1, h: 0.3, vx: 0, vy: 0.08 }];
    expect(countScene(objects, [LINE], 10, 3).crossings).toHaveLength(0);
    expect(countScene(objects, [{ ...LINE, anchor: 'bottom' }], 10, 3).crossings).toHaveLength(1);
  });

  it('counts a crossing made on the last frame of a clip when the stream ends, not on a plain flush', () => {
    // Across the line between the last two frames (1.9 s: 0.495, 2.0 s: 0.505): no later frame confirms it.
    const run = (endOfStream: boolean) => {
      const a = new CameraAnalytics(camera([LINE]));
      const events = [];
      const car: SimObject = { name: 'c', cls: 'car', x: 0.5, y: 0.305, w: 0.08, h: 0.06, vx: 0, vy: 0.1 };
      for (const r of simulate([car], 10, 2.05).results) events.push(...a.process(r));
      expect(events.filter((e) => e.type === 'line_crossing')).toHaveLength(0);
      events.push(...a.flush(endOfStream));
      return events.filter((e) => e.type === 'line_crossing');
    };
    expect(run(true)).toMatchObject([{ direction: 'down', cls: 'car', ptsMs: 2000 }]);
    expect(run(false)).toHaveLength(0);
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

describe('LineCounter, a vehicle nearing the camera', () => {
  it('counts a crossing made by a box that grew as it moved on as a whole, though the track ends right after', () => {
    const c = watching();
    at(c, 1, 0.5, 0.3, 1000);
    // Missed for a detector frame at 5 fps, then seen well past the line twice as tall: both edges moved
    // down (top 0.31 -> 0.525, bottom 0.47 -> 0.855), a move, not a box that changed.
    c.observe(1, 'car', 2, 0.58, 0.39, 0.09, 0.16, 1200, 1200);
    c.observe(1, 'car', 2, 0.6, 0.69, 0.17, 0.33, 1600, 1600);
    const crossing = c.forget(1, 2000);
    expect(crossing?.direction).toBe('down');
    expect(crossing?.ptsMs).toBe(1600);
  });

  it('holds a box that grew at one end only to the margin, and counts nothing when the track ends', () => {
    const c = watching();
    at(c, 1, 0.5, 0.3, 1000);
    c.observe(1, 'car', 2, 0.5, 0.47, 0.08, 0.1, 1200, 1200);
    // The top stays at 0.42, the bottom grows to 0.64 (a box grown over the car ahead): centre 0.53.
    c.observe(1, 'car', 2, 0.5, 0.53, 0.08, 0.22, 1400, 1400);
    expect(c.forget(1, 2000)).toBeUndefined();
  });
});
