import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/camera/frame.js';
import { readClipFrames } from '../../src/camera/read-clip-frames.js';
import type { Detection } from '../../src/vision/detection.js';
import { Detector } from '../../src/vision/detector.js';
import { withDynamicImageSize } from '../../src/vision/dynamic-model.js';
import { iou as boxIou } from '../../src/vision/nms.js';
import { bgrToChw } from '../../src/vision/preprocess.js';
import { decodeFrames } from '../support/clip-frames.js';
import { tempDir } from '../support/process.js';
import { NL_CLIP, testConfig } from '../support/vision.js';

/** IoU of two detections (boxes in camera fractions). */
const iou = (a: Detection, b: Detection) => boxIou(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1, b.x2, b.y2);

const MODEL = testConfig().detector.model;

/**
 * yolox_nano with its three head Reshapes changed from [1, 85, -1] to the row counts of a 416x416 input:
 * a graph that only runs at its export size, as some exports are.
 */
function bakedShapeModel(dir: string): string {
  const bytes = Buffer.from(readFileSync(MODEL));
  const pattern = Buffer.alloc(24);
  pattern.writeBigInt64LE(1n, 0);
  pattern.writeBigInt64LE(85n, 8);
  pattern.writeBigInt64LE(-1n, 16);
  const rows = [52 * 52, 26 * 26, 13 * 13];
  let at = -1;
  for (const n of rows) {
    at = bytes.indexOf(pattern, at + 1);
    expect(at, 'the Reshape shape [1, 85, -1] in yolox_nano.onnx').toBeGreaterThan(0);
    bytes.writeBigInt64LE(BigInt(n), at + 16);
  }
  const path = join(dir, 'yolox_nano_fixed.onnx');
  writeFileSync(path, bytes);
  return path;
}

