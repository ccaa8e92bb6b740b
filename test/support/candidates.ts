import { TRAFFIC_CLASSES, type TrafficClass } from '../../src/domain/traffic.js';
import { Candidates } from '../../src/vision/candidates.js';
import { CLS } from '../../src/vision/class-map.js';
import { nms } from '../../src/vision/nms.js';

/** class, score, x1, y1, x2, y2 */
export type Box = [TrafficClass, number, number, number, number, number];

/** Candidates holding `boxes` (room for 64). */
export function candidates(boxes: Box[]): Candidates {
  const c = new Candidates(64);
  for (const [cls, score, x1, y1, x2, y2] of boxes) c.push(CLS[cls], score, x1, y1, x2, y2);
  return c;
}

/** The kept candidates `order[0..k)` as [class, score, x1, y1, x2, y2] rows. */
export function kept(c: Candidates, order: Int32Array, k: number) {
  return Array.from(order.subarray(0, k), (i) => [
    TRAFFIC_CLASSES[c.cls[i]!],
    c.score[i],
    c.x1[i],
    c.y1[i],
    c.x2[i],
    c.y2[i],
  ]);
}

/** Class-aware NMS over all of `c`: the kept order and count. */
export function runNms(c: Candidates, thr = 0.45) {
  const order = new Int32Array(64);
  const k = nms(c, thr, order, new Uint8Array(64));
  return { order, k };
}
