import { describe, expect, it } from 'vitest';
import { letterboxGeometry, tiledGeometry } from '../../src/camera/letterbox.js';
import { buildClassMap } from '../../src/vision/class-map.js';
import { headRows } from '../../src/vision/decode-yolox.js';
import { loadLabels } from '../../src/vision/labels.js';
import { PostProcessor } from '../../src/vision/postprocess.js';
import { testConfig } from '../support/vision.js';

// The post-processor alone, on crafted YOLOX-nano outputs (416x416 export, 80 COCO classes): no ONNX Runtime.
const NC = 80;
const COCO = { person: 0, bicycle: 1, car: 2, motorcycle: 3 };

function postProcessor(mergeRiders = true): PostProcessor {
  const cfg = { ...testConfig().detector, scoreThreshold: 0.3 };
  const classMap = buildClassMap(loadLabels(cfg.labels), cfg.labels);
  return new PostProcessor(cfg, classMap, { inputWidth: 416, inputHeight: 416, rows: 3549 }, mergeRiders);
}

/**
 * A YOLOX output for input `width` x `height` with one stride-8 box of `cls` centred at input pixel
 * (cx, cy), size w x h, objectness `obj` (default 0.9).
 */
function output(
  boxes: [cocoClass: number, cx: number, cy: number, w: number, h: number, obj?: number][],
  height = 416,
  width = 416,
) {
  const gw = width / 8;
  const out = new Float32Array(headRows(width, height) * (5 + NC));
  for (const [cls, cx, cy, w, h, obj] of boxes) {
    const col = Math.floor(cx / 8);
    const row = Math.floor(cy / 8);
    const o = (row * gw + col) * (5 + NC);
    out[o] = cx / 8 - col;
    out[o + 1] = cy / 8 - row;
    out[o + 2] = Math.log(w / 8);
    out[o + 3] = Math.log(h / 8);
    out[o + 4] = obj ?? 0.9;
    out[o + 5 + cls] = 0.9;
  }
  return out;
}

describe('post-processor on a whole frame (crafted YOLOX outputs)', () => {
  // A 1280x720 camera letterboxed into 416x416: the picture is the top 416x234, fitted input 416x256.
  const g = letterboxGeometry(1280, 720, 416, 416);

  it('maps boxes of a fitted 416x256 output to camera fractions and folds the rider into the motorcycle', () => {
    const post = postProcessor();
    expect(post.outputLength(416, 256)).toBe(headRows(416, 256) * 85);
    const dets = post.detections(
      output(
        [
          [COCO.car, 100, 100, 80, 40], // car: input x 60..140, y 80..120
          [COCO.motorcycle, 300, 150, 20, 30], // motorcycle: x 290..310, y 135..165
          [COCO.person, 300, 130, 16, 40], // its rider: x 292..308, y 110..150
        ],
        256,
      ),
      416,
      256,
      g,
    );
    expect(dets.map((d) => d.cls).sort()).toEqual(['car', 'motorcycle']);
    const car = dets.find((d) => d.cls === 'car')!;
    expect(car.score).toBeCloseTo(0.81, 5);
    expect([car.x1 * 1280, car.y1 * 720, car.x2 * 1280, car.y2 * 720].map(Math.round)).toEqual([
      185, 246, 431, 369,
    ]);
    // The motorcycle grew to include its rider: input y 110..165.
    const bike = dets.find((d) => d.cls === 'motorcycle')!;
    expect(bike.y1 * 720).toBeCloseTo(110 / g.scale, 0);
    expect(bike.y2 * 720).toBeCloseTo(165 / g.scale, 0);
  });

  it('keeps the rider as a person when rider merging is off, and drops boxes in an ignore polygon', () => {
    const post = postProcessor(false);
    const out = output([
      [COCO.car, 100, 100, 80, 40],
      [COCO.motorcycle, 300, 150, 20, 30],
      [COCO.person, 300, 130, 16, 40],
    ]);
    expect(post.detections(out, 416, 416, g).map((d) => d.cls)).toHaveLength(3);
    const right: [number, number][] = [
      [0.5, 0],
      [1, 0],
      [1, 1],
      [0.5, 1],
    ];
    expect(post.detections(out, 416, 416, g, [right]).map((d) => d.cls)).toEqual(['car']);
  });

  it('rejects an output of another size than the input of its run gives', () => {
    expect(() => postProcessor().detections(new Float32Array(1000 * 85), 416, 256, g)).toThrow(
      /model output has 1000 rows, expected \d+ at 416x256/,
    );
  });

  it('decodes a run at a wider input than the export size (a wide detection region)', () => {
    const post = postProcessor();
    const wide = letterboxGeometry(1280, 720, 832, 480);
    const dets = post.detections(output([[COCO.car, 400, 200, 80, 40]], 480, 832), 832, 480, wide);
    expect(dets).toHaveLength(1);
    // Input x 360..440 at scale 0.65 → camera 554..677.
    expect(dets[0]!.x1 * 1280).toBeCloseTo(360 / 0.65, 0);
    expect(dets[0]!.x2 * 1280).toBeCloseTo(440 / 0.65, 0);
  });

  it('drops a part box inside a better box of its group, and a box around two of them', () => {
    const post = postProcessor(false);
    const dets = post.detections(
      output([
        [COCO.motorcycle, 100, 100, 20, 40], // motorcycle A
        [COCO.motorcycle, 100, 110, 18, 18, 0.6], // its lower part
        [COCO.motorcycle, 140, 100, 20, 40, 0.8], // motorcycle B beside it
        [COCO.motorcycle, 120, 100, 70, 46, 0.5], // one box around A and B
      ]),
      416,
      416,
      g,
    );
    expect(dets.map((d) => Math.round(((d.x1 + d.x2) / 2) * 1280 * g.scale))).toEqual([100, 140]);
  });
});

describe('post-processor on tiled frames (crafted YOLOX outputs)', () => {
  it('maps each tile back to camera fractions and merges a car cut by tile 0 with its whole box in tile 1', () => {
    const post = postProcessor();
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
    post.beginTiles(2 * post.rowsAt(416, 416));
    post.collectTile(output([[2, a0!, b0!, (614 - 560) * t0!.scale, 60 * t0!.scale]]), 416, 416, g, t0!, 0);
    post.collectTile(output([[2, a1!, b1!, 80 * t1!.scale, 60 * t1!.scale]]), 416, 416, g, t1!, 1);
    const dets = post.finishTiles();
    expect(dets).toHaveLength(1);
    const d = dets[0]!;
    expect(d.cls).toBe('car');
    expect(d.x1 * 1024).toBeCloseTo(560, 0);
    expect(d.x2 * 1024).toBeCloseTo(640, 0);
    expect(d.y1 * 576).toBeCloseTo(400, 0);
    expect(d.y2 * 576).toBeCloseTo(460, 0);
  });
});
