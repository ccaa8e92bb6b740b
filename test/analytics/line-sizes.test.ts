import { describe, expect, it } from 'vitest';
import {
  describeLineSize,
  MIN_CAMERA_PX,
  SMALL_TWO_WHEELER_PX,
  scaleAt,
  TWO_WHEELER_PER_CAR_WIDTH,
  TwoWheelerSizes,
} from '../../src/analytics/line-sizes.js';
import type { FrameGeometry } from '../../src/camera/frame.js';
import type { Detection, TrafficClass } from '../../src/domain/traffic.js';
import { geometryTile, wholeGeometry } from '../support/frame-geometry.js';

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
function feed(
  sizes: TwoWheelerSizes,
  frames: number,
  lo = 0.6,
  hi = 0.95,
  cls: TrafficClass = 'motorcycle',
  otherCar = true,
) {
  const rand = lcg(3);
  for (let f = 0; f < frames; f++) {
    const dets: Detection[] = [];
    for (let i = 0; i < 4; i++) {
      const y2 = lo + (hi - lo) * rand();
      const h = motoHeight(y2) * (0.9 + 0.2 * rand());
      const x1 = 0.1 + 0.7 * rand();
      dets.push({ cls, score: 0.35 + 0.5 * rand(), x1, y1: y2 - h, x2: x1 + h * 0.5, y2 });
    }
    // A car in every frame: not a two-wheeler, not learnt from (as wide as a lorry at its row).
    if (otherCar) dets.push({ cls: 'car', score: 0.9, x1: 0.4, y1: 0.5, x2: 0.6, y2: 0.9 });
    sizes.add(dets);
  }
}

const whole = wholeGeometry;
const tile = geometryTile;

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
    // A motorway: cars only, no two-wheeler to warn about.
    const cars = new TwoWheelerSizes();
    feed(cars, 200, 0.6, 0.95, 'car');
    expect(cars.report([line('l', 0.8)], whole(1024, 576, 1))[0]!.status).toBe('unknown');
    const bicycles = new TwoWheelerSizes();
    feed(bicycles, 60, 0.6, 0.95, 'bicycle');
    expect(bicycles.report([line('l', 0.8)], whole(1024, 576, 1))[0]!.status).toBe('ok');
  });

  it('estimates from the cars where two-wheelers ride but too few are detected to measure them', () => {
    const sizes = new TwoWheelerSizes();
    // Cars as wide as half a motorcycle's height at their row, and 40 motorcycle boxes: too few to fit.
    feed(sizes, 200, 0.6, 0.95, 'car', false);
    feed(sizes, 10, 0.6, 0.95, 'motorcycle', false);
    const [l] = sizes.report([line('l', 0.8, 'bottom')], whole(1024, 576, 1.25));
    const h = TWO_WHEELER_PER_CAR_WIDTH * 0.5 * motoHeight(0.8) * (1024 / 576);
    expect(l).toMatchObject({ heightPct: Math.round(h * 1000) / 10, status: 'ok', from: 'cars' });
    expect(Math.abs(l!.modelPx! - h * 576 * 1.25)).toBeLessThanOrEqual(1);
    // Once enough two-wheelers are seen, their own heights.
    feed(sizes, 60);
    expect(sizes.report([line('l', 0.8, 'bottom')], whole(1024, 576, 0.5))[0]!.from).toBe('two-wheelers');
  });

  it('says which detect.regionWidth would make a small line large enough, or that none would', () => {
    const sizes = new TwoWheelerSizes();
    feed(sizes, 60);
    // At 0.6 motorcycles are 0.05 x 576 = 28.8 camera px: 42 model px need 1.46 per camera px, 1493 wide
    // (in an automatic region, below).
    const [mid, far] = sizes.report(
      [line('mid', 0.6, 'bottom'), line('far', 0.5, 'bottom')],
      whole(1024, 576, 0.40625),
    );
    // The whole picture alone (no automatic region): regionWidth would change nothing.
    expect(mid!.status).toBe('small');
    expect(mid!.regionWidth).toBeUndefined();
    // At 0.5: 17 camera px, fewer than MIN_CAMERA_PX.
    expect(motoHeight(0.5) * 576).toBeLessThan(MIN_CAMERA_PX);
    expect(far).toMatchObject({ status: 'small', regionWidth: null });
    expect(describeLineSize(far!)).toMatch(/too few of the camera's pixels .* or zoom the camera in$/);
    expect(describeLineSize(mid!)).toMatch(/, or raise detect\.regionWidth$/);
    // In an automatic band at 0.9375 (960x160 beside the whole picture's 416x256), regions at 1.46 need
    // 1 + 960 x 160 x (1.46 / 0.9375)^2 / (416 x 256) = 4.49 whole pictures.
    const band: FrameGeometry = {
      ...whole(1024, 576, 0.40625),
      height: 256 + 160,
      tiles: [
        { ...tile(0, 0, 1024, 576, 0.40625), tileHeight: 256 },
        { ...tile(32, 260, 960, 170, 0.9375), tileHeight: 160 },
      ],
    };
    const [inBand] = sizes.report([line('mid', 0.6, 'bottom')], band);
    expect(inBand).toMatchObject({ status: 'small', regionWidth: 1536, budget: 4.5 });
    expect(describeLineSize(inBand!)).toMatch(/to about 1536 with detect\.budget at 4\.5 or more$/);
  });

  it('calls a line above the horizon the fit puts there small, at 0 px', () => {
    const sizes = new TwoWheelerSizes();
    feed(sizes, 60);
    expect(sizes.report([line('sky', 0.3, 'bottom')], whole(1024, 576, 1))[0]).toMatchObject({
      heightPct: 0,
      modelPx: 0,
      status: 'small',
      regionWidth: null,
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
    const estimated = describeLineSize({
      line: 'far',
      heightPct: 3.3,
      modelPx: 18,
      status: 'ok',
      from: 'cars',
    });
    expect(estimated).toMatch(
      /would be about 18 model pixels tall \(3\.3 % of the picture; estimated from the cars' widths/,
    );
    expect(describeLineSize({ line: 'low', heightPct: 9.7, modelPx: 52, status: 'ok' })).toBe(
      'line low: motorcycles crossing it are about 52 model pixels tall (9.7 % of the picture), large enough to be counted',
    );
  });
});
