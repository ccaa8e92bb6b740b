import type { TrafficClass } from '../domain/traffic.js';
import type { Detection } from '../vision/detection.js';

/**
 * Marks person detections that are riders of a detected motorcycle or bicycle: the person's box sits
 * over the two-wheeler (horizontally centred on it, its lower half overlapping it). A rider is part of
 * the vehicle, never a pedestrian. `cls` holds the (corrected) class of each detection. Writes 1 into `rider[i]` for such detections, 0 otherwise.
 */
export function markRiders(
  dets: readonly Detection[],
  cls: readonly TrafficClass[],
  rider: Uint8Array,
): void {
  const n = dets.length;
  rider.fill(0, 0, n);
  for (let i = 0; i < n; i++) {
    const p = dets[i]!;
    if (cls[i] !== 'person') continue;
    const pcx = (p.x1 + p.x2) / 2;
    const ph = p.y2 - p.y1;
    const pArea = (p.x2 - p.x1) * ph;
    if (pArea <= 0) continue;
    for (let j = 0; j < n; j++) {
      const b = dets[j]!;
      if (cls[j] !== 'motorcycle' && cls[j] !== 'bicycle') continue;
      const bw = b.x2 - b.x1;
      // Person centred over the bike (within its width, with some slack for leaning riders).
      if (pcx < b.x1 - 0.15 * bw || pcx > b.x2 + 0.15 * bw) continue;
      // Feet/hips at or inside the bike box, head above or inside it.
      if (p.y2 < b.y1 + 0.1 * (b.y2 - b.y1) || p.y1 > b.y2 - 0.1 * (b.y2 - b.y1)) continue;
      const iw = Math.min(p.x2, b.x2) - Math.max(p.x1, b.x1);
      const ih = Math.min(p.y2, b.y2) - Math.max(p.y1, b.y1);
      if (iw <= 0 || ih <= 0) continue;
      if ((iw * ih) / pArea >= 0.2) {
        rider[i] = 1;
        break;
      }
    }
  }
}
