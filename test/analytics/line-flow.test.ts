import { describe, expect, it } from 'vitest';
import { LineCounter } from '../../src/analytics/line-counter.js';
import { at, nineDown, watching } from '../support/line-observe.js';
import { MID_LINE } from '../support/mid-line.js';

const LINE = MID_LINE;

/** A young track going up at `x`, seen for 0.2 s before it crosses: its crossing, if it counts. */
function youngUp(c: LineCounter, id: number, x: number, t0: number) {
  at(c, id, x, 0.56, t0);
  at(c, id, x, 0.53, t0 + 100);
  at(c, id, x, 0.51, t0 + 200);
  return at(c, id, x, 0.48, t0 + 300) ?? at(c, id, x, 0.46, t0 + 400) ?? c.forget(id, t0 + 500);
}

// Crossings against the line's flow (line-flow.ts): young, faint or unseen tracks where the traffic goes the
// other way, and the quieter side of a two-way road.
describe('LineCounter: the flow of the line', () => {
  it('counts a young track crossing against the traffic only once it has been seen 500 ms', () => {
    const c = new LineCounter('cam', LINE);
    const young = (id: number, t0: number) => {
      // First seen 0.2 s before it crosses up: a track hopping in a queue onto the box behind.
      at(c, id, 0.5, 0.56, t0);
      at(c, id, 0.5, 0.53, t0 + 100);
      at(c, id, 0.5, 0.51, t0 + 200);
      const crossed = at(c, id, 0.5, 0.48, t0 + 300);
      const held = at(c, id, 0.5, 0.46, t0 + 400);
      return crossed ?? held ?? c.forget(id, t0 + 500);
    };
    // On a fresh line nothing is known of the traffic: counted as before.
    expect(young(1, 2000)?.direction).toBe('up');
    nineDown(c, 3000);
    // Nine down, one up: the same young track is now no crossing...
    expect(young(20, 4000)).toBeUndefined();
    // ... and one that goes on up is counted once seen long enough, at the time it crossed.
    at(c, 21, 0.5, 0.56, 5000);
    at(c, 21, 0.5, 0.53, 5100);
    at(c, 21, 0.5, 0.51, 5200);
    expect(at(c, 21, 0.5, 0.48, 5300)).toBeUndefined();
    expect(at(c, 21, 0.5, 0.46, 5400)).toBeUndefined();
    expect(at(c, 21, 0.5, 0.44, 5500)).toMatchObject({ direction: 'up', trackId: 21, ptsMs: 5300 });
    expect(c.total('up', 'car')).toBe(2);
  });

  it('counts a track born as a second box on a road user against the traffic only once seen 1.5 s', () => {
    // Jakarta, 0.7 with the carriageway zone at 10 fps: a track born on a rider just past the line slid onto
    // the rider behind, its box back up over the line, 600 ms after it was born.
    const c = new LineCounter('cam', LINE);
    nineDown(c, 1000);
    const up = (id: number, t0: number, second: boolean, seenMs: number) => {
      at(c, id, 0.5, 0.53, t0);
      if (second) c.noBirth(id);
      for (let t = 100; t < seenMs; t += 100) at(c, id, 0.5, 0.53 - (0.0001 * t) / 100, t0 + t);
      return at(c, id, 0.5, 0.48, t0 + seenMs) ?? at(c, id, 0.5, 0.46, t0 + seenMs + 100);
    };
    expect(up(20, 3000, true, 600)).toBeUndefined();
    // Controls: a track born on a box of its own, seen as long, and a second box seen for 1.6 s.
    expect(up(21, 5000, false, 600)).toMatchObject({ direction: 'up', trackId: 21 });
    expect(up(22, 7000, true, 1600)).toMatchObject({ direction: 'up', trackId: 22 });
  });

  it('never counts a track first seen past the line against the traffic, however long it is seen', () => {
    // Jakarta, three lines at 10 fps: a flickering "motorcycle" box first seen above the 0.9 line crept up
    // for half a second and was counted going up, against all the traffic.
    const away = (c: ReturnType<typeof watching>, id: number, y0: number, dy: number, t0: number) => {
      let got = undefined as ReturnType<typeof at>;
      for (let k = 0; k < 20; k++) got ??= at(c, id, 0.5, y0 + dy * k, t0 + 100 * k);
      return got;
    };
    const c = watching();
    nineDown(c, 1000);
    expect(away(c, 20, 0.495, -0.002, 3000)).toBeUndefined();
    expect(c.total('up', 'car')).toBe(0);
    // Controls: one first seen past the line with the traffic, and the same on a line with no traffic yet.
    expect(away(c, 21, 0.505, 0.002, 6000)).toMatchObject({ direction: 'down', trackId: 21 });
    expect(away(watching(), 20, 0.495, -0.002, 3000)).toMatchObject({ direction: 'up', trackId: 20 });
  });

  it('holds the quieter side of a two-way road to no proof once a track was seen crossing its way in its lane', () => {
    const c = new LineCounter('cam', LINE);
    // Nine cars down on the left carriageway, then young tracks going up, each seen for 0.2 s before it
    // crosses (a car coming out from behind a lorry, or found late in low sun).
    nineDown(c, 1000, 0.25);
    const young = (id: number, x: number, t0: number) => youngUp(c, id, x, t0);
    // The first on the right carriageway is held to the proof asked against the flow...
    expect(young(20, 0.7, 2000)).toBeUndefined();
    // ... but it was seen crossing up there: that lane carries traffic up, and the next one counts.
    expect(young(21, 0.72, 3000)).toMatchObject({ direction: 'up', trackId: 21 });
    // In the left lane, where everything went down, a young track going up is still no crossing.
    expect(young(22, 0.25, 4000)).toBeUndefined();
    expect(c.total('up', 'car')).toBe(1);
  });

  it('takes no lane traffic from a faint track: two faint tracks hopping back do not vouch for each other', () => {
    // Jakarta, a line tilted from 0.78 at the left to 0.62 at the right, 10 fps: a "motorcycle" and a "car"
    // hopping back up through a queue 0.9 s apart, each counted on the other's crossing.
    const faint = new Set<number>([20, 21]);
    const c = new LineCounter('cam', LINE, (id) => faint.has(id));
    nineDown(c, 1000, 0.25);
    const young = (id: number, x: number, t0: number) => youngUp(c, id, x, t0);
    expect(young(20, 0.7, 2000)).toBeUndefined();
    expect(young(21, 0.72, 3000)).toBeUndefined();
    // A track seen clearly crossing up there is evidence (as in the test above): the next one counts.
    expect(young(22, 0.71, 4000)).toBeUndefined();
    expect(young(23, 0.7, 5000)).toMatchObject({ direction: 'up', trackId: 23 });
    expect(c.total('up', 'car')).toBe(1);
  });

  it('takes a track jittering across the line in a stopped queue for one vehicle, not traffic both ways', () => {
    const c = new LineCounter('cam', LINE);
    nineDown(c, 1000);
    // A car stopped on the line, its box centre across and back twelve times (it counted down once).
    for (let k = 0; k < 24; k++) at(c, 30, 0.5, k % 2 === 0 ? 0.49 : 0.51, 2000 + 100 * k);
    // A young track hopping back up in that lane is still no crossing.
    at(c, 31, 0.5, 0.56, 5000);
    at(c, 31, 0.5, 0.53, 5100);
    at(c, 31, 0.5, 0.51, 5200);
    expect(at(c, 31, 0.5, 0.48, 5300) ?? at(c, 31, 0.5, 0.46, 5400) ?? c.forget(31, 5500)).toBeUndefined();
    expect(c.total('up', 'car')).toBe(0);
  });

  it('never counts a crossing against the traffic made unseen (coasting), however long the track was seen', () => {
    const c = new LineCounter('cam', LINE);
    nineDown(c, 1000);
    // A track seen for 3 s past the line in a queue, lost, coasting back on a jump's velocity for 1 s and
    // found on a box across the line: no crossing, not at its end either.
    const back = (id: number, gapMs: number) => {
      for (let k = 0; k <= 30; k++) at(c, id, 0.5, 0.56 - 0.0005 * k, 2000 + 100 * k);
      const found = 5000 + gapMs;
      return (
        at(c, id, 0.5, 0.47, found) ??
        at(c, id, 0.5, 0.46, found + 100) ??
        at(c, id, 0.5, 0.45, found + 200) ??
        c.forget(id, found + 300)
      );
    };
    expect(back(20, 1000)).toBeUndefined();
    // Seen as it crosses (the same, found 100 ms on): a vehicle going the wrong way.
    expect(back(21, 100)).toMatchObject({ direction: 'up', trackId: 21 });
  });

  it('reads the traffic from the tracks in view before the line has seen five crossings', () => {
    // Jakarta, lines at 0.75 and 0.8, the first second: dozens of riders coming down, none across yet, and a
    // box growing over the rider ahead crossed up (counted at 0.4 s).
    const fresh = (movers: number, upInLane = false) => {
      const c = new LineCounter('cam', LINE);
      const xs = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
      for (let k = 0; k < movers; k++)
        for (let j = 0; j < 3; j++) at(c, 2 + k, xs[k]!, 0.2 + 0.03 * j, 100 * j);
      // A car in the lane going up, seen 600 ms: the lane carries traffic up.
      if (upInLane) for (let j = 0; j <= 6; j++) at(c, 19, 0.5, 0.9 - 0.02 * j, 100 * j);
      at(c, 20, 0.5, 0.56, 300);
      at(c, 20, 0.5, 0.53, 400);
      at(c, 20, 0.5, 0.51, 500);
      return at(c, 20, 0.5, 0.48, 600) ?? at(c, 20, 0.5, 0.46, 700) ?? c.forget(20, 800);
    };
    expect(fresh(6)).toBeUndefined();
    // Controls: four cars in view are no traffic yet; a lane with a car going up carries it.
    expect(fresh(4)?.direction).toBe('up');
    expect(fresh(6, true)?.direction).toBe('up');
  });

  it("takes no crossing for its lane's traffic from a track that moves the other way (a box's jitter)", () => {
    // Jakarta at 0.8, 1.2 s in: a rider's track coming down stepped back over the line as its box changed,
    // and a young track hopping up in that lane was counted as the quieter side's traffic.
    const lane = (jitterDown: boolean) => {
      const c = new LineCounter('cam', LINE);
      nineDown(c, 1000, 0.25);
      for (let id = 11; id <= 12; id++)
        for (let j = 0; j < 4; j++) at(c, id, 0.5, 0.4 + 0.05 * j, 2000 + 100 * j);
      // Coming down, across and a step back up (or, the control, coming up from below and across).
      const ys = jitterDown ? [0.4, 0.44, 0.48, 0.51, 0.49] : [0.6, 0.57, 0.54, 0.51, 0.49];
      for (let j = 0; j < ys.length; j++) at(c, 30, 0.5, ys[j]!, 2500 + 100 * j);
      at(c, 31, 0.5, 0.56, 3000);
      at(c, 31, 0.5, 0.53, 3100);
      at(c, 31, 0.5, 0.51, 3200);
      return at(c, 31, 0.5, 0.48, 3300) ?? at(c, 31, 0.5, 0.46, 3400) ?? c.forget(31, 3500);
    };
    expect(lane(true)).toBeUndefined();
    expect(lane(false)?.direction).toBe('up');
  });

  it('counts a crossing against the traffic only for a track that goes on from where it crossed', () => {
    // Jakarta, three lines every frame, 0.9: a rider's track crossed down from its first box, then its box at
    // the bottom of the picture grew up over the line for 0.2 s, the track 0.4 s old (the step back is its
    // own crossing, line-pending.ts FIRST_STEP), and it was counted going up once the track was 0.5 s old.
    const c = new LineCounter('cam', LINE);
    nineDown(c, 1000);
    const back = (id: number, t0: number, after: number[]) => {
      const ys = [0.495, 0.503, 0.505, 0.506, 0.497, ...after];
      const got: (ReturnType<typeof at> | undefined)[] = [];
      for (let j = 0; j < ys.length; j++) got.push(at(c, id, 0.5, ys[j]!, t0 + 100 * j));
      got.push(c.forget(id, t0 + 100 * ys.length));
      return got.filter((x) => x?.direction === 'up');
    };
    // Stays just past the line for 0.5 s, then back down (and counted down): no crossing up.
    expect(back(20, 3000, [0.497, 0.497, 0.497, 0.51])).toEqual([]);
    // Not at its end either.
    expect(back(21, 5000, [0.497, 0.497])).toEqual([]);
    // Control: one that goes on up is counted, at the time it crossed.
    expect(back(22, 7000, [0.49, 0.48, 0.47])).toMatchObject([{ trackId: 22, ptsMs: 7400 }]);
    expect(c.total('up', 'car')).toBe(1);
  });
});
