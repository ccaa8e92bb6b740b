import { describe, expect, it } from 'vitest';
import { LineCounter } from '../../src/analytics/line-counter.js';
import type { LineConfig } from '../../src/config/schema.js';
import { arrive, at } from '../support/line-observe.js';
import { MID_LINE } from '../support/mid-line.js';

const LINE = MID_LINE;

// Crossings a step across the line starts, and the steps that are no crossing (line-pending.ts); the
// line is level at half the frame's height, boxes are 0.08 x 0.06.
describe('pending crossings', () => {
  it('does not count a new track that crosses in a sideways leap from its first box (to the next rider)', () => {
    const c = new LineCounter('cam', LINE);
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
    expect(at(c, 2, 0.52, 0.475, 2200)).toMatchObject({ direction: 'up', trackId: 2, ptsMs: 2100 });
  });

  it('counts a crossing straight from the first box only once the track moves on away from the line', () => {
    const c = new LineCounter('cam', LINE);
    // Born on a box just below the line (the rider behind, or two riders' box), then on the rider's own box
    // above it (half a box height up: no leap); the rider goes on down with the traffic, back over it.
    at(c, 1, 0.5, 0.515, 2000);
    at(c, 1, 0.5, 0.485, 2100);
    for (let k = 1; k <= 5; k++) expect(at(c, 1, 0.5, 0.485 + 0.005 * k, 2100 + 100 * k)).toBeUndefined();
    expect(c.total('up', 'car')).toBe(0);
    // Over the line at 2500, and on down from where it was found past it: counted, then.
    expect(at(c, 1, 0.5, 0.515, 2700)).toMatchObject({ direction: 'down', trackId: 1, ptsMs: 2500 });
    // A new track's box that jumps across the line and straight back, and stays, counts neither way.
    at(c, 3, 0.3, 0.515, 2000);
    at(c, 3, 0.3, 0.485, 2100);
    for (let k = 2; k <= 5; k++) at(c, 3, 0.3, 0.515, 2000 + 100 * k);
    expect(c.total('up', 'car') + c.total('down', 'car')).toBe(1);
    // Moving on up from there (on a line of its own: the first one's traffic went down), the same first
    // step counts, at the time it was made.
    const d = new LineCounter('cam', LINE);
    at(d, 2, 0.5, 0.515, 2000);
    at(d, 2, 0.5, 0.485, 2100);
    expect(at(d, 2, 0.5, 0.483, 2200)).toBeUndefined();
    expect(at(d, 2, 0.5, 0.475, 2300)).toMatchObject({ direction: 'up', trackId: 2, ptsMs: 2100 });
  });

  it('counts a step on across the line after one box jumped back, when the track came that way', () => {
    const c = new LineCounter('cam', LINE);
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

describe('pending crossings: leaps, margins and box changes', () => {
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

    it('a box that grew over two frames onto the vehicle behind, over the line, is no crossing; that vehicle then counts', () => {
      // UK rain at 0.5, 10 fps: a car's box (centre 0.54) grew onto the lorry behind it, 1.6 then 1.1 times
      // as tall, its centre sliding up over the line on the second step; it then shrank to the lorry (its
      // centre going on up, the lorry's top edge coming down), and the lorry came down across the line.
      const c = new LineCounter('cam', LINE);
      const boxes: [number, number][] = [
        [0.45, 0.63],
        [0.45, 0.63],
        [0.452, 0.634],
        [0.455, 0.636],
        [0.366, 0.659],
        [0.332, 0.663],
        [0.326, 0.638],
        [0.333, 0.581],
        [0.336, 0.52],
      ];
      for (let i = 0; i < 20; i++) boxes.push([0.342 + 0.01 * i, 0.518 + 0.01 * i]);
      boxes.forEach(([top, bottom], i) => {
        c.observe(1, 'truck', 2, 0.86, (top + bottom) / 2, 0.09, bottom - top, i * 100, i * 100);
      });
      expect(c.total('up', 'truck')).toBe(0);
      expect(c.total('down', 'truck')).toBe(1);
    });

    it('a box grown over the line and shrunk back is no crossing either way; the rider crossing later is', () => {
      // Jakarta, lines at 0.8 and 0.9, 10 fps (the boxes as seen): a rider's box grew down over the line at 0.8
      // (twice as wide) and shrank back the next frames, then wavered up a little: the step back is a box
      // change too, not the track's own crossing going up. The rider crossed 1.6 s later.
      const line: LineConfig = {
        ...LINE,
        points: [
          [0, 0.8],
          [1, 0.8],
        ],
      };
      const c = new LineCounter('cam', line);
      const boxes: [number, number, number][] = [
        [0.722, 0.02, 0.062],
        [0.715, 0.021, 0.089],
        [0.721, 0.023, 0.093],
        [0.766, 0.026, 0.054],
        [0.769, 0.024, 0.059],
        [0.782, 0.022, 0.058],
        [0.786, 0.025, 0.065],
        [0.797, 0.024, 0.066],
        [0.759, 0.022, 0.094],
        [0.781, 0.021, 0.061],
        [0.783, 0.02, 0.066],
        [0.816, 0.039, 0.097],
        [0.801, 0.041, 0.066],
        [0.759, 0.028, 0.053],
        [0.751, 0.027, 0.065],
        [0.756, 0.026, 0.07],
        [0.735, 0.022, 0.07],
        [0.753, 0.02, 0.048],
        [0.759, 0.02, 0.051],
      ];
      for (let i = 0; i < 10; i++) boxes.push([0.76 + 0.01 * i, 0.024, 0.1]);
      boxes.forEach(([y, w, h], i) => {
        c.observe(1, 'motorcycle', 2, 0.5, y, w, h, 100 + i * 100, 100 + i * 100);
      });
      expect(c.total('up', 'motorcycle')).toBe(0);
      expect(c.total('down', 'motorcycle')).toBe(1);
    });

    it('a box that changed over two frames across the line is a box change for a vehicle, not a two-wheeler', () => {
      // 1.58x then 1.16x taller (the top edge staying, then moving less than the bottom one): the centre
      // slides over the line on the second step and the box then stays just past it. A car's crossing so waits for
      // the box to go on; a two-wheeler's boxes change like that from frame to frame (rider, bike, part).
      for (const [cls, counted] of [
        ['car', 0],
        ['motorcycle', 1],
      ] as const) {
        const c = new LineCounter('cam', LINE);
        const boxes: [number, number][] = [
          [0.4, 0.46],
          [0.405, 0.465],
          [0.41, 0.47],
          [0.41, 0.505],
          [0.45, 0.56],
          [0.452, 0.562],
          [0.454, 0.564],
          [0.455, 0.565],
          [0.455, 0.565],
        ];
        boxes.forEach(([top, bottom], i) => {
          c.observe(1, cls, 2, 0.5, (top + bottom) / 2, 0.05, bottom - top, i * 100, i * 100);
        });
        expect(c.total('down', cls), cls).toBe(counted);
      }
    });

    it('the step back from a box grown up over the line is held as a box change too', () => {
      // UK rain at 0.5, every frame: a car standing below the line, its box grew up over it (taken for a
      // box change), came back down across it in two small steps, then grew down: its centre went on down, its top
      // edge stayed. Taken for the track's own crossing, the step back counted a car coming down.
      const c = new LineCounter('cam', LINE);
      const boxes: [number, number][] = [
        [0.5, 0.6],
        [0.5, 0.6],
        [0.5, 0.6],
        [0.36, 0.6],
        [0.38, 0.6],
        [0.42, 0.6],
        [0.42, 0.63],
        [0.42, 0.66],
        [0.42, 0.68],
        [0.42, 0.68],
        [0.42, 0.68],
      ];
      boxes.forEach(([top, bottom], i) => {
        c.observe(1, 'car', 2, 0.5, (top + bottom) / 2, 0.1, bottom - top, i * 100, i * 100);
      });
      expect(c.total('up', 'car')).toBe(0);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('a box change across the line at the bottom of the picture counts as the vehicle leaves, its bottom edge cut', () => {
      // NL, every frame, a line at 0.75: on the step that took the car over the line its box reached the
      // picture's bottom and grew 1.56x wider (0.118 -> 0.184); it then shrank from the top as the car left,
      // the bottom edge held by the border.
      const line: LineConfig = {
        ...LINE,
        points: [
          [0, 0.75],
          [1, 0.75],
        ],
      };
      const c = new LineCounter('cam', line);
      const boxes: [number, number, number][] = [
        [0.635, 0.276, 0.115],
        [0.651, 0.285, 0.118],
        [0.686, 0.298, 0.118],
        [0.777, 0.413, 0.184],
        [0.806, 0.375, 0.199],
        [0.832, 0.326, 0.181],
        [0.861, 0.277, 0.173],
        [0.865, 0.269, 0.168],
        [0.893, 0.216, 0.168],
      ];
      boxes.forEach(([y, h, w], i) => {
        c.observe(1, 'car', 2, 0.6, y, w, h, 10205 + i * 33, 10205 + i * 33);
      });
      expect(c.total('down', 'car')).toBe(1);
    });

    it('a vehicle nearing the camera, its box growing a quarter each step, crosses on the step it crosses', () => {
      // 1.25x a step, 1.55x over the two to the crossing: a steady growth (the top edge coming down too),
      // not a box change, so the crossing counts on the next frame (a box change's would wait for both edges
      // to go on).
      const c = new LineCounter('cam', LINE);
      const boxes: [number, number][] = [
        [0.4, 0.48],
        [0.41, 0.51],
        [0.42, 0.545],
        [0.43, 0.585],
        [0.445, 0.635],
      ];
      boxes.forEach(([top, bottom], i) => {
        c.observe(1, 'car', 2, 0.5, (top + bottom) / 2, 0.1, bottom - top, 1000 + i * 100, 1000 + i * 100);
      });
      expect(c.total('down', 'car')).toBe(1);
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
});
