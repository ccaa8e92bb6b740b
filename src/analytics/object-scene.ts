// Where an object on the road is in the picture: the static blobs of one scene (a fallen cyclist's body
// and bike come out as several) taken as one object, for the road obstacle rule's object incidents.

/** A box in fractions of the picture. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * A static blob within SAME_SCENE times the longest side of it or of an open object incident's box (the gap
 * between them, in pixels) belongs to that incident: a fallen cyclist's bicycle and body come out as two
 * blobs a body's length apart, one fall.
 */
const SAME_SCENE = 2;

/**
 * The object whose blob `b` raised an incident, as far as the picture shows it at that moment: the static
 * region `b` lies in, its cells static for any time (`parts`: the blobs of all static cells). The blob that
 * was still long enough first can be a fallen cyclist's legs, the body and bike joined to them still
 * settling in the model; the evidence marks it all. Only what touches `b`: a scene's reach (sameScene)
 * would take in the next object along the road, with an incident of its own.
 */
export function wholeObject(b: Box, parts: readonly Box[]): Box {
  const o = { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
  for (const p of parts) {
    if (!overlaps(b, p)) continue;
    o.x1 = Math.min(o.x1, p.x1);
    o.y1 = Math.min(o.y1, p.y1);
    o.x2 = Math.max(o.x2, p.x2);
    o.y2 = Math.max(o.y2, p.y2);
  }
  return o;
}

/** Whether blob `b` is part of the scene of object box `a` (SAME_SCENE); `aspect`: width / height. */
export function sameScene(a: Box, b: Box, aspect: number): boolean {
  const side = Math.max((a.x2 - a.x1) * aspect, a.y2 - a.y1, (b.x2 - b.x1) * aspect, b.y2 - b.y1);
  const gx = Math.max(0, Math.max(a.x1, b.x1) - Math.min(a.x2, b.x2)) * aspect;
  const gy = Math.max(0, Math.max(a.y1, b.y1) - Math.min(a.y2, b.y2));
  return Math.hypot(gx, gy) <= SAME_SCENE * side;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}
