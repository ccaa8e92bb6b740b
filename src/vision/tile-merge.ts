import type { Candidates } from './candidates.js';

/** A box edge this close (tile pixels) to an inner tile edge is cut by the tile. */
export const TILE_EDGE_PX = 2;
/** Intersection over the smaller box above which a cut box and another tile's box are one object. */
const CUT_OVERLAP = 0.6;
/** IoU above which two vehicle boxes of different groups from different tiles are one object. */
const OTHER_VEHICLE_IOU = 0.6;

/** Per-candidate tile facts the cross-tile merge needs, parallel to a `Candidates` in camera fractions. */
export interface TileTags {
  /** Index of the tile the box came from. */
  tile: Uint8Array;
  /** 1 when the box touches an edge of its tile that is inside the camera image (the object is cut). */
  cut: Uint8Array;
}

/**
 * Class-aware NMS across tiles on candidates in camera fractions (with `group`, classes of one nonzero group
 * count as one: a car in one tile and a truck in the other are the same vehicle). Boxes from the same tile were already
 * NMS'd and never suppress each other. Candidates are visited un-cut first, then by score, so an object cut
 * at one tile's border loses to the same object seen whole in an overlapping tile. Two boxes of one class
 * from different tiles are one object when IoU > `iouThreshold`, or, when either is cut, when their
 * intersection covers `CUT_OVERLAP` of the smaller box; a cut box that absorbs another cut box grows to
 * their union (an object larger than the tile overlap). Writes kept indices into `order[0..k)`, returns k.
 */
export function mergeAcrossTiles(
  c: Candidates,
  tags: TileTags,
  iouThreshold: number,
  order: Int32Array,
  suppressed: Uint8Array,
  group?: Uint8Array,
): number {
  const n = c.count;
  if (n === 0) return 0;
  const { x1, y1, x2, y2, score, cls } = c;
  const { tile, cut } = tags;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    suppressed[i] = 0;
  }
  order.subarray(0, n).sort((a, b) => cut[a]! - cut[b]! || score[b]! - score[a]!);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const a = order[i]!;
    if (suppressed[a]) continue;
    order[kept++] = a;
    const ga = group ? group[cls[a]!]! : 0;
    for (let j = i + 1; j < n; j++) {
      const b = order[j]!;
      if (suppressed[b] || tile[b] === tile[a]) continue;
      const sameClass = cls[b] === cls[a];
      const gb = group ? group[cls[b]!]! : 0;
      // Two classes are one object only when both are in a group (0: never merged) ...
      if (!sameClass && (ga === 0 || gb === 0)) continue;
      // ... and vehicles of different groups (a head-on motorcycle labelled "car" in one tile) only when near-identical.
      const otherVehicle = !sameClass && ga !== gb;
      const iw = Math.min(x2[a]!, x2[b]!) - Math.max(x1[a]!, x1[b]!);
      if (iw <= 0) continue;
      const ih = Math.min(y2[a]!, y2[b]!) - Math.max(y1[a]!, y1[b]!);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const areaA = (x2[a]! - x1[a]!) * (y2[a]! - y1[a]!);
      const areaB = (x2[b]! - x1[b]!) * (y2[b]! - y1[b]!);
      const same = otherVehicle
        ? inter > OTHER_VEHICLE_IOU * (areaA + areaB - inter)
        : inter > iouThreshold * (areaA + areaB - inter) ||
          ((cut[a]! | cut[b]!) === 1 && inter >= CUT_OVERLAP * Math.min(areaA, areaB));
      if (!same) continue;
      suppressed[b] = 1;
      if (cut[a] && cut[b]) {
        x1[a] = Math.min(x1[a]!, x1[b]!);
        y1[a] = Math.min(y1[a]!, y1[b]!);
        x2[a] = Math.max(x2[a]!, x2[b]!);
        y2[a] = Math.max(y2[a]!, y2[b]!);
      }
    }
  }
  return kept;
}
