import { describe, expect, it } from 'vitest';
import { bufferedIou, greedyAssign } from '../../src/tracking/association.js';

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
});
