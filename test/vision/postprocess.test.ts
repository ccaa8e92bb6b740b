import { describe, expect, it } from 'vitest';
import { TRAFFIC_CLASSES, type TrafficClass } from '../../src/domain/traffic.js';
import { Candidates } from '../../src/vision/candidates.js';
import { CLS } from '../../src/vision/class-map.js';
import { iou, nms, suppressAcrossClasses } from '../../src/vision/nms.js';
import { pointInPolygon } from '../../src/vision/polygon.js';
import { bgrToChw } from '../../src/vision/preprocess.js';
import { mergeRiders } from '../../src/vision/riders.js';

type Box = [TrafficClass, number, number, number, number, number];

function candidates(boxes: Box[]): Candidates {
  const c = new Candidates(64);
  for (const [cls, score, x1, y1, x2, y2] of boxes) c.push(CLS[cls], score, x1, y1, x2, y2);
  return c;
}

function kept(c: Candidates, order: Int32Array, k: number) {
  return Array.from(order.subarray(0, k), (i) => [
    TRAFFIC_CLASSES[c.cls[i]!],
    c.score[i],
    c.x1[i],
    c.y1[i],
    c.x2[i],
    c.y2[i],
  ]);
}

function runNms(c: Candidates, thr = 0.45) {
  const order = new Int32Array(64);
  const k = nms(c, thr, order, new Uint8Array(64));
  return { order, k };
}

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

describe('bgrToChw', () => {
  const src = new Uint8Array([1, 2, 3, 4, 5, 6]); // two pixels: (B1,G2,R3), (B4,G5,R6)
  it('writes B, G, R planes (YOLOX)', () => {
    const dst = new Float32Array(6);
    bgrToChw(src, dst, 2, false, 1);
    expect(Array.from(dst)).toEqual([1, 4, 2, 5, 3, 6]);
  });
  it('writes scaled R, G, B planes (YOLOv8)', () => {
    const dst = new Float32Array(6);
    bgrToChw(src, dst, 2, true, 0.5);
    expect(Array.from(dst)).toEqual([1.5, 3, 1, 2.5, 0.5, 2]);
  });
  it('rejects a short frame', () => {
    expect(() => bgrToChw(src, new Float32Array(12), 4, false, 1)).toThrow(/frame has 6 bytes, expected 12/);
  });
});

describe('pointInPolygon', () => {
  const square: [number, number][] = [
    [0.2, 0.2],
    [0.6, 0.2],
    [0.6, 0.6],
    [0.2, 0.6],
  ];
  it('tells inside from outside', () => {
    expect(pointInPolygon(0.4, 0.4, square)).toBe(true);
    expect(pointInPolygon(0.7, 0.4, square)).toBe(false);
    expect(pointInPolygon(0.4, 0.1, square)).toBe(false);
  });
});

describe('mergeRiders near misses', () => {
  it('keeps a pedestrian standing in front of a motorcycle (feet well below its wheels)', () => {
    const c = candidates([
      ['motorcycle', 0.7, 100, 150, 140, 220],
      ['person', 0.8, 105, 140, 135, 250],
    ]);
    const order = new Int32Array(64);
    const k = nms(c, 0.45, order, new Uint8Array(64));
    expect(mergeRiders(c, order, k)).toBe(2);
  });
});

describe('bgrToChw word path', () => {
  it('matches a per-byte conversion for aligned frames with a remainder pixel', () => {
    const pixels = 9; // two 4-pixel word steps + 1 pixel
    const src = new Uint8Array(pixels * 3).map((_, i) => (i * 37 + 11) & 255);
    const expected = new Float32Array(pixels * 3);
    for (let i = 0; i < pixels; i++) {
      expected[i] = src[i * 3]!;
      expected[pixels + i] = src[i * 3 + 1]!;
      expected[2 * pixels + i] = src[i * 3 + 2]!;
    }
    const dst = new Float32Array(pixels * 3);
    bgrToChw(src, dst, pixels, false, 1);
    expect(Array.from(dst)).toEqual(Array.from(expected));
    // unaligned view: the byte path gives the same planes
    const shifted = new Uint8Array(pixels * 3 + 1);
    shifted.set(src, 1);
    const dst2 = new Float32Array(pixels * 3);
    bgrToChw(shifted.subarray(1), dst2, pixels, false, 1);
    expect(Array.from(dst2)).toEqual(Array.from(expected));
  });
});
