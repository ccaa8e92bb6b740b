import { describe, expect, it } from 'vitest';
import { bgrToChw } from '../../src/vision/preprocess.js';

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
