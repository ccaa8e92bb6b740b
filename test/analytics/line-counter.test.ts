import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import { segmentsCross, sideOf } from '../../src/analytics/geometry.js';
import { BIRTH_GATE, ENDED_TTL_MS, LineCounter } from '../../src/analytics/line-counter.js';
import type { CameraConfig, LineConfig } from '../../src/config/schema.js';
import { arrive, at } from '../support/line-observe.js';
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

/** Nine cars (tracks 2..10) crossing down at `x` from `t0`: the line's traffic goes down, in that lane. */
function nineDown(c: LineCounter, t0: number, x = 0.5) {
  for (let id = 2; id <= 10; id++) {
    at(c, id, x, 0.4, t0);
    at(c, id, x, 0.45, t0 + 100);
    at(c, id, x, 0.52, t0 + 200);
    at(c, id, x, 0.55, t0 + 300);
  }
  expect(c.total('down', 'car')).toBe(9);
}

/** A line that has been watching for a while (past the warm-up after the stream started). */
function watching(line: LineConfig = LINE): LineCounter {
  const c = new LineCounter('cam', line);
  at(c, 99, 0.1, 0.1, 0);
  return c;
}

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

  it('does not count a new track leaping across the line from its first box (to another vehicle)', () => {
    const c = new LineCounter('cam', LINE);
    at(c, 1, 0.5, 0.45, 2000);
    // 0.1 of the frame (1.7 box heights) in 100 ms: no vehicle, a track that jumped.
    at(c, 1, 0.5, 0.55, 2100);
    at(c, 1, 0.5, 0.6, 2200);
    expect(c.total('down', 'car')).toBe(0);
    // The same path at a plausible speed from its first box is counted.
    at(c, 2, 0.3, 0.48, 2000);
    at(c, 2, 0.3, 0.51, 2100);
    expect(at(c, 2, 0.3, 0.54, 2200)?.direction).toBe('down');
  });

  it('does not count a track leaping back across the line against its motion (onto another rider)', () => {
    const c = new LineCounter('cam', LINE);
    // Moving down, away from the line, at 0.1 box heights (0.006) per 100 ms...
    at(c, 1, 0.5, 0.52, 2000);
    at(c, 1, 0.5, 0.526, 2100);
    at(c, 1, 0.5, 0.532, 2200);
    // ... then 0.06 up across it in one step (a box height), and staying there: another road user.
    at(c, 1, 0.5, 0.472, 2300);
    at(c, 1, 0.5, 0.47, 2400);
    at(c, 1, 0.5, 0.468, 2500);
    expect(c.total('up', 'car')).toBe(0);
    // A track moving up at that pace crossing with the same step is counted, and so is one standing still.
    for (const [id, v] of [
      [2, -0.006],
      [3, 0],
    ] as const) {
      at(c, id, 0.5, 0.52, 2000);
      at(c, id, 0.5, 0.52 + v, 2100);
      at(c, id, 0.5, 0.52 + 2 * v, 2200);
      at(c, id, 0.5, 0.46 + 2 * v, 2300);
      expect(at(c, id, 0.5, 0.455 + 2 * v, 2400)?.direction).toBe('up');
    }
  });

  it('does not count a person or a parked motorbike on the line whose box only flickers across it', () => {
    const c = new LineCounter('cam', LINE);
    // A person waiting on the pavement, the centre of a 0.06-tall box dithering 0.0015 about the line.
    arrive(c, 1, 0.8, 0.4985, 2000, 2, 'person');
    for (let k = 1; k <= 30; k++) at(c, 1, 0.8, k % 2 ? 0.5015 : 0.4985, 2000 + 100 * k, 2, 'person');
    at(c, 1, 0.8, 0.5012, 5100, 2, 'person');
    expect(c.forget(1, 7000)).toBeUndefined();
    expect(c.total('down', 'person') + c.total('up', 'person')).toBe(0);
    // Someone stepping across at 0.003 per 100 ms counts once 0.1 of the box past (0.006), with the time they crossed.
    arrive(c, 2, 0.7, 0.494, 2000, 2, 'person');
    expect(at(c, 2, 0.7, 0.497, 2100, 2, 'person')).toBeUndefined();
    expect(at(c, 2, 0.7, 0.5015, 2200, 2, 'person')).toBeUndefined();
    expect(at(c, 2, 0.7, 0.5045, 2300, 2, 'person')).toBeUndefined();
    expect(at(c, 2, 0.7, 0.5075, 2400, 2, 'person')).toMatchObject({ direction: 'down', ptsMs: 2200 });
    // When the stream ends no later frame can take a crossing further: counted as it is (not when only the
    // track ended).
    for (const id of [3, 4]) {
      arrive(c, id, 0.3, 0.496, 2000, 2, 'person');
      at(c, id, 0.3, 0.5005, 2100, 2, 'person');
    }
    expect(c.forget(3, 2200)).toBeUndefined();
    expect(c.forget(4, 2200, true)).toMatchObject({ direction: 'down', trackId: 4, ptsMs: 2100 });
    // A moving vehicle's crossing needs no margin.
    arrive(c, 5, 0.3, 0.496, 2000);
    at(c, 5, 0.3, 0.5005, 2100);
    expect(at(c, 5, 0.3, 0.501, 2200)).toMatchObject({ direction: 'down', trackId: 5, ptsMs: 2100 });
    // A motorbike parked on the line is no crossing either: it stands where it was first seen.
    arrive(c, 6, 0.9, 0.4985, 2000, 2, 'motorcycle');
    for (let k = 1; k <= 30; k++) at(c, 6, 0.9, k % 2 ? 0.5015 : 0.4985, 2000 + 100 * k, 2, 'motorcycle');
    at(c, 6, 0.9, 0.5012, 5100, 2, 'motorcycle');
    expect(c.forget(6, 7000)).toBeUndefined();
    expect(c.total('down', 'motorcycle') + c.total('up', 'motorcycle')).toBe(0);
  });

  it('counts a track found past the line after coasting, however its box wavered back before', () => {
    const c = new LineCounter('cam', LINE);
    // Creeping down in a queue toward the line at 0.5 (0.003 per 100 ms, 0.05 of a 0.06 box), its box
    // jumping back a little twice (the average step points backward) ...
    at(c, 1, 0.5, 0.47, 2000);
    at(c, 1, 0.5, 0.473, 2100);
    at(c, 1, 0.5, 0.464, 2200);
    at(c, 1, 0.5, 0.458, 2300);
    // ... then lost for 0.9 s and found 0.05 further on, past the line (0.35 box heights from where it
    // was last seen: more than a reverse leap in one detector frame, 0.04 per 100 ms here), moving on.
    at(c, 1, 0.5, 0.503, 3200);
    at(c, 1, 0.5, 0.506, 3300);
    const ev = at(c, 1, 0.5, 0.509, 3400) ?? c.forget(1, 3500);
    expect(ev?.direction).toBe('down');
    // The same move between two looks a detector frame apart is a leap onto another road user.
    at(c, 2, 0.5, 0.47, 2000);
    at(c, 2, 0.5, 0.473, 2100);
    at(c, 2, 0.5, 0.464, 2200);
    at(c, 2, 0.5, 0.458, 2300);
    at(c, 2, 0.5, 0.503, 2400);
    at(c, 2, 0.5, 0.506, 2500);
    expect(at(c, 2, 0.5, 0.509, 2600) ?? c.forget(2, 2700)).toBeUndefined();
  });

  it('does not count a still box that gets past the line only by leaping onto another road user', () => {
    const c = new LineCounter('cam', LINE);
    // A box on a blur in the spray sits on the line for 2 s, creeps across it, then jumps 0.6 of its
    // height down onto the car behind.
    arrive(c, 1, 0.4, 0.4985, 2000);
    for (let k = 1; k <= 20; k++) at(c, 1, 0.4, 0.4985 + 0.00005 * k, 2000 + 100 * k);
    at(c, 1, 0.4, 0.5005, 4100);
    at(c, 1, 0.4, 0.5365, 4200);
    at(c, 1, 0.4, 0.54, 4300);
    expect(c.forget(1, 4400)).toBeUndefined();
    expect(c.total('down', 'car')).toBe(0);
    // Creeping on past the margin instead, it is counted.
    arrive(c, 2, 0.6, 0.4985, 2000);
    for (let k = 1; k <= 20; k++) at(c, 2, 0.6, 0.4985 + 0.00005 * k, 2000 + 100 * k);
    at(c, 2, 0.6, 0.5005, 4100);
    at(c, 2, 0.6, 0.504, 4200);
    expect(at(c, 2, 0.6, 0.508, 4300)).toMatchObject({ direction: 'down', trackId: 2, ptsMs: 4100 });
  });

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

  it('holds the quieter side of a two-way road to no proof once a track was seen crossing its way in its lane', () => {
    const c = new LineCounter('cam', LINE);
    // Nine cars down on the left carriageway, then young tracks going up, each seen for 0.2 s before it
    // crosses (a car coming out from behind a lorry, or found late in low sun).
    nineDown(c, 1000, 0.25);
    const young = (id: number, x: number, t0: number) => {
      at(c, id, x, 0.56, t0);
      at(c, id, x, 0.53, t0 + 100);
      at(c, id, x, 0.51, t0 + 200);
      return at(c, id, x, 0.48, t0 + 300) ?? at(c, id, x, 0.46, t0 + 400) ?? c.forget(id, t0 + 500);
    };
    // The first on the right carriageway is held to the proof asked against the flow...
    expect(young(20, 0.7, 2000)).toBeUndefined();
    // ... but it was seen crossing up there: that lane carries traffic up, and the next one counts.
    expect(young(21, 0.72, 3000)).toMatchObject({ direction: 'up', trackId: 21 });
    // In the left lane, where everything went down, a young track going up is still no crossing.
    expect(young(22, 0.25, 4000)).toBeUndefined();
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

  describe('a track first seen past the line', () => {
    it('counts it when it was first seen just past the line and moves away as a whole', () => {
      const c = watching();
      // 0.03 past a 0.06 tall box (0.5 box heights), then moving down.
      expect(at(c, 1, 0.5, 0.53, 2000)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.535, 2100)).toBeUndefined(); // moved too little to judge
      expect(at(c, 1, 0.5, 0.55, 2200)?.direction).toBe('down');
      expect(at(c, 1, 0.5, 0.6, 2300)).toBeUndefined();
      expect(c.total('down', 'car')).toBe(1);
    });

    it('counts it in the direction it moves away when first seen on the line, its box jittering across', () => {
      // UK rain, the detector less sure: a car first found 0.0006 past the line stepped 0.002 back across
      // and forth again, then drove on down. The side it was first seen on says nothing.
      const c = watching();
      expect(at(c, 1, 0.5, 0.5006, 2000, 0)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.499, 2040, 0)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.501, 2080, 0)).toBeUndefined();
      let got: ReturnType<typeof at>;
      for (let k = 1; k <= 8 && !got; k++)
        got = at(c, 1, 0.5, 0.501 + 0.003 * k, 2080 + 40 * k, k > 3 ? 2 : 0);
      expect(got?.direction).toBe('down');
      expect(c.total('down', 'car') + c.total('up', 'car')).toBe(1);
      // The same on a car going up.
      const u = watching();
      at(u, 2, 0.5, 0.4994, 2000, 0);
      at(u, 2, 0.5, 0.501, 2040, 0);
      at(u, 2, 0.5, 0.499, 2080, 0);
      for (let k = 1; k <= 8; k++) at(u, 2, 0.5, 0.499 - 0.003 * k, 2080 + 40 * k, k > 3 ? 2 : 0);
      expect([u.total('up', 'car'), u.total('down', 'car')]).toEqual([1, 0]);
    });

    it('waits for a track seen long enough (level 2)', () => {
      const c = watching();
      at(c, 1, 0.5, 0.53, 2000, 1);
      expect(at(c, 1, 0.5, 0.55, 2100, 1)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.57, 2200, 2)?.direction).toBe('down');
    });

    it('does not count it when first seen further than BIRTH_GATE box heights past the line', () => {
      const c = watching();
      at(c, 1, 0.5, 0.5 + 0.06 * (BIRTH_GATE + 0.2), 2000);
      at(c, 1, 0.5, 0.6, 2100);
      at(c, 1, 0.5, 0.65, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('does not count a box that only grows at one end (a vehicle coming out from behind another)', () => {
      const c = watching();
      c.observe(1, 'car', 2, 0.5, 0.53, 0.08, 0.06, 2000, 2000);
      // The top stays at 0.50, the bottom grows from 0.56 to 0.66: the centre "moves" 0.05 down.
      c.observe(1, 'car', 2, 0.5, 0.58, 0.08, 0.16, 2100, 2100);
      c.observe(1, 'car', 2, 0.5, 0.6, 0.08, 0.16, 2200, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('does not count it when it moves back toward the line', () => {
      const c = watching();
      at(c, 1, 0.5, 0.54, 2000);
      at(c, 1, 0.5, 0.52, 2100);
      at(c, 1, 0.5, 0.51, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('does not count what is in view when the stream starts', () => {
      const c = new LineCounter('cam', LINE);
      at(c, 1, 0.5, 0.53, 0);
      at(c, 1, 0.5, 0.56, 100);
      at(c, 1, 0.5, 0.6, 200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('counts a road user first found past the line soon after the stream starts, when it crossed since', () => {
      const c = new LineCounter('cam', LINE);
      at(c, 99, 0.1, 0.1, 0);
      // Found at 0.5 s, half a box past the line, 0.03 further on each 0.1 s: it crossed at about 0.4 s.
      expect(at(c, 1, 0.5, 0.53, 500)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.56, 600)?.direction).toBe('down');
      at(c, 1, 0.5, 0.59, 700);
      expect(c.total('down', 'car')).toBe(1);
    });

    it('does not count one found soon after the stream starts whose motion says it crossed before', () => {
      // Found `foundMs` into the stream most of a box past the line, 0.01 further on each 0.1 s: it crossed
      // about 0.55 s before it was found.
      const counted = (foundMs: number) => {
        const c = new LineCounter('cam', LINE);
        at(c, 99, 0.1, 0.1, 0);
        for (const [y, ms] of [
          [0.555, 0],
          [0.565, 100],
          [0.575, 200],
          [0.595, 400],
        ] as const)
          at(c, 1, 0.5, y, foundMs + ms);
        return c.total('down', 'car');
      };
      expect(counted(200)).toBe(0);
      // The same first sighting a second into the stream counts (the warm-up is over).
      expect(counted(1200)).toBe(1);
    });

    it('does not count it when its path back does not meet the segment', () => {
      const c = watching({
        ...LINE,
        points: [
          [0.2, 0.5],
          [0.4, 0.5],
        ],
      });
      at(c, 1, 0.6, 0.53, 2000);
      at(c, 1, 0.6, 0.56, 2100);
      at(c, 1, 0.6, 0.6, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });
  });

  describe('a vehicle entering the picture past a line drawn to the border', () => {
    const SLANT: LineConfig = {
      ...LINE,
      points: [
        [0, 0.8],
        [1, 0.8],
      ],
      directions: ['down', 'up'],
    };
    /**
     * A 0.08 x 0.06 box first seen half its height past the line with its left edge at `x1`, moving up
     * and to the right: the straight path back meets the line 0.15 left of where it was first seen.
     */
    function enter(c: LineCounter, x1: number) {
      for (let i = 0; i < 4; i++) at(c, 1, x1 + 0.04 + i * 0.06, 0.77 - i * 0.012, 2000 + i * 100);
    }

    it('counts it: the line goes on beyond the picture, where it crossed', () => {
      const c = watching(SLANT);
      enter(c, 0.005);
      expect(c.total('up', 'car')).toBe(1);
    });

    it('does not count the same path first seen inside the picture (it came from beyond the line end)', () => {
      const c = watching({
        ...SLANT,
        points: [
          [0.1, 0.8],
          [1, 0.8],
        ],
      });
      enter(c, 0.005);
      expect(c.total('up', 'car')).toBe(0);
      const d = watching(SLANT);
      enter(d, 0.05);
      expect(d.total('up', 'car')).toBe(0);
    });

    it('a fragment carries the judging of its track first seen past the line on', () => {
      const c = watching(SLANT);
      at(c, 1, 0.045, 0.78, 2000);
      at(c, 1, 0.05, 0.778, 2100); // lost before it moved enough to judge
      c.forget(1, 2200);
      expect(c.inherit(2, 1)).toBe(true);
      at(c, 2, 0.085, 0.765, 2300);
      at(c, 2, 0.105, 0.755, 2400);
      expect(c.total('up', 'car')).toBe(1);
    });
  });

  describe('boxes that change size on the line', () => {
    /** A car standing with its centre just below the line, whose box then shrinks (e.g. to its rider). */
    function shrinkOnLine(c: LineCounter, then: number[]) {
      for (const t of [1800, 1900, 2000]) c.observe(1, 'car', 2, 0.5, 0.505, 0.08, 0.06, t, t);
      then.forEach((y, i) => {
        c.observe(1, 'car', 2, 0.5, y, 0.04, 0.03, 2100 + i * 100, 2100 + i * 100);
      });
    }

    it('a centre that only slid over the line as the box changed is no crossing', () => {
      const c = new LineCounter('cam', LINE);
      shrinkOnLine(c, [0.495, 0.495, 0.496, 0.495, 0.495]);
      expect(c.total('up', 'car') + c.total('down', 'car')).toBe(0);
    });

    it('the same change followed by real movement past the line is counted, once', () => {
      const c = new LineCounter('cam', LINE);
      shrinkOnLine(c, [0.495, 0.49, 0.48, 0.46, 0.44]);
      expect(c.total('up', 'car')).toBe(1);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('a car leaving the picture, its box cut by the border as it crosses, is counted when it is gone', () => {
      // The NL motorway at 10 fps with a line at 0.8: a near car's box is 0.36 high; on the frame that
      // takes its centre past the line the bottom border cuts it to 0.22, then the car is gone.
      const line: LineConfig = {
        id: 'low',
        points: [
          [0, 0.8],
          [1, 0.8],
        ],
        directions: ['down', 'up'],
        anchor: 'center',
      };
      const c = new LineCounter('cam', line);
      const boxes: [number, number, number][] = [
        [0.42, 0.19, 0.2],
        [0.5, 0.24, 0.26],
        [0.61, 0.29, 0.33],
        [0.79, 0.19, 0.36],
        [0.885, 0.21, 0.22],
      ];
      boxes.forEach(([y, w, h], i) => {
        c.observe(1, 'car', 2, 0.82, y, w, h, 1700 + i * 100, 1700 + i * 100);
      });
      expect(c.forget(1, 2400)).toMatchObject({ direction: 'down', ptsMs: 2100 });
    });
  });

  describe('fragments', () => {
    it('a fragment of a counted track is not counted again', () => {
      const c = new LineCounter('cam', LINE);
      arrive(c, 1, 0.5, 0.4, 2000);
      at(c, 1, 0.5, 0.55, 2100);
      at(c, 1, 0.5, 0.58, 2200);
      expect(c.total('down', 'car')).toBe(1);
      c.forget(1, 2300);
      // A new track just past the line where track 1 went: it continues it.
      expect(c.inherit(2, 1)).toBe(true);
      arrive(c, 2, 0.5, 0.6, 2400);
      at(c, 2, 0.5, 0.65, 2500);
      at(c, 2, 0.5, 0.7, 2600);
      expect(c.total('down', 'car')).toBe(1);
    });

    it('a fragment of an ended, counted track that comes back across the line counts nothing', () => {
      const c = new LineCounter('cam', LINE);
      arrive(c, 1, 0.5, 0.4, 2000);
      at(c, 1, 0.5, 0.55, 2100);
      at(c, 1, 0.5, 0.58, 2200);
      c.forget(1, 2300);
      // The fragment takes over the ended track's state (counted), not a blank one.
      expect(c.inherit(2, 1)).toBe(true);
      for (const [i, y] of [0.57, 0.54, 0.51, 0.48, 0.45, 0.42].entries()) at(c, 2, 0.5, y, 2400 + i * 100);
      expect(c.total('down', 'car')).toBe(1);
      expect(c.total('up', 'car')).toBe(0);
    });

    /** Track 1 going down, last seen at 0.35 (2.1 s), ended; track 2, 2 s later, continues it at `y`. */
    const unseen = (y: number) => {
      const c = watching();
      arrive(c, 1, 0.5, 0.3, 2000);
      at(c, 1, 0.5, 0.35, 2100);
      c.forget(1, 4100);
      expect(c.inherit(2, 1)).toBe(true);
      at(c, 2, 0.5, y, 4200);
      return c;
    };

    it('a fragment found past the line after a long gap that goes back toward it does not count the lost track', () => {
      // Another vehicle, coming the other way, where the lost one was predicted.
      const c = unseen(0.7);
      for (const [i, y] of [0.69, 0.67, 0.64, 0.6, 0.56, 0.52, 0.48, 0.44, 0.4].entries())
        at(c, 2, 0.5, y, 4300 + i * 100);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('a fragment found past the line after a long gap counts once it moves on, or at its end if it stayed', () => {
      const c = unseen(0.6);
      at(c, 2, 0.5, 0.6, 4300);
      expect(c.total('down', 'car')).toBe(0);
      at(c, 2, 0.5, 0.64, 4400);
      expect(c.total('down', 'car')).toBe(1);
      // Found standing past the line (a queue), and ending there.
      const d = unseen(0.6);
      for (const t of [4300, 4400, 4500]) at(d, 2, 0.5, 0.6, t);
      expect(d.forget(2, 4600)?.direction).toBe('down');
      // Found past the line, then back toward it, and ending: nothing.
      const e = unseen(0.7);
      for (const [i, y] of [0.68, 0.65, 0.62].entries()) at(e, 2, 0.5, y, 4300 + i * 100);
      expect(e.forget(2, 4600)).toBeUndefined();
      expect(e.total('down', 'car')).toBe(0);
    });

    /** Track 1 lost before the line, and track 2 taking its state over. */
    const continued = () => {
      const c = new LineCounter('cam', LINE);
      arrive(c, 1, 0.5, 0.4, 2000);
      at(c, 1, 0.5, 0.45, 2100);
      expect(c.inherit(2, 1)).toBe(true);
      return c;
    };

    it('a fragment that goes on across the line where its track broke off is counted once', () => {
      const c = continued();
      // The new track took over past the line.
      arrive(c, 2, 0.5, 0.56, 2300);
      at(c, 2, 0.5, 0.6, 2400);
      expect(c.total('down', 'car')).toBe(1);
      // The old track, should it come back, counts nothing more.
      at(c, 1, 0.5, 0.62, 2500);
      at(c, 1, 0.5, 0.66, 2600);
      expect(c.total('down', 'car')).toBe(1);
    });

    it('a lost track found again after a fragment took its state over counts, once for both', () => {
      // The new track appeared where track 1 should be...
      const c = continued();
      at(c, 2, 0.5, 0.46, 2200);
      // ... but the tracker finds track 1 again on its vehicle, which crosses; the fragment stays behind.
      at(c, 1, 0.5, 0.52, 2300);
      at(c, 1, 0.5, 0.56, 2400);
      expect(c.total('down', 'car')).toBe(1);
      // The fragment crossing later is the same vehicle's second track: nothing more.
      at(c, 2, 0.5, 0.55, 2500);
      at(c, 2, 0.5, 0.6, 2600);
      expect(c.total('down', 'car')).toBe(1);
    });

    it('keeps an ended track only ENDED_TTL_MS', () => {
      const c = new LineCounter('cam', LINE);
      at(c, 1, 0.5, 0.4, 2000);
      c.forget(1, 2100);
      expect([...c.endedIds(2100 + ENDED_TTL_MS)]).toEqual([1]);
      expect([...c.endedIds(2101 + ENDED_TTL_MS)]).toEqual([]);
      expect(c.inherit(3, 99)).toBe(false);
    });
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
