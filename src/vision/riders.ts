import type { Candidates } from './candidates.js';
import { CLS } from './class-map.js';

const PERSON = CLS.person;
const MOTORCYCLE = CLS.motorcycle;
const BICYCLE = CLS.bicycle;

/** A rider's box overlaps their two-wheeler's by at least this share of the smaller of the two boxes. */
const MIN_OVERLAP = 0.35;
/** A rider's feet are at most this share of the two-wheeler's height below its wheels. */
const FEET_BELOW_WHEELS = 0.15;

/**
 * Whether the person in box p rides the motorcycle or bicycle in box b (any units, y down): their boxes
 * overlap by at least MIN_OVERLAP of the smaller box, the person's centre is within the wheels' horizontal
 * span, and their feet are not below the wheels (a pedestrian in front of a bike, nearer the camera,
 * stands lower). A seated rider's box typically overlaps the bike by 40-50 % of its own area. Returns that
 * overlap share for a rider (to pick the best of several bikes), 0 otherwise. The one rider rule: the
 * detector folds riders into their bike with it, the tracker marks the riders left over with it.
 */
export function riderOverlap(
  px1: number,
  py1: number,
  px2: number,
  py2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
): number {
  const pcx = (px1 + px2) * 0.5;
  if (pcx < bx1 || pcx > bx2) return 0;
  if (py2 > by2 + FEET_BELOW_WHEELS * (by2 - by1)) return 0;
  const iw = Math.min(px2, bx2) - Math.max(px1, bx1);
  const ih = Math.min(py2, by2) - Math.max(py1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const overlap = (iw * ih) / Math.min((px2 - px1) * (py2 - py1), (bx2 - bx1) * (by2 - by1));
  return overlap >= MIN_OVERLAP ? overlap : 0;
}

/**
 * Folds riders (riderOverlap) into their two-wheeler: the two-wheeler grows to the union of both boxes and
 * the person is dropped. A person over several bikes rides the one it overlaps most. Several riders (common
 * on motorcycles) all fold into the same vehicle. Works on kept indices `keep[0..k)` in place and returns
 * the new count, preserving order.
 */
export function mergeRiders(c: Candidates, keep: Int32Array, k: number): number {
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
    let bestBike = -1;
    let bestOverlap = 0;
    for (let j = 0; j < k; j++) {
      const b = keep[j]!;
      if (cls[b] !== MOTORCYCLE && cls[b] !== BICYCLE) continue;
      const overlap = riderOverlap(px1, py1, px2, py2, x1[b]!, y1[b]!, x2[b]!, y2[b]!);
      if (overlap > 0 && overlap >= bestOverlap) {
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

/** A two-wheeler box this much inside a better one ... */
const TWIN_NESTED = 0.85;
/** ... whose bottom lies within this many of its heights of the better one's is a second box on it. */
const TWIN_BOTTOM_GAP = 0.5;

/**
 * After mergeRiders grew two-wheelers to take in their riders: drops a two-wheeler box that lies
 * TWIN_NESTED inside a better two-wheeler box and ends where that one ends (wheels on the same ground,
 * within TWIN_BOTTOM_GAP of its height): the detector's second, smaller box on the same motorcycle, now
 * inside the grown one (in a column of riders, three boxes on one rider were tracked and counted apart).
 * The motorcycle behind, higher in the picture with its wheels above, is kept. Works on kept indices
 * `keep[0..k)` in place, preserving order; returns the new count.
 */
export function suppressTwinBikes(c: Candidates, keep: Int32Array, k: number): number {
  const { x1, y1, x2, y2, cls } = c;
  let out = 0;
  for (let i = 0; i < k; i++) {
    const b = keep[i]!;
    let drop = false;
    if (cls[b] === MOTORCYCLE || cls[b] === BICYCLE) {
      const hb = y2[b]! - y1[b]!;
      const areaB = (x2[b]! - x1[b]!) * hb;
      for (let j = 0; j < out && !drop; j++) {
        const a = keep[j]!;
        if (cls[a] !== MOTORCYCLE && cls[a] !== BICYCLE) continue;
        if (Math.abs(y2[a]! - y2[b]!) > TWIN_BOTTOM_GAP * hb) continue;
        const iw = Math.min(x2[a]!, x2[b]!) - Math.max(x1[a]!, x1[b]!);
        if (iw <= 0) continue;
        const ih = Math.min(y2[a]!, y2[b]!) - Math.max(y1[a]!, y1[b]!);
        if (ih <= 0) continue;
        drop = iw * ih >= TWIN_NESTED * areaB;
      }
    }
    if (!drop) keep[out++] = b;
  }
  return out;
}
