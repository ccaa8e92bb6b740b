import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Frame, FrameGeometry, FrameTile } from '../../src/camera/frame.js';
import { readClipFrames } from '../../src/camera/read-clip-frames.js';
import { requireBinary } from '../support/process.js';

requireBinary('ffmpeg', 'ffmpeg');
const CLIP = pathToFileURL(resolve('media/nl_motorway_overpass.mp4')).href; // 1280x720

/** Grey mean of a 5x5 block around frame pixel (x, y). */
function grey(f: Frame, x: number, y: number): number {
  let s = 0;
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      const o = ((Math.round(y) + dy) * f.geometry.width + Math.round(x) + dx) * 3;
      s += f.data[o]! + 2 * f.data[o + 1]! + f.data[o + 2]!;
    }
  }
  return s / 100;
}

/** Frame pixel of camera pixel (cx, cy) in `tile` (rows of the stacked frame). */
function at(g: FrameGeometry, tile: FrameTile, cx: number, cy: number): [number, number] {
  const row0 = tile.byteOffset / (g.width * 3);
  return [(cx - tile.cropX) * tile.scale, row0 + (cy - tile.cropY) * tile.scale];
}

describe('FrameReader with detection tiles', () => {
  it('stacks letterboxed crops whose pixels match the geometry mapping back to the camera image', async () => {
    const tiles = [
      [0, 0, 1, 1],
      [0.5, 0.4, 0.9, 1],
    ] as const;
    let checked = 0;
    for await (const f of readClipFrames({
      cameraId: 'c',
      url: CLIP,
      width: 416,
      height: 416,
      fps: 2,
      tiles,
    })) {
      const g = f.geometry;
      expect(f.data.length).toBe(416 * 832 * 3);
      expect(g.height).toBe(832);
      const [t0, t1] = g.tiles!;
      expect(t1).toMatchObject({ cropX: 640, cropY: 288, cropWidth: 512, cropHeight: 432 });
      // Sample camera points inside tile 1: the whole-image tile and the zoomed tile must agree there,
      // and a mapping off by 40 camera pixels must not.
      let diff = 0;
      let shifted = 0;
      let n = 0;
      for (let cx = 680; cx < 1120; cx += 40) {
        for (let cy = 320; cy < 700; cy += 40) {
          const a = grey(f, ...at(g, t0!, cx, cy));
          diff += Math.abs(grey(f, ...at(g, t1!, cx, cy)) - a);
          shifted += Math.abs(grey(f, ...at(g, t1!, cx + 40, cy - 40)) - a);
          n++;
        }
      }
      expect(diff / n).toBeLessThan(8);
      expect(shifted / n).toBeGreaterThan(diff / n + 4);
      if (++checked === 3) break;
    }
    expect(checked).toBe(3);
  }, 30_000);
});
