import { describe, expect, it } from 'vitest';
import {
  letterboxFilters,
  letterboxGeometry,
  tileCrop,
  tiledFilters,
  tiledGeometry,
} from '../../src/camera/letterbox.js';
import { cameraSchema } from '../../src/config/schema.js';

describe('detection tile geometry', () => {
  it('one whole-image tile is exactly the plain letterbox (no tiles field)', () => {
    expect(tiledGeometry(1024, 576, 416, 416, [[0, 0, 1, 1]])).toEqual(
      letterboxGeometry(1024, 576, 416, 416),
    );
    expect(tiledGeometry(1024, 576, 416, 416, undefined).tiles).toBeUndefined();
    expect(tiledFilters(416, 416, [[0, 0, 1, 1]], 5)).toEqual(letterboxFilters(416, 416, 5));
  });

  it('crops to even camera pixels inside the image', () => {
    expect(tileCrop(1024, 576, [0.25, 0.3, 0.65, 1])).toEqual({ x: 256, y: 172, width: 408, height: 402 });
    // 1023 * 0.5 = 511.5 → 510; width 1023 * 0.5 → 510; ends at 1020 ≤ 1023.
    expect(tileCrop(1023, 575, [0.5, 0.5, 1, 1])).toEqual({ x: 510, y: 286, width: 510, height: 286 });
  });

  it('stacks N tiles, each letterboxed, with byte offsets and scales per tile', () => {
    const g = tiledGeometry(1024, 576, 416, 416, [
      [0, 0, 1, 1],
      [0.25, 0.3, 0.65, 1],
    ]);
    expect(g.height).toBe(832);
    expect(g.fullView).toBe(true);
    expect(g.contentHeight).toBe(234); // tile 0 = the whole image, as a plain frame
    const t1 = g.tiles![1]!;
    expect(t1.byteOffset).toBe(416 * 416 * 3);
    // 408 x 402 crop fits 416 x 416 by height: 402 → 416, 408 → 422 > 416, so by width: 408 → 416.
    expect(t1.contentWidth).toBe(416);
    expect(t1.contentHeight).toBe(Math.round((416 * 402) / 408));
    expect(t1.scale).toBeCloseTo(416 / 408, 6);
    // A tile pixel maps back to camera fractions through crop origin and scale.
    const camX = (t1.cropX + 208 / t1.scale) / 1024;
    expect(camX).toBeCloseTo(0.45, 2);
    const cropped = tiledGeometry(1024, 576, 416, 416, [[0.25, 0.3, 0.65, 1]]);
    expect(cropped.fullView).toBe(false);
    expect(cropped.tiles).toHaveLength(1);
  });

  it('builds one ffmpeg graph: split, crop/scale/pad per tile, vstack', () => {
    const [graph] = tiledFilters(416, 416, [
      [0, 0, 1, 1],
      [0.25, 0.3, 0.65, 1],
    ]);
    expect(graph).toMatch(
      /^split=2\[t0\]\[t1\];\[t0\]crop=.*\[p0\];\[t1\]crop=.*\[p1\];\[p0\]\[p1\]vstack=inputs=2$/,
    );
    expect(graph).toContain('x=2*trunc(iw*0.25/2)');
  });

  it('validates tiles with clear errors', () => {
    const parse = (tiles: unknown) =>
      cameraSchema.safeParse({ id: 'c', url: 'rtsp://h/s', detect: { tiles } });
    expect(parse([[0, 0, 1, 1]]).success).toBe(true);
    expect(cameraSchema.parse({ id: 'c', url: 'rtsp://h/s' }).detect.tiles).toEqual([[0, 0, 1, 1]]);
    expect(JSON.stringify(parse([[0.5, 0, 0.4, 1]]).error?.issues)).toContain('x2 > x1');
    expect(JSON.stringify(parse([[0, 0.6, 1, 0.2]]).error?.issues)).toContain('y2 > y1');
    expect(JSON.stringify(parse([[0, 0, 1.2, 1]]).error?.issues)).toContain('between 0 and 1');
    expect(parse([]).success).toBe(false);
  });
});
