import type { Candidates } from './candidates.js';
import { CLS } from './class-map.js';

const PERSON = CLS.person;
const MOTORCYCLE = CLS.motorcycle;
const BICYCLE = CLS.bicycle;

/**
 * Folds riders into their two-wheeler: a person box whose overlap with a motorcycle or bicycle box covers at
 * least `minOverlap` of the smaller of the two, with the person's centre within the wheels' horizontal span
 * and their feet not below the wheels (a pedestrian in front of a bike, nearer the camera, stands lower),
 * is the rider. A seated rider's box typically overlaps the bike by 40-50 % of its own area; the two-wheeler grows to the union of both boxes and the person is dropped. Several riders
 * (common on motorcycles) all fold into the same vehicle. Works on kept indices `keep[0..k)` in place and
 * returns the new count, preserving order.
 */
export function mergeRiders(c: Candidates, keep: Int32Array, k: number, minOverlap = 0.35): number {
  const { x1, y1, x2, y2, cls } = c;
  let hasPerson = false;
  let hasBike = false;
  for (let i = 0; i < k; i++) {
    const cl = cls[keep[i]!];
    if (cl === PERSON) hasPerson = true;
    else if (cl === MOTORCYCLE || cl === BICYCLE) hasBike = true;
  }
  if (!hasPerson || !hasBike) return k;

  let out = 0;
  for (let i = 0; i < k; i++) {
    const p = keep[i]!;
    if (cls[p] !== PERSON) {
      keep[out++] = p;
      continue;
    }
    const px1 = x1[p]!;
    const py1 = y1[p]!;
    const px2 = x2[p]!;
    const py2 = y2[p]!;
    const pcx = (px1 + px2) * 0.5;
    const pArea = (px2 - px1) * (py2 - py1);
    let bestBike = -1;
    let bestOverlap = minOverlap;
    for (let j = 0; j < k; j++) {
      const b = keep[j]!;
      if (cls[b] !== MOTORCYCLE && cls[b] !== BICYCLE) continue;
      if (pcx < x1[b]! || pcx > x2[b]!) continue;
      if (py2 > y2[b]! + 0.15 * (y2[b]! - y1[b]!)) continue;
      const iw = Math.min(px2, x2[b]!) - Math.max(px1, x1[b]!);
      const ih = Math.min(py2, y2[b]!) - Math.max(py1, y1[b]!);
      if (iw <= 0 || ih <= 0) continue;
      const bArea = (x2[b]! - x1[b]!) * (y2[b]! - y1[b]!);
      const overlap = (iw * ih) / Math.min(pArea, bArea);
      if (overlap >= bestOverlap) {
        bestOverlap = overlap;
        bestBike = b;
      }
    }
    if (bestBike < 0) {
      keep[out++] = p;
      continue;
    }
    // Grow the vehicle to include its rider. Later riders see the grown box, which only helps them match.
    x1[bestBike] = Math.min(x1[bestBike]!, px1);
    y1[bestBike] = Math.min(y1[bestBike]!, py1);
    x2[bestBike] = Math.max(x2[bestBike]!, px2);
    y2[bestBike] = Math.max(y2[bestBike]!, py2);
  }
  return out;
}