describe('withDynamicImageSize', () => {
  let original: ort.InferenceSession;
  let dynamic: ort.InferenceSession;
  let input416: ort.Tensor;

  beforeAll(async () => {
    const rewritten = withDynamicImageSize(readFileSync(MODEL));
    expect(rewritten.inputShape).toEqual([1, 3, 416, 416]);
    expect(rewritten.outputShape).toEqual([1, 3549, 85]);
    original = await ort.InferenceSession.create(MODEL);
    dynamic = await ort.InferenceSession.create(rewritten.bytes);
    const { frames } = decodeFrames(NL_CLIP, 60, 1);
    const chw = new Float32Array(3 * 416 * 416);
    bgrToChw(frames[0]!, chw, 416 * 416, false, 1);
    input416 = new ort.Tensor('float32', chw, [1, 3, 416, 416]);
  });
  afterAll(async () => {
    await original?.release();
    await dynamic?.release();
  });

  it('makes the image height and width and the output rows symbolic', () => {
    const inShape = (dynamic.inputMetadata[0] as { shape: readonly (number | string)[] }).shape;
    const outShape = (dynamic.outputMetadata[0] as { shape: readonly (number | string)[] }).shape;
    expect(inShape).toEqual([1, 3, 'height', 'width']);
    expect(outShape[0]).toBe(1);
    expect(typeof outShape[1]).toBe('string');
  });

  it('gives the original model output at the export size', async () => {
    const a = (await original.run({ images: input416 })).output!.data as Float32Array;
    const b = (await dynamic.run({ images: input416 })).output!.data as Float32Array;
    expect(b.length).toBe(a.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(a[i]!)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('runs at 416x256 with the head rows of that size', async () => {
    const x = new ort.Tensor('float32', new Float32Array(3 * 256 * 416).fill(114), [1, 3, 256, 416]);
    const out = (await dynamic.run({ images: x })).output!;
    expect(out.dims).toEqual([1, 52 * 32 + 26 * 16 + 13 * 8, 85]);
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(() => withDynamicImageSize(Buffer.from('not a model at all'))).toThrow(
      /not an ONNX model|truncated|wire type/,
    );
  });
});

describe('Detector with a fitted input', () => {
  const dir = tempDir('fit');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('feeds a 16:9 picture as 416x256 and finds the same cars as the square input', async () => {
    const cfg = { ...testConfig().detector, scoreThreshold: 0.3 };
    const fitted = await Detector.create(cfg);
    const square = await Detector.create({ ...cfg, fitInput: false });
    try {
      expect(fitted.fit).toEqual({ enabled: true });
      expect(square.fit.enabled).toBe(false);
      const { geometry, frames } = decodeFrames(NL_CLIP, 250, 1);
      expect(geometry.contentHeight).toBe(234);
      expect(fitted.inputHeightFor(geometry.contentHeight)).toBe(256);
      expect(square.inputHeightFor(geometry.contentHeight)).toBe(416);
      const a = await fitted.detect(frames[0]!, geometry);
      const b = await square.detect(frames[0]!, geometry);
      expect(a.length).toBeGreaterThanOrEqual(4);
      expect(a.length).toBe(b.length);
      for (const d of a) {
        const best = Math.max(...b.filter((e) => e.cls === d.cls).map((e) => iou(d, e)));
        expect(best, `${d.cls} at ${d.x1.toFixed(3)},${d.y1.toFixed(3)}`).toBeGreaterThanOrEqual(0.9);
      }
    } finally {
      await fitted.close();
      await square.close();
    }
  });

  it('gives each tile of a tiled frame its own fitted height', async () => {
    // Two wide tiles (1280x360 each → 416x117 → 128 rows) and one tall one (640x720 → 416 rows).
    const tiles = [
      [0, 0, 1, 0.5],
      [0, 0.5, 1, 1],
      [0.5, 0, 1, 1],
    ] as const;
    let frame: Frame | undefined;
    for await (const f of readClipFrames({
      cameraId: 'tiles',
      url: pathToFileURL(NL_CLIP).href,
      width: 416,
      height: 416,
      tiles,
    })) {
      if (f.seq === 250) {
        frame = { ...f, data: Buffer.from(f.data) };
        break;
      }
    }
    const g = frame!.geometry;
    const cfg = { ...testConfig().detector, scoreThreshold: 0.3 };
    const fitted = await Detector.create(cfg);
    const square = await Detector.create({ ...cfg, fitInput: false });
    try {
      expect(g.tiles!.map((t) => fitted.inputHeightFor(t.contentHeight))).toEqual([128, 128, 416]);
      const before = fitted.stats.runs;
      const a = await fitted.detect(frame!.data, g);
      expect(fitted.stats.runs - before).toBe(3);
      const b = await square.detect(frame!.data, g);
      expect(a.length).toBeGreaterThanOrEqual(4);
      let matched = 0;
      for (const d of a) {
        if (b.some((e) => e.cls === d.cls && iou(d, e) >= 0.9)) matched++;
      }
      expect(
        Math.abs(a.length - b.length),
        `${a.length} boxes fitted, ${b.length} square`,
      ).toBeLessThanOrEqual(1);
      expect(matched / a.length, `${matched} of ${a.length} boxes`).toBeGreaterThanOrEqual(0.9);
    } finally {
      await fitted.close();
      await square.close();
    }
  });

  it('keeps the export size, and says why, when the graph bakes in its input size', async () => {
    const cfg = { ...testConfig().detector, scoreThreshold: 0.3, model: bakedShapeModel(dir) };
    const detector = await Detector.create(cfg);
    try {
      expect(detector.fit.enabled).toBe(false);
      expect(detector.fit.unavailable).toMatch(/does not run at 416x192/);
      expect(detector.stats.runs).toBe(0);
      const { geometry, frames } = decodeFrames(NL_CLIP, 250, 1);
      expect(detector.inputHeightFor(geometry.contentHeight)).toBe(416);
      expect((await detector.detect(frames[0]!, geometry)).length).toBeGreaterThanOrEqual(4);
    } finally {
      await detector.close();
    }
  });
});
