/** Box overlap and greedy assignment for the tracker; buffers are reused across frames. */

import { iou } from '../vision/nms.js';

/**
 * IoU of two boxes after growing each by `buffer` times its own size on every side (buffered IoU,
 * C-BIoU): objects that moved further than their size between two detector runs still overlap.
 */
export function bufferedIou(
  ax1: number,
  ay1: number,
  ax2: number,
  ay2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
  buffer: number,
): number {
  if (buffer > 0) {
    const aw = (ax2 - ax1) * buffer;
    const ah = (ay2 - ay1) * buffer;
    const bw = (bx2 - bx1) * buffer;
    const bh = (by2 - by1) * buffer;
    ax1 -= aw;
    ax2 += aw;
    ay1 -= ah;
    ay2 += ah;
    bx1 -= bw;
    bx2 += bw;
    by1 -= bh;
    by2 += bh;
  }
  return iou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2);
}

/**
 * Greedy maximum-similarity assignment over a rows x cols matrix (row-major in `sim`): takes pairs at or
 * above `threshold` from the best down, skipping rows and columns already taken. Writes the matched
 * column of each row into `rowMatch` (-1 when unmatched) and returns the number of pairs. For the tens of
 * objects in a camera view this is as good as the Hungarian method in practice. Candidate pairs are
 * packed into one float each (quantised similarity, row, column) and sorted in `keys`, a reused buffer of
 * at least rows * cols entries: no allocation.
 */
export function greedyAssign(
  sim: Float64Array,
  rows: number,
  cols: number,
  threshold: number,
  rowMatch: Int32Array,
  colTaken: Uint8Array,
  keys: Float64Array,
): number {
  rowMatch.fill(-1, 0, rows);
  colTaken.fill(0, 0, cols);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = sim[base + j]!;
      // (1 - v) quantised to 1e-6 in the high part, row and column (< 65536 each) in the low 32 bits:
      // ascending keys = descending similarity, ties broken by row then column (deterministic).
      if (v >= threshold) keys[n++] = Math.round((1 - v) * 1e6) * 4294967296 + i * 65536 + j;
    }
  }
  if (n === 0) return 0;
  const view = keys.subarray(0, n);
  view.sort();
  let pairs = 0;
  const maxPairs = Math.min(rows, cols);
  for (let k = 0; k < n && pairs < maxPairs; k++) {
    const low = view[k]! % 4294967296;
    const i = Math.floor(low / 65536);
    const j = low % 65536;
    if (rowMatch[i] !== -1 || colTaken[j]) continue;
    rowMatch[i] = j;
    colTaken[j] = 1;
    pairs++;
  }
  return pairs;
}

/**
 * How much a detection box (x1, y1, x2, y2) overlaps, along the motion, a box predicted at (cx, cy) with
 * size w x h moving at (vx, vy): the detection's leading edge minus the predicted box's trailing edge, in
 * lengths of the predicted box along its motion (negative: wholly behind it, with a gap). +Infinity when
 * the box moves less than `minLengthsPerS` of its length a second (standing, queueing).
 */
export function overlapAlongMotion(
  cx: number,
  cy: number,
  w: number,
  h: number,
  vx: number,
  vy: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  minLengthsPerS: number,
): number {
  const speed = Math.sqrt(vx * vx + vy * vy);
  if (speed === 0) return Number.POSITIVE_INFINITY;
  const ux = Math.abs(vx / speed);
  const uy = Math.abs(vy / speed);
  const length = ux * w + uy * h;
  if (length <= 0 || speed < minLengthsPerS * length) return Number.POSITIVE_INFINITY;
  const dw = x2 - x1;
  const dh = y2 - y1;
  const step = ((x1 + dw / 2 - cx) * vx + (y1 + dh / 2 - cy) * vy) / speed;
  return (step + (ux * dw + uy * dh) / 2 + length / 2) / length;
}
