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
