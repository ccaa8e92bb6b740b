import { describe, expect, it } from 'vitest';
import { LineCounter } from '../../src/analytics/line-counter.js';
import { at } from '../support/line-observe.js';
import { MID_LINE } from '../support/mid-line.js';

// Crossings a step across the line starts, and the steps that are no crossing (line-pending.ts); the
// line is level at half the frame's height, boxes are 0.08 x 0.06.
describe('pending crossings', () => {
  it('does not count a new track that crosses in a sideways leap from its first box (to the next rider)', () => {
    const c = new LineCounter('cam', MID_LINE);
    // Born on a faint box just past the line, then on the rider beside it, one box width to the side,
    // its centre a little higher: across the line, slowly, but a leap along it.
    at(c, 1, 0.5, 0.51, 2000);
    at(c, 1, 0.58, 0.49, 2100);
    at(c, 1, 0.58, 0.485, 2200);
    at(c, 1, 0.58, 0.48, 2300);
    expect(c.forget(1, 2400)).toBeUndefined();
    expect(c.total('up', 'car')).toBe(0);
    // The same step across from the first box, drifting a fifth of a box width along the line, counts.
    at(c, 2, 0.5, 0.51, 2000);
    at(c, 2, 0.516, 0.49, 2100);
    expect(at(c, 2, 0.52, 0.485, 2200)).toMatchObject({ direction: 'up', trackId: 2, ptsMs: 2100 });
  });

  it('counts a step on across the line after one box jumped back, when the track came that way', () => {
    const c = new LineCounter('cam', MID_LINE);
    // Coming down at 0.01 per 100 ms; one box (a rider's, cut to the motorcycle) jumps 0.025 back up, which
    // turns the track's average step; the next step goes on down across the line, 0.05 in one look.
    for (let k = 0; k < 5; k++) at(c, 1, 0.5, 0.44 + 0.01 * k, 2000 + 100 * k);
    at(c, 1, 0.5, 0.455, 2500);
    expect(at(c, 1, 0.5, 0.505, 2600)).toBeUndefined();
    expect(at(c, 1, 0.5, 0.515, 2700)).toMatchObject({ direction: 'down', trackId: 1, ptsMs: 2600 });
    // Its box sliding back over the line later is no second crossing.
    at(c, 1, 0.5, 0.497, 2800);
    at(c, 1, 0.5, 0.495, 2900);
    expect(c.forget(1, 3000)).toBeUndefined();
    expect(c.total('up', 'car')).toBe(0);
  });
});
