import { describe, expect, it } from 'vitest';
import type { FrameGeometry } from '../../src/camera/frame.js';
import {
  AutoLevels,
  LEVEL_STEPS,
  LEVELS_FROM_SPAN,
  LEVELS_FULL_SPAN,
  LevelsSnapshot,
  levelsLut,
} from '../../src/vision/auto-levels.js';
import { bgrToChw } from '../../src/vision/preprocess.js';

const W = 64;
const H = 64;
const geometry = {
  srcWidth: W,
  srcHeight: H,
  width: W,
  height: H + 4, // padding rows below the picture are not measured
  scale: 1,
  contentWidth: W,
  contentHeight: H,
} as FrameGeometry;

/** A grey ramp from `lo` to `hi` across the picture (same in B, G, R); padding rows black. */
function ramp(lo: number, hi: number): Uint8Array {
  const f = new Uint8Array(W * (H + 4) * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++)
      f.fill(Math.round(lo + ((hi - lo) * x) / (W - 1)), (y * W + x) * 3, (y * W + x) * 3 + 3);
  }
  return f;
}

/** Rows `y` of `f` (from `y0` to `y1`) as a ramp from `lo(y)` to `lo(y) + span` across the picture. */
function rows(f: Uint8Array, y0: number, y1: number, lo: (y: number) => number, span: number): Uint8Array {
  for (let y = y0; y < y1; y++)
    for (let x = 0; x < W; x++)
      f.fill(Math.round(lo(y) + (span * x) / (W - 1)), (y * W + x) * 3, (y * W + x) * 3 + 3);
  return f;
}

/** Step `s`'s table. */
const table = (a: AutoLevels, s: number) => a.lut!.subarray(s * 256, s * 256 + 256);

describe('AutoLevels', () => {
  it('leaves a well-exposed picture as it is', () => {
    const a = new AutoLevels();
    a.update(ramp(20, 235), geometry);
    expect(Array.from(a.gains).every((g) => g === 1)).toBe(true);
    expect(Array.from(a.offsets).every((o) => o === 0)).toBe(true);
    expect(a.lut).toBeUndefined();
  });

  it('stretches a hazy picture (a narrow band of light grey) to most of the range', () => {
    const a = new AutoLevels();
    a.update(ramp(130, 220), geometry);
    expect(a.lut).toBeDefined();
    expect(a.veil).toBe(0);
    for (const s of [0, LEVEL_STEPS - 1]) {
      const lut = table(a, s);
      expect(lut[130]!).toBeLessThan(40);
      expect(lut[220]!).toBeGreaterThan(215);
      // Monotonic, clamped.
      for (let v = 1; v < 256; v++) expect(lut[v]!).toBeGreaterThanOrEqual(lut[v - 1]!);
      expect(lut[0]).toBe(0);
      expect(lut[255]).toBe(255);
    }
  });

  it('stretches partly between the two spans, and follows a change of light over frames', () => {
    const mid = Math.round((LEVELS_FROM_SPAN + LEVELS_FULL_SPAN) / 2);
    const a = new AutoLevels();
    a.update(ramp(60, 60 + mid), geometry);
    const partial = a.gains[0]!;
    expect(partial).toBeGreaterThan(1);
    const b = new AutoLevels();
    b.update(ramp(60, 60 + LEVELS_FULL_SPAN - 20), geometry);
    expect(b.gains[0]).toBeGreaterThan(partial);
    // Haze clears: the mapping goes back to none over a few frames, not at once.
    b.update(ramp(10, 245), geometry);
    expect(b.lut).toBeDefined();
    for (let i = 0; i < 30; i++) b.update(ramp(10, 245), geometry);
    expect(b.lut).toBeUndefined();
  });

  it('does not amplify a dark, nearly flat picture beyond a bounded gain', () => {
    const a = new AutoLevels();
    a.update(ramp(0, 20), geometry);
    expect(Math.max(...a.gains)).toBeLessThanOrEqual(2.5);
  });

  it('maps each band of a glare veil (flat rows lifted more toward the top) from its own rows', () => {
    // Every row spans 60 of grey, from 170 at the top down to 10 at the bottom: the picture spans 10-230,
    // which one mapping for the whole picture leaves as it is.
    const f = rows(new Uint8Array(W * (H + 4) * 3), 0, H, (y) => 170 - (160 * y) / (H - 1), 60);
    const a = new AutoLevels();
    a.update(f, geometry);
    expect(a.veil).toBe(1);
    for (const y of [4, H / 2, H - 5]) {
      const s = Math.floor((y * LEVEL_STEPS) / H);
      const lo = Math.round(170 - (160 * y) / (H - 1));
      const lut = table(a, s);
      // The row's 60 of grey become at least 100.
      expect(lut[lo + 60]! - lut[lo]!, `row ${y}`).toBeGreaterThan(100);
    }
  });

  it('never takes contrast from the road below a flat bright sky, nor clips it', () => {
    // Sky: the top quarter, flat at 235. Road: rows spanning 60-160.
    const f = rows(new Uint8Array(W * (H + 4) * 3), 0, H / 4, () => 235, 0);
    rows(f, H / 4, H, () => 60, 100);
    const a = new AutoLevels();
    a.update(f, geometry);
    expect(a.veil).toBeGreaterThan(0);
    for (let s = LEVEL_STEPS / 4; s < LEVEL_STEPS; s++) {
      const lut = table(a, s);
      expect(lut[60]!, `step ${s}`).toBeGreaterThan(0);
      expect(lut[160]!, `step ${s}`).toBeLessThan(255);
      expect(lut[160]! - lut[60]!, `step ${s}`).toBeGreaterThanOrEqual(100);
    }
  });

  it('places the rows of a tile on the steps of the camera rows they show', () => {
    const a = new AutoLevels();
    // Tile 0 shows camera rows 0-720 at 64 / 720 pixels per camera pixel.
    const g = { ...geometry, srcWidth: 720, srcHeight: 720, scale: W / 720 } as FrameGeometry;
    a.update(ramp(130, 220), g);
    const m = a.snapshot(new LevelsSnapshot());
    // A tile of camera rows 360-720 at half scale: 180 rows, steps 16 to 32.
    expect(m.stepAt(360)).toBeCloseTo(LEVEL_STEPS / 2);
    expect(m.stepAt(360) + m.stepsPerRow(0.5) * 180).toBeCloseTo(LEVEL_STEPS);
  });
});

