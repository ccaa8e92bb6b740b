import { describe, expect, it } from 'vitest';
import type { FrameGeometry } from '../../src/camera/frame.js';
import { AutoLevels, LEVELS_FROM_SPAN, LEVELS_FULL_SPAN, levelsLut } from '../../src/vision/auto-levels.js';
import { bgrToChw } from '../../src/vision/preprocess.js';

const W = 64;
const H = 36;
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

describe('AutoLevels', () => {
  it('leaves a well-exposed picture as it is', () => {
    const a = new AutoLevels();
    a.update(ramp(20, 235), geometry);
    expect(a.gain).toBe(1);
    expect(a.offset).toBe(0);
    expect(a.lut).toBeUndefined();
  });

  it('stretches a hazy picture (a narrow band of light grey) to most of the range', () => {
    const a = new AutoLevels();
    a.update(ramp(130, 220), geometry);
    expect(a.lut).toBeDefined();
    expect(a.lut![130]!).toBeLessThan(40);
    expect(a.lut![220]!).toBeGreaterThan(215);
    // Monotonic, clamped.
    for (let v = 1; v < 256; v++) expect(a.lut![v]!).toBeGreaterThanOrEqual(a.lut![v - 1]!);
    expect(a.lut![0]).toBe(0);
    expect(a.lut![255]).toBe(255);
  });

  it('stretches partly between the two spans, and follows a change of light over frames', () => {
    const mid = Math.round((LEVELS_FROM_SPAN + LEVELS_FULL_SPAN) / 2);
    const a = new AutoLevels();
    a.update(ramp(60, 60 + mid), geometry);
    const partial = a.gain;
    expect(partial).toBeGreaterThan(1);
    const b = new AutoLevels();
    b.update(ramp(60, 60 + LEVELS_FULL_SPAN - 20), geometry);
    expect(b.gain).toBeGreaterThan(partial);
    // Haze clears: the mapping goes back to none over a few frames, not at once.
    b.update(ramp(10, 245), geometry);
    expect(b.lut).toBeDefined();
    for (let i = 0; i < 30; i++) b.update(ramp(10, 245), geometry);
    expect(b.lut).toBeUndefined();
  });

  it('does not amplify a dark, nearly flat picture beyond a bounded gain', () => {
    const a = new AutoLevels();
    a.update(ramp(0, 20), geometry);
    expect(a.gain).toBeLessThanOrEqual(2.5);
  });
});

describe('bgrToChw with a value lookup', () => {
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
