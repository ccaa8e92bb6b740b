import type { Frame } from '../camera/frame.js';

/** Size of the tiny grey image the tamper check works on. */
export const STATS_W = 48;
export const STATS_H = 27;

/**
 * Per-frame statistics for tamper detection, computed on a tiny grey copy of the frame's content area
 * (nearest-neighbour sampling of BGR24: about 1300 pixels, no allocation).
 */
export class FrameStats {
  /** Mean grey level (0..255). */
  mean = 0;
  /** Standard deviation of the grey level. */
  std = 0;
  /** Mean absolute horizontal + vertical gradient of the tiny image: falls when the view blurs. */
  sharpness = 0;
  /** The tiny grey image, row-major. */
  readonly grey = new Float32Array(STATS_W * STATS_H);

  compute(frame: Frame): void {
    const g = frame.geometry;
    const cw = Math.max(1, Math.min(g.contentWidth, g.width));
    const ch = Math.max(1, Math.min(g.contentHeight, g.height));
    const stride = g.width * 3;
    const data = frame.data;
    let sum = 0;
    let sum2 = 0;
    for (let y = 0; y < STATS_H; y++) {
      const sy = Math.min(ch - 1, Math.floor(((y + 0.5) * ch) / STATS_H));
      for (let x = 0; x < STATS_W; x++) {
        const sx = Math.min(cw - 1, Math.floor(((x + 0.5) * cw) / STATS_W));
        const o = sy * stride + sx * 3;
        // BGR -> luma (BT.601).
        const v = 0.114 * data[o]! + 0.587 * data[o + 1]! + 0.299 * data[o + 2]!;
        this.grey[y * STATS_W + x] = v;
        sum += v;
        sum2 += v * v;
      }
    }
    const n = STATS_W * STATS_H;
    this.mean = sum / n;
    this.std = Math.sqrt(Math.max(0, sum2 / n - this.mean * this.mean));
    let grad = 0;
    for (let y = 0; y < STATS_H - 1; y++) {
      for (let x = 0; x < STATS_W - 1; x++) {
        const i = y * STATS_W + x;
        grad +=
          Math.abs(this.grey[i + 1]! - this.grey[i]!) + Math.abs(this.grey[i + STATS_W]! - this.grey[i]!);
      }
    }
    this.sharpness = grad / ((STATS_W - 1) * (STATS_H - 1));
  }
}
