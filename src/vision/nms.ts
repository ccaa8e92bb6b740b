import type { Candidates } from './candidates.js';

/**
 * Class-aware non-maximum suppression. Writes the indices of the kept candidates, best score first, into
 * `order[0..k)` and returns k. `order` and `suppressed` are caller-owned scratch of at least `c.count`.
 */
export function nms(c: Candidates, iouThreshold: number, order: Int32Array, suppressed: Uint8Array): number {
  const n = c.count;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    suppressed[i] = 0;
  }
  const { x1, y1, x2, y2, score, cls } = c;
  order.subarray(0, n).sort((a, b) => score[b]! - score[a]!);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const a = order[i]!;
    if (suppressed[a]) continue;
    order[kept++] = a;
    const ax1 = x1[a]!;
    const ay1 = y1[a]!;
    const ax2 = x2[a]!;
    const ay2 = y2[a]!;
    const areaA = (ax2 - ax1) * (ay2 - ay1);
    const ca = cls[a];
    for (let j = i + 1; j < n; j++) {
      const b = order[j]!;
      if (suppressed[b] || cls[b] !== ca) continue;
      const iw = Math.min(ax2, x2[b]!) - Math.max(ax1, x1[b]!);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, y2[b]!) - Math.max(ay1, y1[b]!);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const union = areaA + (x2[b]! - x1[b]!) * (y2[b]! - y1[b]!) - inter;
      if (inter > iouThreshold * union) suppressed[b] = 1;
    }
  }
  return kept;
}

/** Intersection over union of two boxes [x1, y1, x2, y2]. */
export function iou(
  ax1: number,
  ay1: number,
  ax2: number,
  ay2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
): number {
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
}

/**
 * After class-aware NMS, the same vehicle often survives twice under neighbouring classes (car 0.48 and truck
 * 0.34 on one box). Among kept indices `keep[0..k)` (best first), drops a box that overlaps a better box of
 * the same `group` at IoU ≥ `iouThreshold`; `group[cls]` 0 means the class is never merged. Returns new k.
 */
export function suppressAcrossClasses(
  c: Candidates,
  keep: Int32Array,
  k: number,
  group: Uint8Array,
  iouThreshold: number,
): number {
  const { x1, y1, x2, y2, cls } = c;
  let out = 0;
  for (let i = 0; i < k; i++) {
    const b = keep[i]!;
    const g = group[cls[b]!]!;
    let dup = false;
    if (g !== 0) {
      for (let j = 0; j < out; j++) {
        const a = keep[j]!;
        if (cls[a] === cls[b] || group[cls[a]!] !== g) continue;
        if (iou(x1[a]!, y1[a]!, x2[a]!, y2[a]!, x1[b]!, y1[b]!, x2[b]!, y2[b]!) >= iouThreshold) {
          dup = true;
          break;
        }
      }
    }
    if (!dup) keep[out++] = b;
  }
  return out;
}

/**
 * Part and group boxes: small detectors often give one object a second box around part of it (the rider
 * and the front of a motorcycle, the cab of a lorry) and a line of motorcycles nose to tail one box
 * around all of them, at IoUs NMS cannot tell from two real neighbours. Among kept indices `keep[0..k)`
 * (best first), drops a box that lies `containment` or more inside a better box of the same `group` (or is
 * a car-group box inside a better two-wheeler box: a head-on motorcycle called a car), and a box that holds
 * two or more better boxes of its group that much. `twoWheeler` is the motorcycle/bicycle group. Returns
 * the new k.
 */
export function suppressNested(
  c: Candidates,
  keep: Int32Array,
  k: number,
  group: Uint8Array,
  vehicleGroup: number,
  twoWheelerGroup: number,
  containment: number,
): number {
  const { x1, y1, x2, y2, cls } = c;
  let out = 0;
  for (let i = 0; i < k; i++) {
    const b = keep[i]!;
    const gb = group[cls[b]!]!;
    let drop = false;
    if (gb !== 0) {
      const areaB = (x2[b]! - x1[b]!) * (y2[b]! - y1[b]!);
      let inside = 0;
      for (let j = 0; j < out && !drop; j++) {
        const a = keep[j]!;
        const ga = group[cls[a]!]!;
        if (ga !== gb && !(gb === vehicleGroup && ga === twoWheelerGroup)) continue;
        const iw = Math.min(x2[a]!, x2[b]!) - Math.max(x1[a]!, x1[b]!);
        if (iw <= 0) continue;
        const ih = Math.min(y2[a]!, y2[b]!) - Math.max(y1[a]!, y1[b]!);
        if (ih <= 0) continue;
        const inter = iw * ih;
        if (inter >= containment * areaB) drop = true;
        else if (ga === gb && inter >= containment * (x2[a]! - x1[a]!) * (y2[a]! - y1[a]!)) inside++;
      }
      if (inside >= 2) drop = true;
    }
    if (!drop) keep[out++] = b;
  }
  return out;
}
