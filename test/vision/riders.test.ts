import { describe, expect, it } from 'vitest';
import { mergeRiders, riderOverlap, suppressTwinBikes } from '../../src/vision/riders.js';
import { candidates, kept, runNms } from '../support/candidates.js';

describe('mergeRiders', () => {
  it('folds a rider into the motorcycle under them and grows its box', () => {
    const c = candidates([
      ['motorcycle', 0.7, 100, 150, 140, 220],
      ['person', 0.8, 105, 100, 135, 190], // rider: most of the smaller box overlaps the bike
      ['person', 0.6, 300, 100, 330, 190], // pedestrian elsewhere
    ]);
    const { order, k } = runNms(c);
    const k2 = mergeRiders(c, order, k);
    const rows = kept(c, order, k2);
    expect(rows.map((r) => r[0]).sort()).toEqual(['motorcycle', 'person']);
    const bike = rows.find((r) => r[0] === 'motorcycle')!;
    expect(bike.slice(2)).toEqual([100, 100, 140, 220]);
  });

  it('folds two riders into one motorcycle, and a cyclist into a bicycle', () => {
    const c = candidates([
      ['motorcycle', 0.7, 100, 150, 140, 220],
      ['person', 0.8, 102, 100, 125, 190],
      ['person', 0.75, 115, 105, 138, 192],
      ['bicycle', 0.6, 400, 150, 440, 220],
      ['person', 0.5, 405, 100, 435, 200],
    ]);
    const { order, k } = runNms(c);
    expect(kept(c, order, mergeRiders(c, order, k)).map((r) => r[0])).toEqual(['motorcycle', 'bicycle']);
  });

  it('keeps a pedestrian beside a parked motorcycle', () => {
    const c = candidates([
      ['motorcycle', 0.7, 100, 150, 140, 220],
      ['person', 0.8, 135, 120, 165, 220], // centre right of the bike; small overlap
    ]);
    const { order, k } = runNms(c);
    expect(kept(c, order, mergeRiders(c, order, k)).map((r) => r[0])).toEqual(['person', 'motorcycle']);
  });

  it('folds a rider over two bikes into the one they overlap most', () => {
    const c = candidates([
      ['motorcycle', 0.6, 102, 155, 145, 215], // overlaps the rider by 41 % of its own box
      ['motorcycle', 0.7, 100, 150, 140, 220], // by 44 % of the rider's box
      ['person', 0.8, 105, 100, 135, 190],
    ]);
    const order = Int32Array.from([0, 1, 2]);
    expect(kept(c, order, mergeRiders(c, order, 3)).map((r) => r.slice(2))).toEqual([
      [102, 155, 145, 215],
      [100, 100, 140, 220],
    ]);
  });
});

describe('mergeRiders near misses', () => {
  it('keeps a pedestrian standing in front of a motorcycle (feet well below its wheels)', () => {
    const c = candidates([
      ['motorcycle', 0.7, 100, 150, 140, 220],
      ['person', 0.8, 105, 140, 135, 250],
    ]);
    const { order, k } = runNms(c);
    expect(mergeRiders(c, order, k)).toBe(2);
  });
});

describe('riderOverlap (the one rider rule)', () => {
  const bike = [100, 150, 140, 220] as const;
  const rides = (p: [number, number, number, number]) => riderOverlap(...p, ...bike);

  it('gives a seated rider the overlap share of the smaller box', () => {
    // person 30x90 = 2700, bike 40x70 = 2800; overlap 30x40 = 1200
    expect(rides([105, 100, 135, 190])).toBeCloseTo(1200 / 2700, 6);
  });

  it('is the same in camera fractions as in pixels (scale-free)', () => {
    const s = 1 / 640;
    expect(riderOverlap(105 * s, 100 * s, 135 * s, 190 * s, 100 * s, 150 * s, 140 * s, 220 * s)).toBeCloseTo(
      1200 / 2700,
      6,
    );
  });

  it('says 0 for a centre outside the wheels, feet below the wheels, or too little overlap', () => {
    expect(rides([125, 100, 165, 190]), 'centre 145 right of the bike').toBe(0);
    expect(rides([105, 140, 135, 232]), 'feet 12 px (17 %) below the wheels').toBe(0);
    expect(rides([105, 140, 135, 230]), 'feet 10 px (14 %) below the wheels').toBeGreaterThan(0);
    expect(rides([105, 60, 135, 160]), 'overlap 30x10, 11 % of the bike').toBe(0);
    expect(rides([200, 100, 230, 190]), 'no overlap').toBe(0);
  });
});

describe('suppressTwinBikes (after riders grew their motorcycles)', () => {
  // Boxes from Jakarta frames (camera fractions x 1000), after the riders were folded in.
  it('drops a second box on a grown motorcycle that ends where it ends', () => {
    const c = candidates([
      ['motorcycle', 0.5, 585, 711, 611, 802], // grown by its rider
      ['motorcycle', 0.22, 586, 712, 608, 781], // the same rider and bike, a little shorter
      ['person', 0.4, 590, 700, 605, 790], // never touched here
    ]);
    const { order, k } = runNms(c);
    expect(kept(c, order, suppressTwinBikes(c, order, k)).map((r) => r[0])).toEqual(['motorcycle', 'person']);
  });

  it('keeps the motorcycle behind, inside the grown box but with its wheels well above', () => {
    const c = candidates([
      ['motorcycle', 0.62, 539, 698, 571, 836],
      ['motorcycle', 0.27, 544, 698, 572, 767],
    ]);
    const { order, k } = runNms(c);
    expect(suppressTwinBikes(c, order, k)).toBe(2);
  });

  it('keeps a better box inside a worse one, and boxes side by side', () => {
    const c = candidates([
      ['motorcycle', 0.3, 585, 711, 611, 802],
      ['motorcycle', 0.6, 586, 712, 608, 781],
      ['motorcycle', 0.5, 640, 711, 666, 802],
    ]);
    // Best first, as the detector hands them over (NMS would have dropped the first here already).
    const order = Int32Array.from([1, 2, 0]);
    expect(suppressTwinBikes(c, order, 3)).toBe(3);
  });
});
