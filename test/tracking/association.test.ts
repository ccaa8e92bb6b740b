import { describe, expect, it } from 'vitest';
import { bufferedIou, greedyAssign, overlapAlongMotion } from '../../src/tracking/association.js';

describe('association', () => {
  it('buffered IoU sees overlap between nearby boxes that plain IoU misses', () => {
    expect(bufferedIou(0, 0, 0.1, 0.1, 0.12, 0, 0.22, 0.1, 0)).toBe(0);
    expect(bufferedIou(0, 0, 0.1, 0.1, 0.12, 0, 0.22, 0.1, 0.3)).toBeGreaterThan(0.1);
    expect(bufferedIou(0, 0, 0.1, 0.1, 0, 0, 0.1, 0.1, 0.3)).toBeCloseTo(1, 9);
  });

  it('assigns best pairs first, respects the threshold and leaves the rest unmatched', () => {
    // rows: tracks, cols: detections
    const sim = Float64Array.from([
      0.9,
      0.8,
      0.0, //
      0.85,
      0.1,
      0.0, //
      0.0,
      0.0,
      0.15,
    ]);
    const rowMatch = new Int32Array(3);
    const colTaken = new Uint8Array(3);
    const keys = new Float64Array(9);
    const pairs = greedyAssign(sim, 3, 3, 0.2, rowMatch, colTaken, keys);
    expect(pairs).toBe(1);
    expect([...rowMatch]).toEqual([0, -1, -1]);
    // With a lower threshold the second row takes what is left above it.
    expect(greedyAssign(sim, 3, 3, 0.1, rowMatch, colTaken, keys)).toBe(3);
    expect([...rowMatch]).toEqual([0, 1, 2]);
  });

  it('measures how much a box overlaps a moving box along its motion, and not for a box standing still', () => {
    // Moving down at 0.4 of the height a second, box 0.1 wide and 0.2 tall (0.4-0.6): its length along the motion is 0.2.
    const along = (dy: number, dh: number, vx = 0, vy = 0.4) =>
      overlapAlongMotion(0.5, 0.5, 0.1, 0.2, vx, vy, 0.45, dy - dh / 2, 0.55, dy + dh / 2, 0.5);
    // A box 0.2-0.4 just touches it from behind; 0.1-0.3 leaves a gap of half its length; 0.3-0.5 overlaps half.
    expect(along(0.3, 0.2)).toBeCloseTo(0, 9);
    expect(along(0.2, 0.2)).toBeCloseTo(-0.5, 9);
    expect(along(0.4, 0.2)).toBeCloseTo(0.5, 9);
    // A box ahead overlaps more than the whole length.
    expect(along(0.6, 0.2)).toBeCloseTo(1.5, 9);
    // Moving right: the widths count (0.45-0.55 vs a 0.2-0.3 box: a gap of 1.5 widths).
    expect(overlapAlongMotion(0.5, 0.5, 0.1, 0.2, 0.3, 0, 0.2, 0.4, 0.3, 0.6, 0.5)).toBeCloseTo(-1.5, 9);
    // Slower than half its length a second, or standing: no judgement.
    expect(along(0.2, 0.2, 0, 0.05)).toBe(Number.POSITIVE_INFINITY);
    expect(along(0.2, 0.2, 0, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
