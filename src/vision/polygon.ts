/** A polygon as [x, y] points (camera fractions for ignore areas and zones). */
export type Polygon = readonly (readonly [number, number])[];

/**
 * Even-odd point-in-polygon test; polygon points are [x, y] pairs in the same units as the point. Reads the
 * pairs by index: destructuring them costs about ten times as much per call in Node 20.
 */
export function pointInPolygon(x: number, y: number, poly: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const pi = poly[i]!;
    const pj = poly[j]!;
    const xi = pi[0];
    const yi = pi[1];
    const xj = pj[0];
    const yj = pj[1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when the point lies in any of `polys` (a plain loop: called per detection, no closure per call). */
export function inAnyPolygon(x: number, y: number, polys: readonly Polygon[]): boolean {
  for (let i = 0; i < polys.length; i++) if (pointInPolygon(x, y, polys[i]!)) return true;
  return false;
}
