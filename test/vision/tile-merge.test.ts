import { describe, expect, it } from 'vitest';
import { TRAFFIC_CLASSES, type TrafficClass } from '../../src/domain/traffic.js';
import { Candidates } from '../../src/vision/candidates.js';
import { CLS } from '../../src/vision/class-map.js';
import { mergeAcrossTiles } from '../../src/vision/tile-merge.js';

type Box = [TrafficClass, number, number, number, number, number, tile: number, cut: number];

function merge(boxes: Box[], group?: Uint8Array) {
  const c = new Candidates(16);
  const tile = new Uint8Array(16);
  const cut = new Uint8Array(16);
  for (const [cls, score, x1, y1, x2, y2, t, k] of boxes) {
    tile[c.count] = t;
    cut[c.count] = k;
    c.push(CLS[cls], score, x1, y1, x2, y2);
  }
  const order = new Int32Array(16);
  const k = mergeAcrossTiles(c, { tile, cut }, 0.45, order, new Uint8Array(16), group);
  return Array.from(order.subarray(0, k), (i) => [
    TRAFFIC_CLASSES[c.cls[i]!],
    Number(c.score[i]!.toFixed(2)),
    Number(c.x1[i]!.toFixed(3)),
    Number(c.x2[i]!.toFixed(3)),
  ]);
}

describe('merge across tiles', () => {
  it('an object cut at a tile edge loses to the whole box from the other tile, even with a higher score', () => {
    expect(
      merge([
        ['car', 0.9, 0.5, 0.5, 0.55, 0.6, 0, 1], // left half of the car, cut by tile 0's right edge
        ['car', 0.6, 0.5, 0.5, 0.6, 0.6, 1, 0], // the whole car in tile 1
      ]),
    ).toEqual([['car', 0.6, 0.5, 0.6]]);
  });

  it('keeps boxes of one tile (already NMS-ed) and different classes apart', () => {
    expect(
      merge([
        ['motorcycle', 0.8, 0.1, 0.1, 0.2, 0.2, 0, 0],
        ['motorcycle', 0.7, 0.12, 0.1, 0.22, 0.2, 0, 0], // same tile: two bikes nose to tail
        ['person', 0.5, 0.1, 0.1, 0.2, 0.2, 1, 0],
      ]),
    ).toHaveLength(3);
  });

  it('same object seen whole in two tiles: the better score wins', () => {
    expect(
      merge([
        ['car', 0.5, 0.3, 0.3, 0.4, 0.4, 0, 0],
        ['car', 0.7, 0.31, 0.3, 0.41, 0.4, 1, 0],
      ]),
    ).toEqual([['car', 0.7, 0.31, 0.41]]);
  });

  it('two cut halves of an object larger than the overlap grow into their union', () => {
    expect(
      merge([
        ['bus', 0.6, 0.4, 0.3, 0.6, 0.6, 0, 1],
        ['bus', 0.5, 0.45, 0.3, 0.7, 0.6, 1, 1],
      ]),
    ).toEqual([['bus', 0.6, 0.4, 0.7]]);
  });

  it('with class groups, a car in one tile and a truck in the other are one vehicle', () => {
    const group = new Uint8Array(TRAFFIC_CLASSES.length);
    group[CLS.car] = 1;
    group[CLS.truck] = 1;
    const boxes: Box[] = [
      ['truck', 0.4, 0.3, 0.3, 0.4, 0.4, 0, 1],
      ['car', 0.6, 0.3, 0.3, 0.41, 0.4, 1, 0],
    ];
    expect(merge(boxes, group)).toEqual([['car', 0.6, 0.3, 0.41]]);
    expect(merge(boxes)).toHaveLength(2);
  });

  it('a narrow "car" in one tile and a motorcycle in the other merge only when near-identical', () => {
    const group = new Uint8Array(TRAFFIC_CLASSES.length);
    group[CLS.car] = 1;
    group[CLS.motorcycle] = 2;
    // Same head-on motorcycle, IoU ≈ 0.82: one object, the better score's class.
    expect(
      merge(
        [
          ['car', 0.3, 0.5, 0.5, 0.52, 0.6, 0, 0],
          ['motorcycle', 0.6, 0.5, 0.5, 0.522, 0.605, 1, 0],
        ],
        group,
      ),
    ).toEqual([['motorcycle', 0.6, 0.5, 0.522]]);
    // A motorcycle in front of a car (IoU ≈ 0.2): both stay.
    expect(
      merge(
        [
          ['car', 0.8, 0.5, 0.5, 0.6, 0.6, 0, 0],
          ['motorcycle', 0.6, 0.54, 0.5, 0.56, 0.6, 1, 0],
        ],
        group,
      ),
    ).toHaveLength(2);
  });
});
