import type { Frame } from '../../src/camera/frame.js';

/** A synthetic 160x90 BGR frame filled by `pixel(x, y) -> grey level`. */
export function greyFrame(pixel: (x: number, y: number) => number, ptsMs = 0, w = 160, h = 90): Frame {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.max(0, Math.min(255, Math.round(pixel(x, y))));
      const o = (y * w + x) * 3;
      data[o] = v;
      data[o + 1] = v;
      data[o + 2] = v;
    }
  }
  return {
    cameraId: 'cam',
    seq: 0,
    ptsMs,
    wallMs: ptsMs,
    geometry: { srcWidth: w, srcHeight: h, width: w, height: h, scale: 1, contentWidth: w, contentHeight: h },
    data,
  };
}

/** A textured scene (blocks and gradients), shifted by dx pixels. */
export function scene(dx = 0): (x: number, y: number) => number {
  return (x, y) => {
    const u = x + dx;
    return 60 + 80 * (((Math.floor(u / 16) + Math.floor(y / 12)) % 2) as number) + (u * 0.3 + y * 0.5);
  };
}
