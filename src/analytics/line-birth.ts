// Counting a track first seen just past a line (a vehicle the detector found only as it crossed):
// back-projecting its motion to the line.
import { SIZE_STEP } from '../tracking/size-step.js';
import { borders, type LineGeometry } from './line-geometry.js';
import type { LineTrackState } from './line-track-state.js';

/**
 * A track first seen past the line, at most this many box extents (the box's size across the line) from
 * it and moving away, crossed it just before the detector saw it (far or small vehicles come out of the
 * detector's noise only near the line, or out of an occlusion): it is counted, back-projected to the line.
 * Further out it may have come from anywhere (a side road, a parking space): not counted.
 */
export const BIRTH_GATE = 1;
/**
 * A track first seen this soon after the line's first observation (ms) is counted only if its motion puts
 * its crossing after that observation: what is in view when a stream starts may have crossed long before,
 * while a road user the detector finds only now, past the line, crossed while the line was watched.
 */
const WARM_UP_MS = 1000;
/** `firstSide` of a track first seen on the line. */
const ON_LINE = Number.MIN_VALUE;
/**
 * A track first seen within this many box extents of the line is on it: past it on whichever side it
 * moves to. A box there jitters across the line and back by a few pixels before it moves on, and the side
 * it was first seen on says nothing of where it came from.
 */
const ON_LINE_NEAR = 0.1;
/** A track first seen past the line is judged once it has moved this many box extents across it. */
const DECIDE_MOVE = 0.2;
/** ... while its edge nearer the line came back at most this many box extents ... */
const NEAR_EDGE_BACK = 0.1;
/** A track first seen past the line is judged within this time after it was first seen (ms), or never. */
const DECIDE_WITHIN_MS = 2000;
/** The back-projected crossing must lie within the segment, up to this fraction of its length beyond. */
const SEGMENT_SLACK = 0.02;
/**
 * Notes a new track's first observation (distance `side` / len from the line, box extent across it
 * `extent`), for a count if it turns out to have crossed just before.
 */
export function noteFirstSighting(
  g: LineGeometry,
  s: LineTrackState,
  side: number,
  extent: number,
  h: number,
  ptsMs: number,
): void {
  if (!(extent > 0)) return;
  s.firstSide = Math.abs(side) / g.len <= ON_LINE_NEAR * extent ? ON_LINE : side;
  s.firstDist = Math.abs(side) / g.len / extent;
  s.firstExtent = extent;
  const c = g.centreDistance(side, h);
  s.firstLo = c - extent / 2;
  s.firstHi = c + extent / 2;
  s.firstPts = ptsMs;
  s.firstD = side / g.len;
  s.firstBorders = g.bordersOf(s.firstX, s.firstY, s.w, h);
}

/**
 * A track first seen past the line (within BIRTH_GATE box extents of it): once its centre has moved
 * DECIDE_MOVE box extents across the line, the direction it crossed in when it moved away as a whole —
 * its edge nearer the line did not come back, and the box did not change size by more than SIZE_STEP (a
 * box that only grows at one end, a rider joining a motorcycle or a vehicle coming out from behind
 * another, does not move) — and the straight path back from its first position meets the segment (for a
 * track first seen in the warm-up after the line's first observation `startPts`: at a time after it);
 * else -1. Decided once, within DECIDE_WITHIN_MS.
 */
export function backProjected(
  g: LineGeometry,
  s: LineTrackState,
  x: number,
  y: number,
  side: number,
  w: number,
  h: number,
  ptsMs: number,
  startPts: number,
): number {
  if (s.firstSide === ON_LINE) s.firstSide = side;
  const first = s.firstSide;
  const e = s.firstExtent;
  const c = g.centreDistance(side, h);
  const extent = g.extentAcross(w, h);
  const sign = first > 0 ? 1 : -1;
  const c0 = (s.firstLo + s.firstHi) / 2;
  const moved = (c - c0) * sign;
  if (Math.abs(moved) < DECIDE_MOVE * e) {
    if (ptsMs - s.firstPts > DECIDE_WITHIN_MS) s.firstSide = 0;
    return -1;
  }
  s.firstSide = 0;
  // The edge nearer the line: lo on the positive side, hi on the negative one.
  const near = sign > 0 ? (c - extent / 2 - s.firstLo) * sign : (c + extent / 2 - s.firstHi) * sign;
  const ratio = extent / e;
  if (
    s.firstDist > BIRTH_GATE ||
    moved < 0 ||
    near < -NEAR_EDGE_BACK * e ||
    ratio > SIZE_STEP ||
    ratio < 1 / SIZE_STEP
  ) {
    return -1;
  }
  // Back along the motion from the first position to the line (k ≤ 0: a fraction of the motion since).
  const d0 = s.firstD;
  const d1 = side / g.len;
  const k = d0 / (d0 - d1);
  // First seen in the line's warm-up: only a crossing after the line's first observation (`startPts`).
  if (s.firstPts - startPts < WARM_UP_MS && s.firstPts + (ptsMs - s.firstPts) * k < startPts) return -1;
  const px = s.firstX + (x - s.firstX) * k;
  const py = s.firstY + (y - s.firstY) * k;
  const t = ((px - g.ax) * (g.bx - g.ax) + (py - g.ay) * (g.by - g.ay)) / (g.len * g.len);
  if (t < -SEGMENT_SLACK || t > 1 + SEGMENT_SLACK) {
    // Beyond an end of the segment: only where the line runs out of the picture and the vehicle came in.
    const end = t < 0 ? borders(g.ax, g.ay, g.ax, g.ay) : borders(g.bx, g.by, g.bx, g.by);
    if ((end & s.firstBorders) === 0) return -1;
  }
  return first > 0 ? 0 : 1;
}

/** Hands an earlier track's first sighting, not yet judged, to the fragment that continues it. */
export function copyFirstSighting(s: LineTrackState, from: LineTrackState): void {
  s.firstSide = from.firstSide;
  s.firstDist = from.firstDist;
  s.firstExtent = from.firstExtent;
  s.firstLo = from.firstLo;
  s.firstHi = from.firstHi;
  s.firstPts = from.firstPts;
  s.firstD = from.firstD;
  s.firstX = from.firstX;
  s.firstY = from.firstY;
  s.firstBorders = from.firstBorders;
}

/** A track now on the other side of the line than it was first seen on came from there: it is no birth. */
export function dropBirthIfBack(s: LineTrackState, side: number): void {
  if (
    side !== 0 &&
    s.firstSide !== 0 &&
    s.firstSide !== ON_LINE &&
    Math.sign(side) !== Math.sign(s.firstSide)
  ) {
    s.firstSide = 0;
  }
}
