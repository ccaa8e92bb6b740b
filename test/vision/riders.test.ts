import { describe, expect, it } from 'vitest';
import { mergeRiders } from '../../src/vision/riders.js';
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
