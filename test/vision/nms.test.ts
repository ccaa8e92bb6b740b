import { describe, expect, it } from 'vitest';
import { TRAFFIC_CLASSES } from '../../src/domain/traffic.js';
import { Candidates } from '../../src/vision/candidates.js';
import { CLS } from '../../src/vision/class-map.js';
import { iou, suppressAcrossClasses } from '../../src/vision/nms.js';
import { candidates, kept, runNms } from '../support/candidates.js';

describe('nms', () => {
  it('suppresses overlapping boxes of the same class only, best first', () => {
    const c = candidates([
      ['car', 0.6, 0, 0, 100, 100],
      ['car', 0.9, 5, 5, 105, 105], // IoU with the first ≈ 0.82
      ['truck', 0.5, 5, 5, 105, 105], // other class: kept by class-aware NMS
      ['car', 0.7, 200, 200, 250, 250], // no overlap
      ['car', 0.8, 50, 0, 150, 100], // IoU 0.33 with the first, 0.29 with the best: kept
    ]);
    const { order, k } = runNms(c);
    expect(kept(c, order, k).map((r) => [r[0], Number((r[1] as number).toFixed(2))])).toEqual([
      ['car', 0.9],
      ['car', 0.8],
      ['car', 0.7],
      ['truck', 0.5],
    ]);
  });

  it('handles no candidates', () => {
    expect(runNms(new Candidates(4)).k).toBe(0);
  });

  it('drops a near-identical box of a confusable class, keeps different groups', () => {
    const c = candidates([
      ['car', 0.48, 0, 0, 100, 100],
      ['truck', 0.34, 0, 2, 100, 102], // same vehicle as the car
      ['person', 0.4, 0, 0, 100, 100], // person is never merged across classes
      ['bus', 0.3, 0, 0, 100, 160], // IoU 0.625 < 0.7: a different object
    ]);
    const { order, k } = runNms(c);
    const group = new Uint8Array(TRAFFIC_CLASSES.length);
    group[CLS.car] = 1;
    group[CLS.truck] = 1;
    group[CLS.bus] = 1;
    const k2 = suppressAcrossClasses(c, order, k, group, 0.7);
    expect(kept(c, order, k2).map((r) => r[0])).toEqual(['car', 'person', 'bus']);
  });

  it('iou of boxes', () => {
    expect(iou(0, 0, 10, 10, 0, 0, 10, 10)).toBe(1);
    expect(iou(0, 0, 10, 10, 5, 0, 15, 10)).toBeCloseTo(1 / 3, 6);
    expect(iou(0, 0, 10, 10, 10, 0, 20, 10)).toBe(0);
  });
});
