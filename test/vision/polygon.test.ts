import { describe, expect, it } from 'vitest';
import { pointInPolygon } from '../../src/vision/polygon.js';

describe('pointInPolygon', () => {
  const square: [number, number][] = [
    [0.2, 0.2],
    [0.6, 0.2],
    [0.6, 0.6],
    [0.2, 0.6],
  ];
  it('tells inside from outside', () => {
    expect(pointInPolygon(0.4, 0.4, square)).toBe(true);
    expect(pointInPolygon(0.7, 0.4, square)).toBe(false);
    expect(pointInPolygon(0.4, 0.1, square)).toBe(false);
  });
});
