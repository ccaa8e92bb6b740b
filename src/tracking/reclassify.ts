import type { TrafficClass } from '../domain/traffic.js';
import type { Detection } from '../vision/detection.js';

/** Below this width/height (pixels), a "car" box is far too narrow for a car in any road view. */
const NARROW = 0.75;
/** Below this, a "car" box with a rider on top is a motorcycle. */
const RIDDEN = 0.85;

/**
 * Small COCO detectors often call a motorcycle seen head-on with its rider a "car" (plus a "person" for
 * the rider). Corrects the class into `cls[i]`: a "car" box much narrower than a car, or narrow-ish with a
 * rider-sized person over its top, is a motorcycle. `aspect` is the camera image's width / height.
 */
export function correctClasses(dets: readonly Detection[], aspect: number, cls: TrafficClass[]): void {
  const n = dets.length;
  cls.length = n;
  for (let i = 0; i < n; i++) cls[i] = dets[i]!.cls;
  for (let i = 0; i < n; i++) {
    const d = dets[i]!;
    if (d.cls !== 'car') continue;
    // Boxes cut by the frame edge have no meaningful shape.
    if (d.x1 <= 0.005 || d.x2 >= 0.995 || d.y2 >= 0.995) continue;
    const w = d.x2 - d.x1;
    const h = d.y2 - d.y1;
    if (h <= 0) continue;
    const ar = (w * aspect) / h;
    if (ar < NARROW) {
      cls[i] = 'motorcycle';
      continue;
    }
    if (ar >= RIDDEN) continue;
    for (let j = 0; j < n; j++) {
      const p = dets[j]!;
      if (p.cls !== 'person') continue;
      const pw = p.x2 - p.x1;
      const pcx = (p.x1 + p.x2) / 2;
      if (pw < 0.6 * w) continue;
      if (pcx < d.x1 + 0.2 * w || pcx > d.x2 - 0.2 * w) continue;
      if (p.y1 > d.y1 + 0.3 * h) continue;
      const iw = Math.min(p.x2, d.x2) - Math.max(p.x1, d.x1);
      const ih = Math.min(p.y2, d.y2) - Math.max(p.y1, d.y1);
      if (iw <= 0 || ih <= 0) continue;
      if ((iw * ih) / (pw * (p.y2 - p.y1)) >= 0.5) {
        cls[i] = 'motorcycle';
        break;
      }
    }
  }
}
