import { describe, expect, it } from 'vitest';
import { HandedBoxes } from '../../src/analytics/handed-boxes.js';
import { Track } from '../../src/tracking/track.js';

function track(id: number, x1: number, y1: number, x2: number, y2: number): Track {
  const t = new Track();
  t.start(id, 'car', 0.9, x1, y1, x2, y2);
  return t;
}

function moveTo(t: Track, x1: number, y1: number, x2: number, y2: number): void {
  t.kf.init((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1);
}

describe('HandedBoxes', () => {
  it("notes the box a track was left out with; off it (a passing car's detection taken) below IoU 0.7", () => {
    const h = new HandedBoxes();
    const t = track(1, 0.3, 0.4, 0.4, 0.6);
    expect(h.passingOver(t)).toBe(false);
    // Its box jitters a little: still on what lies there.
    moveTo(t, 0.31, 0.4, 0.41, 0.61);
    expect(h.passingOver(t)).toBe(false);
    // Grown to take in a car beside it (the real case: [0.29,0.41,0.40,0.59] -> [0.22,0.41,0.40,0.62]).
    moveTo(t, 0.23, 0.4, 0.4, 0.62);
    expect(h.passingOver(t)).toBe(true);
    moveTo(t, 0.3, 0.4, 0.4, 0.6);
    expect(h.passingOver(t)).toBe(false);
  });

  it('forgets tracks no longer left out: a track left out again later notes its new box', () => {
    const h = new HandedBoxes();
    const a = track(1, 0.3, 0.4, 0.4, 0.6);
    const b = track(2, 0.6, 0.4, 0.7, 0.6);
    h.passingOver(a);
    h.passingOver(b);
    h.keepOnly([b]);
    moveTo(a, 0.5, 0.4, 0.6, 0.6);
    expect(h.passingOver(a)).toBe(false);
    moveTo(b, 0.5, 0.4, 0.6, 0.6);
    expect(h.passingOver(b)).toBe(true);
  });
});
