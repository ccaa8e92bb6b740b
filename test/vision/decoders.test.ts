import { describe, expect, it } from 'vitest';
import { TRAFFIC_CLASSES } from '../../src/domain/traffic.js';
import { Candidates } from '../../src/vision/candidates.js';
import { buildClassMap, CLS, NOT_TRAFFIC } from '../../src/vision/class-map.js';
import { decodeYolov8 } from '../../src/vision/decode-yolov8.js';
import { decodeYolox, yoloxGrid } from '../../src/vision/decode-yolox.js';

const COCO = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  ...Array.from({ length: 71 }, (_, i) => `other${i}`),
];
const classMap = buildClassMap(COCO);
const thresholds = (v = 0.3) => new Float32Array(TRAFFIC_CLASSES.length).fill(v);

function rowsOf(c: Candidates) {
  return Array.from({ length: c.count }, (_, i) => ({
    cls: TRAFFIC_CLASSES[c.cls[i]!],
    score: c.score[i]!,
    box: [c.x1[i]!, c.y1[i]!, c.x2[i]!, c.y2[i]!],
  }));
}

describe('class map', () => {
  it('maps COCO names to traffic classes and everything else to NOT_TRAFFIC', () => {
    expect(classMap[0]).toBe(CLS.person);
    expect(classMap[2]).toBe(CLS.car);
    expect(classMap[3]).toBe(CLS.motorcycle);
    expect(classMap[5]).toBe(CLS.bus);
    expect(classMap[7]).toBe(CLS.truck);
    expect(classMap[1]).toBe(CLS.bicycle);
    expect(classMap[6]).toBe(NOT_TRAFFIC);
  });
  it('rejects a label set without any traffic class', () => {
    expect(() => buildClassMap(['cat', 'dog'], 'x.json')).toThrow(/x.json: none of the traffic classes/);
  });
});

describe('decodeYolox', () => {
  const grid = yoloxGrid(416, 416);
  const W = 85;

  function row(stride: number, col: number, r: number): number {
    let base = 0;
    for (const s of [8, 16, 32]) {
      const g = 416 / s;
      if (s === stride) return base + r * g + col;
      base += g * g;
    }
    throw new Error('bad stride');
  }

  it('has 3549 rows for 416x416 with the stride order of the model', () => {
    expect(grid.rows).toBe(3549);
    const i = row(16, 5, 7);
    expect([grid.col[i], grid.row[i], grid.stride[i]]).toEqual([5, 7, 16]);
    const last = 3548;
    expect([grid.col[last], grid.row[last], grid.stride[last]]).toEqual([12, 12, 32]);
  });

  it('decodes offsets, log sizes, objectness x class score; drops non-traffic and weak rows', () => {
    const out = new Float32Array(grid.rows * W);
    const set = (i: number, v: number[], cls: number, clsScore: number) => {
      out.set(v, i * W);
      out[i * W + 5 + cls] = clsScore;
    };
    // car: centre ((5 + 0.5) * 16, (7 + 0.25) * 16) = (88, 116), size 4*16 x 2*16
    set(row(16, 5, 7), [0.5, 0.25, Math.log(4), Math.log(2), 0.9], 2, 0.8);
    // train (not traffic) with a high score: dropped, even though a weaker car score is present
    set(row(8, 10, 10), [0, 0, 0, 0, 0.95], 6, 0.9);
    out[row(8, 10, 10) * W + 5 + 2] = 0.5;
    // motorcycle below threshold (0.5 * 0.5 = 0.25 < 0.3)
    set(row(32, 1, 1), [0, 0, 0, 0, 0.5], 3, 0.5);
    // person at the bottom-right stride-32 cell: score 0.6
    set(row(32, 12, 12), [0.5, 0.5, 0, 0, 1], 0, 0.6);
    const c = new Candidates(grid.rows);
    decodeYolox(out, grid, classMap, thresholds(), c);
    const rows = rowsOf(c);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.cls).toBe('car');
    expect(rows[0]!.score).toBeCloseTo(0.72, 5);
    rows[0]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo([56, 100, 120, 132][i]!, 3);
    });
    expect(rows[1]!.cls).toBe('person');
    rows[1]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo([384, 384, 416, 416][i]!, 3);
    });
  });

  it('applies per-class thresholds', () => {
    const out = new Float32Array(grid.rows * W);
    out.set([0, 0, 0, 0, 1], row(8, 0, 0) * W);
    out[row(8, 0, 0) * W + 5 + 0] = 0.4; // person 0.4
    out.set([0, 0, 0, 0, 1], row(8, 1, 0) * W);
    out[row(8, 1, 0) * W + 5 + 2] = 0.4; // car 0.4
    const thr = thresholds(0.3);
    thr[CLS.person] = 0.5;
    const c = new Candidates(grid.rows);
    decodeYolox(out, grid, classMap, thr, c);
    expect(rowsOf(c).map((r) => r.cls)).toEqual(['car']);
  });

  it('rejects an output of the wrong size', () => {
    expect(() =>
      decodeYolox(new Float32Array(100), grid, classMap, thresholds(), new Candidates(grid.rows)),
    ).toThrow(/expected 3549 x 85/);
  });
});

describe('decodeYolov8', () => {
  it('decodes channel-major centre/size boxes with the best class score', () => {
    const N = 10;
    const C = 80;
    const out = new Float32Array((4 + C) * N);
    const put = (a: number, box: number[], cls: number, score: number) => {
      box.forEach((v, k) => {
        out[k * N + a] = v;
      });
      out[(4 + cls) * N + a] = score;
    };
    put(3, [100, 50, 20, 10], 5, 0.9); // bus
    put(4, [10, 10, 4, 4], 6, 0.95); // train: dropped
    put(5, [200, 200, 40, 40], 3, 0.2); // weak motorcycle: dropped
    put(9, [300, 300, 10, 30], 0, 0.31); // person
    out[(4 + 2) * N + 9] = 0.1; // a weaker car score on the same anchor does not win
    const c = new Candidates(N);
    decodeYolov8(out, N, classMap, thresholds(), c);
    const rows = rowsOf(c);
    expect(rows.map((r) => r.cls)).toEqual(['bus', 'person']);
    expect(rows[0]!.score).toBeCloseTo(0.9, 5);
    expect(rows[0]!.box).toEqual([90, 45, 110, 55]);
    expect(rows[1]!.box).toEqual([295, 285, 305, 315]);
  });

  it('rejects an output of the wrong size', () => {
    expect(() => decodeYolov8(new Float32Array(10), 10, classMap, thresholds(), new Candidates(10))).toThrow(
      /expected 84 x 10/,
    );
  });
});
