import { describe, expect, it } from 'vitest';
import { CrossingClasses } from '../../../src/analytics/crossing-classes.js';
import type { LineCrossing } from '../../../src/analytics/events.js';
import { LineCounter } from '../../../src/analytics/line-counter.js';
import { RecentCrossings } from '../../../src/analytics/rules/recent-crossings.js';
import { Track } from '../../../src/tracking/track.js';
import { MID_LINE } from '../../support/mid-line.js';

type Box = [number, number, number, number];

function motorcycle(id: number, box: Box, matched = true): Track {
  const t = new Track();
  t.start(id, 'motorcycle', 0.6, ...box);
  t.matched = matched;
  return t;
}

const crossing = (trackId: number, pts: number): LineCrossing => ({
  type: 'line_crossing',
  cameraId: 'cam',
  lineId: 'l',
  direction: 'down',
  cls: 'motorcycle',
  trackId,
  timeMs: pts,
  ptsMs: pts,
});

describe('RecentCrossings', () => {
  it("takes back a third box on a rider, on the box whose crossing was taken back as the rider's second", () => {
    // Jakarta at 0.8, three lines on the camera, every frame: one motorcycle with three tracks. The one on
    // the bike crosses first; the one on the whole crosses 0.2 s later (the bike's second box: taken back);
    // the bike's track is lost, and the one on the rider's upper part, found on the whole box, crosses
    // there 0.44 s after the bike. `third`: its box then; `at`: when it crosses.
    const third = (box: Box, at: number): boolean => {
      const line = new LineCounter('cam', MID_LINE);
      const classes = new CrossingClasses();
      const recent = new RecentCrossings();
      const bike = motorcycle(1, [0.485, 0.47, 0.515, 0.53]);
      const whole = motorcycle(2, [0.485, 0.45, 0.515, 0.55]);
      const twice = (t: Track, pts: number, tracks: Track[]) =>
        recent.countedTwice(line, crossing(t.id, pts), t.id, t.x1, t.y1, t.x2, t.y2, classes, t, tracks);
      expect(twice(bike, 5000, [bike, whole])).toBe(false);
      expect(twice(whole, 5200, [bike, whole])).toBe(true);
      bike.matched = false;
      const upper = motorcycle(3, box);
      return twice(upper, at, [bike, whole, upper]);
    };
    expect(third([0.485, 0.45, 0.515, 0.55], 5440)).toBe(true);
    // Not on the whole's box (a rider just behind), or more than a second after the bike: its own crossing.
    expect(third([0.485, 0.38, 0.515, 0.44], 5440)).toBe(false);
    expect(third([0.485, 0.45, 0.515, 0.55], 6100)).toBe(false);
  });

  it("takes back a rider's part box seen stacked with the rider's counted track at both crossings", () => {
    // Jakarta at 0.8, every frame: one rider, two tracks. One on the whole crosses; 0.32 s later the other,
    // on the upper part when the first crossed, has slid onto the bike while the first sits on the torso:
    // they overlap too little to be one box (ONE_BOX), but together they are one rider's height (0.1 of
    // the picture here, learnt from the two-wheelers). `then`: the second's box when the first crosses;
    // `now`: its box when it crosses, at `at`; `firstNow`: the first's box then; `tall`: the learnt height.
    const second = (
      then: Box,
      now: Box,
      { tall = 0.1, at = 1320, firstNow = [0.48, 0.43, 0.52, 0.505] as Box } = {},
    ): boolean => {
      const line = new LineCounter('cam', MID_LINE);
      const classes = new CrossingClasses();
      const recent = new RecentCrossings(() => tall);
      const first = motorcycle(1, [0.48, 0.44, 0.52, 0.545]);
      const other = motorcycle(2, then);
      const tracks = [first, other];
      const twice = (t: Track, pts: number) =>
        recent.countedTwice(line, crossing(t.id, pts), t.id, t.x1, t.y1, t.x2, t.y2, classes, t, tracks);
      expect(twice(first, 1000)).toBe(false);
      first.observe('motorcycle', 0.6, ...firstNow);
      other.observe('motorcycle', 0.6, ...now);
      return twice(other, at);
    };
    const upper: Box = [0.482, 0.43, 0.518, 0.5];
    const lower: Box = [0.482, 0.47, 0.518, 0.545];
    expect(second(upper, lower)).toBe(true);
    // Two riders nose to tail, the one behind a rider's height higher: each counts.
    expect(
      second([0.48, 0.36, 0.52, 0.465], [0.48, 0.44, 0.52, 0.545], { firstNow: [0.48, 0.52, 0.52, 0.625] }),
    ).toBe(false);
    // Stacked now only: on another rider when the first crossed. Nor with the rider's height not learnt
    // yet, or taller together than one rider, or more than a second later.
    expect(second([0.482, 0.3, 0.518, 0.37], lower)).toBe(false);
    expect(second(upper, lower, { tall: Number.NaN })).toBe(false);
    expect(second(upper, lower, { tall: 0.08 })).toBe(false);
    expect(second(upper, lower, { at: 2100 })).toBe(false);
  });
});
