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
});
