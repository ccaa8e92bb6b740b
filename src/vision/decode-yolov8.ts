import type { Candidates } from './candidates.js';
import { NOT_TRAFFIC } from './class-map.js';

/**
 * Decodes a YOLOv8 output [1, 4 + C, N] (channel-major: centre x, centre y, width, height in input pixels,
 * then C class scores, no objectness) into candidates in input pixels. Score = best class score; kept when
 * that class maps to a traffic class and reaches its threshold.
 */
export function decodeYolov8(
  out: Float32Array,
  anchors: number,
  classMap: Uint8Array,
  thresholds: Float32Array,
  into: Candidates,
): void {
  const nc = classMap.length;
  if (out.length !== anchors * (4 + nc)) {
    throw new Error(`YOLOv8 output has ${out.length} values, expected ${4 + nc} x ${anchors}`);
  }
  let minThr = 1;
  for (let i = 0; i < thresholds.length; i++) if (thresholds[i]! < minThr) minThr = thresholds[i]!;
  into.clear();
  const base = 4 * anchors;
  for (let a = 0; a < anchors; a++) {
    let best = 0;
    let bestScore = out[base + a]!;
    for (let c = 1, o = base + anchors + a; c < nc; c++, o += anchors) {
      const s = out[o]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (bestScore < minThr) continue;
    const cls = classMap[best]!;
    if (cls === NOT_TRAFFIC || bestScore < thresholds[cls]!) continue;
    const cx = out[a]!;
    const cy = out[anchors + a]!;
    const hw = out[2 * anchors + a]! * 0.5;
    const hh = out[3 * anchors + a]! * 0.5;
    into.push(cls, bestScore, cx - hw, cy - hh, cx + hw, cy + hh);
  }
}