describe('bgrToChw with a value lookup', () => {
  it('reads each row through the table of its step', () => {
    const lut = new Float32Array(2 * 256);
    levelsLut(lut.subarray(0, 256), 1, 0);
    levelsLut(lut.subarray(256), 1, 100);
    // Four rows of two pixels, half a step per row: rows 0-1 table 0, rows 2-3 table 1.
    const src = new Uint8Array(8 * 3).fill(10);
    const dst = new Float32Array(8 * 3);
    bgrToChw(src, dst, 8, false, 1, 2, 6, lut, 0, 0.5);
    expect(Array.from(dst.subarray(0, 8))).toEqual([10, 10, 10, 10, 110, 110, 110, 110]);
    // Steps past the tables hold to the last (and before them, to the first).
    bgrToChw(src, dst, 8, false, 1, 2, 6, lut, -3, 3);
    expect(Array.from(dst.subarray(0, 8))).toEqual([10, 10, 110, 110, 110, 110, 110, 110]);
    // Scaled (YOLOv8's 1/255: here 0.5), each table.
    bgrToChw(src, dst, 8, false, 0.5, 2, 6, lut, 0, 0.5);
    expect(Array.from(dst.subarray(0, 8))).toEqual([5, 5, 5, 5, 55, 55, 55, 55]);
  });

  it('reads each byte through the lookup, then scales, on the word and the byte paths', () => {
    const lut = levelsLut(new Float32Array(256), 2, -10);
    const pixels = 9;
    const src = new Uint8Array(pixels * 3).map((_, i) => (i * 37 + 11) & 255);
    const f = (v: number) => Math.min(255, Math.max(0, v * 2 - 10)) * 0.5;
    const expected = new Float32Array(pixels * 3);
    for (let i = 0; i < pixels; i++) {
      expected[2 * pixels + i] = f(src[i * 3]!);
      expected[pixels + i] = f(src[i * 3 + 1]!);
      expected[i] = f(src[i * 3 + 2]!);
    }
    const dst = new Float32Array(pixels * 3);
    bgrToChw(src, dst, pixels, true, 0.5, pixels, pixels * 3, lut);
    expect(Array.from(dst)).toEqual(Array.from(expected));
    const shifted = new Uint8Array(pixels * 3 + 1);
    shifted.set(src, 1);
    const dst2 = new Float32Array(pixels * 3);
    bgrToChw(shifted.subarray(1), dst2, pixels, true, 0.5, pixels, pixels * 3, lut);
    expect(Array.from(dst2)).toEqual(Array.from(expected));
  });
});
