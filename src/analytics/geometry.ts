/** Plane geometry in image fractions (x right, y down). */

/**
 * Which side of the directed line a->b the point p is on: > 0 right of a->b as seen on screen (y down),
 * < 0 left, 0 on the line. For a = (0, 0.5), b = (1, 0.5) a point below the line is on the right.
 */
export function sideOf(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/** True when segment p->q crosses segment a->b (touching an end of a->b counts). */
export function segmentsCross(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  px: number,
  py: number,
  qx: number,
  qy: number,
): boolean {
  const s1 = sideOf(ax, ay, bx, by, px, py);
  const s2 = sideOf(ax, ay, bx, by, qx, qy);
  if ((s1 > 0 && s2 > 0) || (s1 < 0 && s2 < 0)) return false;
  const s3 = sideOf(px, py, qx, qy, ax, ay);
  const s4 = sideOf(px, py, qx, qy, bx, by);
  if ((s3 > 0 && s4 > 0) || (s3 < 0 && s4 < 0)) return false;
  return true;
}

/**
 * Distance from point p to the nearest edge of a polygon, with x scaled by `aspect` (image width / height,
 * so the distance is in units of the image height).
 */
export function distanceToEdges(
  px: number,
  py: number,
  poly: readonly (readonly [number, number])[],
  aspect: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const ax = poly[j]![0] * aspect;
    const ay = poly[j]![1];
    const bx = poly[i]![0] * aspect;
    const by = poly[i]![1];
    const x = px * aspect;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (py - ay) * dy) / len2)) : 0;
    const d = Math.hypot(x - (ax + t * dx), py - (ay + t * dy));
    if (d < best) best = d;
  }
  return best;
}

/** Area of the intersection of two boxes (x1, y1, x2, y2), 0 when they do not overlap. */
export function intersectionArea(
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
  if (iw <= 0) return 0;
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  return ih > 0 ? iw * ih : 0;
}
