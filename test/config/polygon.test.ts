import { describe, expect, it } from 'vitest';
import { polygonProblem } from '../../src/config/primitives.js';

describe('polygonProblem', () => {
  it('accepts a border in order, convex or not, either way round', () => {
    const square = [
      [0.2, 0.2],
      [0.8, 0.2],
      [0.8, 0.8],
      [0.2, 0.8],
    ];
    expect(polygonProblem(square)).toBeUndefined();
    expect(polygonProblem([...square].reverse())).toBeUndefined();
    // An L along a bend in the road, and a thin carriageway strip.
    const bend = [
      [0, 0.5],
      [0.6, 0.5],
      [0.6, 0],
      [0.8, 0],
      [0.8, 0.7],
      [0, 0.7],
    ];
    expect(polygonProblem(bend)).toBeUndefined();
    expect(
      polygonProblem([
        [0, 0.6],
        [1, 0.58],
        [1, 0.6],
      ]),
    ).toBeUndefined();
  });

  it('names two edges that cross, the closing edge included', () => {
    expect(
      polygonProblem([
        [0.2, 0.2],
        [0.8, 0.8],
        [0.8, 0.2],
        [0.2, 0.8],
      ]),
    ).toContain('the edge from point 0 to 1 crosses the edge from point 2 to 3');
    // The last point out past the right side: the edges to and from it cross that side.
    expect(
      polygonProblem([
        [0.2, 0.2],
        [0.8, 0.2],
        [0.8, 0.8],
        [0.2, 0.8],
        [0.9, 0.5],
      ]),
    ).toContain('the edge from point 1 to 2 crosses the edge from point 3 to 4');
    // A bow tie whose crossing edges are the second and the closing one.
    expect(
      polygonProblem([
        [0.2, 0.2],
        [0.2, 0.8],
        [0.8, 0.2],
        [0.8, 0.8],
      ]),
    ).toContain('the edge from point 1 to 2 crosses the edge from point 3 to 0');
  });

  it('refuses points on one line', () => {
    expect(
      polygonProblem([
        [0.1, 0.1],
        [0.5, 0.5],
        [0.9, 0.9],
      ]),
    ).toBe('the points enclose no area (they lie on one line)');
  });
});
