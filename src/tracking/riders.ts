import type { TrafficClass } from '../domain/traffic.js';
import type { Detection } from '../vision/detection.js';
import { riderOverlap } from '../vision/riders.js';

/**
 * Marks person detections that ride a detected motorcycle or bicycle (riderOverlap, the detector's rider
 * rule). The detector has folded most riders into their bikes already; left over are mainly riders of a
 * "car" that the tracker's class correction calls a motorcycle. A rider is part of the vehicle, never a
 * pedestrian. `cls` holds the (corrected) class of each detection. Writes 1 into
 * `rider[i]` for such detections, 0 otherwise.
 */
export function markRiders(
  dets: readonly Detection[],
  cls: readonly TrafficClass[],
  rider: Uint8Array,
): void {
  const n = dets.length;
  rider.fill(0, 0, n);
  for (let i = 0; i < n; i++) {
    if (cls[i] !== 'person') continue;
    const p = dets[i]!;
    for (let j = 0; j < n; j++) {
      if (cls[j] !== 'motorcycle' && cls[j] !== 'bicycle') continue;
      const b = dets[j]!;
      if (riderOverlap(p.x1, p.y1, p.x2, p.y2, b.x1, b.y1, b.x2, b.y2) > 0) {
        rider[i] = 1;
        break;
      }
    }
  }
}
