import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiledGeometry } from '../../src/camera/letterbox.js';
import { TRAFFIC_CLASSES, type TrafficClass } from '../../src/domain/traffic.js';
import { Candidates } from '../../src/vision/candidates.js';
import { CLS } from '../../src/vision/class-map.js';
import { Detector } from '../../src/vision/detector.js';
import { mergeAcrossTiles } from '../../src/vision/tile-merge.js';
import { testConfig } from '../support/vision.js';

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

describe('detector on tiled frames (crafted YOLOX outputs)', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.create({ ...testConfig().detector, scoreThreshold: 0.3 });
  }, 60_000);
  afterAll(() => detector?.close());

  const NC = 80;
  const GW = 52; // stride-8 grid at 416
  /** A YOLOX output with one stride-8 box of `cls` centred at tile pixel (cx, cy), size w x h. */
  function output(boxes: [cocoClass: number, cx: number, cy: number, w: number, h: number][]) {
    const rows = 52 * 52 + 26 * 26 + 13 * 13;
    const out = new Float32Array(rows * (5 + NC));
    for (const [cls, cx, cy, w, h] of boxes) {
      const col = Math.floor(cx / 8);
      const row = Math.floor(cy / 8);
      const o = (row * GW + col) * (5 + NC);
      out[o] = cx / 8 - col;
      out[o + 1] = cy / 8 - row;
      out[o + 2] = Math.log(w / 8);
      out[o + 3] = Math.log(h / 8);
      out[o + 4] = 0.9;
      out[o + 5 + cls] = 0.9;
    }
    return out;
  }

  it('maps each tile back to camera fractions and merges a car cut by tile 0 with its whole box in tile 1', () => {
    // Two side-by-side tiles over a 1024x576 camera: [0, 0.3, 0.6, 1] and [0.4, 0.3, 1, 1].
    const g = tiledGeometry(1024, 576, 416, 416, [
      [0, 0.3, 0.6, 1],
      [0.4, 0.3, 1, 1],
    ]);
    const [t0, t1] = g.tiles!;
    // A car at camera x 560..640, y 400..460: whole in tile 1, cut by tile 0's right edge (x 614).
    const toTile = (t: typeof t0, x: number, y: number) => [
      (x - t!.cropX) * t!.scale,
      (y - t!.cropY) * t!.scale,
    ];
    const [a1, b1] = toTile(t1, 600, 430);
    const [a0, b0] = toTile(t0, 587, 430); // the visible part 560..614 of tile 0
    detector.beginTiles(2);
    detector.collectTile(output([[2, a0!, b0!, (614 - 560) * t0!.scale, 60 * t0!.scale]]), g, t0!, 0);
    detector.collectTile(output([[2, a1!, b1!, 80 * t1!.scale, 60 * t1!.scale]]), g, t1!, 1);
    const dets = detector.finishTiles();
    expect(dets).toHaveLength(1);
    const d = dets[0]!;
    expect(d.cls).toBe('car');
    expect(d.x1 * 1024).toBeCloseTo(560, 0);
    expect(d.x2 * 1024).toBeCloseTo(640, 0);
    expect(d.y1 * 576).toBeCloseTo(400, 0);
    expect(d.y2 * 576).toBeCloseTo(460, 0);
  });
});
