import { describe, expect, it } from 'vitest';
import {
  describeLineSize,
  SMALL_TWO_WHEELER_PX,
  scaleAt,
  TwoWheelerSizes,
} from '../../src/analytics/line-sizes.js';
import type { FrameGeometry, FrameTile } from '../../src/camera/frame.js';
import type { Detection, TrafficClass } from '../../src/domain/traffic.js';

/** A motorcycle's box height at bottom row y2 in a synthetic road view (perspective: linear in the row). */
const motoHeight = (y2: number) => 0.2 * (y2 - 0.35);

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `frames` frames of four two-wheelers each, bottoms at rows lo..hi, heights within ±10 %. */
function feed(sizes: TwoWheelerSizes, frames: number, lo = 0.6, hi = 0.95, cls: TrafficClass = 'motorcycle') {
  const rand = lcg(3);
  for (let f = 0; f < frames; f++) {
    const dets: Detection[] = [];
    for (let i = 0; i < 4; i++) {
      const y2 = lo + (hi - lo) * rand();
      const h = motoHeight(y2) * (0.9 + 0.2 * rand());
      const x1 = 0.1 + 0.7 * rand();
      dets.push({ cls, score: 0.35 + 0.5 * rand(), x1, y1: y2 - h, x2: x1 + h * 0.5, y2 });
    }
    // A car in every frame: not a two-wheeler, not learnt from.
    dets.push({ cls: 'car', score: 0.9, x1: 0.4, y1: 0.5, x2: 0.6, y2: 0.9 });
    sizes.add(dets);
  }
}

const whole = (srcWidth: number, srcHeight: number, scale: number): FrameGeometry => ({
  srcWidth,
  srcHeight,
  width: Math.round(srcWidth * scale),
  height: Math.round(srcHeight * scale),
  scale,
  contentWidth: Math.round(srcWidth * scale),
  contentHeight: Math.round(srcHeight * scale),
});

function tile(
  cropX: number,
  cropY: number,
  cropWidth: number,
  cropHeight: number,
  scale: number,
  infer = true,
) {
  return {
    cropX,
    cropY,
    cropWidth,
    cropHeight,
    width: Math.round(cropWidth * scale),
    tileHeight: Math.round(cropHeight * scale),
    byteOffset: 0,
    scale,
    contentWidth: Math.round(cropWidth * scale),
    contentHeight: Math.round(cropHeight * scale),
    infer,
    gated: true,
  } satisfies FrameTile;
}

const line = (id: string, y: number, anchor: 'center' | 'bottom' = 'center') => ({
  id,
  points: [
    [0, y],
    [1, y],
  ] as [number, number][],
  anchor,
});

describe('TwoWheelerSizes', () => {
  it('says how tall motorcycles are at a line drawn where none was seen, from those lower down', () => {
    const sizes = new TwoWheelerSizes();
    feed(sizes, 60);
    // 1024x576, the whole picture at 416 wide (0.40625 model px per camera px).
    const [high, low] = sizes.report(
      [line('high', 0.5, 'bottom'), line('low', 0.9, 'bottom')],
      whole(1024, 576, 0.40625),
    );
    expect(high!.heightPct).toBeCloseTo(100 * motoHeight(0.5), 0);
    expect(Math.abs(high!.modelPx! - motoHeight(0.5) * 576 * 0.40625)).toBeLessThanOrEqual(1.5);
    expect(high!.status).toBe('small');
    expect(low!.heightPct).toBeCloseTo(100 * motoHeight(0.9), 0);
    // 0.11 x 576 x 0.40625 = 26 px: small at the whole picture's scale...
    expect(low!.status).toBe('small');
    // ... but large enough in a region at 0.9375 model px per camera px around the line.
    const g: FrameGeometry = {
      ...whole(1024, 576, 0.40625),
      tiles: [tile(0, 0, 1024, 576, 0.40625), tile(32, 432, 960, 144, 0.9375)],
    };
    const [, inRegion] = sizes.report([line('high', 0.5, 'bottom'), line('low', 0.9, 'bottom')], g);
    expect(Math.abs(inRegion!.modelPx! - motoHeight(0.9) * 576 * 0.9375)).toBeLessThanOrEqual(1.5);
    expect(inRegion!.modelPx!).toBeGreaterThanOrEqual(SMALL_TWO_WHEELER_PX);
    expect(inRegion!.status).toBe('ok');
  });

  it('takes a centre-anchored line as crossed by the middle of the box: its bottom is half a box lower', () => {
    const sizes = new TwoWheelerSizes();
    feed(sizes, 60);
    const [centre] = sizes.report([line('c', 0.7)], whole(1024, 576, 1));
    // h = 0.2 (0.7 + h/2 - 0.35) => h = 0.07 / 0.9
    expect(centre!.heightPct).toBeCloseTo((100 * 0.07) / 0.9, 0);
  });

  it('tells nothing before enough two-wheelers are seen, nor from cars alone', () => {
    const few = new TwoWheelerSizes();
    feed(few, 10);
    expect(few.report([line('l', 0.8)], whole(1024, 576, 1))).toEqual([
      { line: 'l', heightPct: null, modelPx: null, status: 'unknown' },
    ]);
    const cars = new TwoWheelerSizes();
    feed(cars, 200, 0.6, 0.95, 'car');
    expect(cars.report([line('l', 0.8)], whole(1024, 576, 1))[0]!.status).toBe('unknown');
    const bicycles = new TwoWheelerSizes();
    feed(bicycles, 60, 0.6, 0.95, 'bicycle');
    expect(bicycles.report([line('l', 0.8)], whole(1024, 576, 1))[0]!.status).toBe('ok');
  });

  it('calls a line above the horizon the fit puts there small, at 0 px', () => {
    const sizes = new TwoWheelerSizes();
    feed(sizes, 60);
    expect(sizes.report([line('sky', 0.3, 'bottom')], whole(1024, 576, 1))[0]).toMatchObject({
      heightPct: 0,
      modelPx: 0,
      status: 'small',
    });
  });
});

describe('scaleAt', () => {
  it('is the finest inferred tile holding the point, else the whole picture', () => {
    const g: FrameGeometry = {
      ...whole(1920, 1080, 0.2),
      tiles: [tile(0, 0, 1920, 1080, 0.2), tile(0, 700, 1920, 300, 0.5), tile(0, 800, 960, 200, 0.9, false)],
    };
    expect(scaleAt(g, 0.5, 0.3)).toBe(0.2);
    expect(scaleAt(g, 0.5, 0.8)).toBe(0.5);
    // The not-inferred tile (kept for its pixels only) does not count.
    expect(scaleAt(g, 0.25, 0.85)).toBe(0.5);
    expect(scaleAt(whole(1920, 1080, 0.3), 0.5, 0.5)).toBe(0.3);
  });
});

describe('describeLineSize', () => {
  it('tells the technician the size and, for a small line, what to do', () => {
    const small = describeLineSize({ line: 'high', heightPct: 4.1, modelPx: 22, status: 'small' });
    expect(small).toBe(
      `line high: motorcycles crossing it are about 22 model pixels tall (4.1 % of the picture), too small to be counted well (${SMALL_TWO_WHEELER_PX} or more counts well): draw the line lower in the picture, nearer the camera, or raise detect.regionWidth`,
    );
    expect(describeLineSize({ line: 'low', heightPct: 9.7, modelPx: 52, status: 'ok' })).toBe(
      'line low: motorcycles crossing it are about 52 model pixels tall (9.7 % of the picture), large enough to be counted',
    );
  });
});
