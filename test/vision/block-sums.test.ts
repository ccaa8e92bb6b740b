import { describe, expect, it } from 'vitest';
import { blockRowBytes, blockRowWords, CELL, frameWords } from '../../src/vision/block-sums.js';

/** 64 x 8 pixels of scattered values at byte `offset` of their buffer. */
function picture(offset: number): Buffer {
  const whole = Buffer.alloc(64 * 8 * 3 + offset);
  for (let i = 0; i < whole.length; i++) whole[i] = Math.imul(i + 3, 2654435761) >>> 24;
  return whole.subarray(offset);
}

/** The grey mean (B + 2G + R) / 4 of block `c` of the first block row, pixel by pixel. */
function mean(data: Uint8Array, c: number): number {
  let sum = 0;
  for (let y = 0; y < CELL; y++) {
    for (let x = c * CELL; x < (c + 1) * CELL; x++) {
      const p = (y * 64 + x) * 3;
      sum += data[p]! + 2 * data[p + 1]! + data[p + 2]!;
    }
  }
  return sum / (4 * CELL * CELL);
}

describe('block sums', () => {
  it('give each block its grey mean from words or bytes alike, or its whole part', () => {
    const data = picture(0);
    const words = frameWords(data, 64 * 3)!;
    expect(words).toBeDefined();
    const fromWords = new Float32Array(16);
    const fromBytes = new Float32Array(16);
    const wholeWords = new Uint8Array(16);
    const wholeBytes = new Uint8Array(16);
    blockRowWords(words, 0, 48, 16, fromWords, 0);
    blockRowBytes(data, 0, 64 * 3, 16, fromBytes, 0);
    blockRowWords(words, 0, 48, 16, wholeWords, 0, true);
    blockRowBytes(data, 0, 64 * 3, 16, wholeBytes, 0, true);
    const means = Array.from({ length: 16 }, (_, c) => mean(data, c));
    expect([...fromWords]).toEqual(means.map((m) => Math.fround(m)));
    expect([...fromBytes]).toEqual(means.map((m) => Math.fround(m)));
    expect([...wholeWords]).toEqual(means.map((m) => Math.floor(m)));
    expect([...wholeBytes]).toEqual(means.map((m) => Math.floor(m)));
  });

  it('are read from words only where rows start 4-byte aligned', () => {
    expect(frameWords(picture(0), 64 * 3)).toBeDefined();
    expect(frameWords(picture(2), 64 * 3)).toBeUndefined();
    expect(frameWords(picture(0), 63 * 3)).toBeUndefined();
    // One view per buffer, whatever part of it a frame is.
    const whole = Buffer.alloc(1024);
    expect(frameWords(whole.subarray(0, 512), 12)).toBe(frameWords(whole.subarray(512), 12));
  });
});
