import { describe, expect, it } from 'vitest';
import {
  layoutFilters,
  layoutGeometry,
  layoutSize,
  letterboxFilters,
  letterboxGeometry,
  type TileSpec,
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
    // The whole image needs no crop.
    expect(graph).toMatch(
      /^split=2\[t0\]\[t1\];\[t0\]scale=.*\[p0\];\[t1\]crop=.*\[p1\];\[p0\]\[p1\]vstack=inputs=2$/,
    );
    expect(graph).toContain('x=2*trunc(iw*0.25/2)');
  });

  it('validates tiles with clear errors', () => {
    const parse = (tiles: unknown) =>
      cameraSchema.safeParse({ id: 'c', url: 'rtsp://h/s', detect: { tiles } });
    expect(parse([[0, 0, 1, 1]]).success).toBe(true);
    // Absent: the gateway chooses the regions (vision/detect-plan.ts) within the budget.
    const auto = cameraSchema.parse({ id: 'c', url: 'rtsp://h/s' }).detect;
    expect(auto.tiles).toBeUndefined();
    expect(auto.budget).toBe(4);
    expect(JSON.stringify(parse([[0.5, 0, 0.4, 1]]).error?.issues)).toContain('x2 > x1');
    expect(JSON.stringify(parse([[0, 0.6, 1, 0.2]]).error?.issues)).toContain('y2 > y1');
    expect(JSON.stringify(parse([[0, 0, 1.2, 1]]).error?.issues)).toContain('between 0 and 1');
    expect(parse([]).success).toBe(false);
  });

  it('lays out tiles of different sizes: the frame is as wide as the widest, each tile at the left of its rows', () => {
    const specs: TileSpec[] = [
      { rect: [0, 0, 1, 1], width: 416, height: 256, infer: true },
      { rect: [0, 0.5, 1, 0.9], width: 832, height: 192, infer: true },
    ];
    expect(layoutSize(specs)).toEqual({ width: 832, height: 448 });
    const g = layoutGeometry(1280, 720, specs);
    expect([g.width, g.height, g.contentWidth, g.contentHeight]).toEqual([832, 448, 416, 234]);
    const band = g.tiles![1]!;
    expect(band.byteOffset).toBe(256 * 832 * 3);
    expect([band.width, band.tileHeight, band.cropY, band.cropHeight]).toEqual([832, 192, 360, 288]);
    // 1280 x 288 into 832 x 192: by width, 0.65 model px per camera px, 187 rows of picture.
    expect(band.scale).toBeCloseTo(0.65, 6);
    expect(band.contentHeight).toBe(187);
    const [graph] = layoutFilters(specs, 10);
    // The narrower whole picture is padded to the frame width before the stack.
    expect(graph).toContain('[t0]scale=416:256:force_original_aspect_ratio=decrease');
    expect(graph).toMatch(/pad=416:256:0:0:color=0x727272,pad=832:256:0:0:color=0x727272\[p0\]/);
    expect(graph).toContain('scale=832:192:force_original_aspect_ratio=decrease');
    expect(graph!.startsWith('fps=10,split=2')).toBe(true);
  });

  it('keeps a tile that is not inferred (the whole picture for snapshots) out of the plain path', () => {
    const specs: TileSpec[] = [
      { rect: [0, 0, 1, 1], width: 416, height: 256, infer: false },
      { rect: [0, 0.3, 1, 0.7], width: 768, height: 160, infer: true },
    ];
    const g = layoutGeometry(1280, 720, specs);
    expect(g.tiles!.map((t) => t.infer)).toEqual([false, true]);
    expect(g.fullView).toBe(true);
    // One inferred whole-image tile is the plain frame.
    expect(layoutGeometry(1280, 720, [{ rect: [0, 0, 1, 1], width: 416, height: 256, infer: true }])).toEqual(
      letterboxGeometry(1280, 720, 416, 256),
    );
  });
});
