// Whether a track's box changed size on a step rather than moved (another detection taken for the track,
// a box grown over the road user ahead or cut to a rider): a crossing made so is held (line-pending.ts).
import type { TrafficClass } from '../domain/traffic.js';
import { SIZE_STEP } from '../tracking/size-step.js';
import { classGroup } from '../tracking/track.js';
import { TWO_WHEELER_GROUP } from '../vision/class-map.js';
import { type LineGeometry, sizeChangeInView } from './line-geometry.js';
import type { LineTrackState } from './line-track-state.js';

/** A box whose edges both moved this many box extents the same way across the line moved (movedWhole). */
const WHOLE_MOVE = 0.5;

/**
 * Whether the box moved across the line as a whole since the track's last observation: both its edges
 * the same way, by WHOLE_MOVE of its extent or more. A vehicle nearing the camera grows as it comes (on
 * the NL motorway at 5 fps a car seen 0.16 then 0.33 of the picture tall, 0.3 further on: a move); a box
 * that changed (grown over the rider ahead, cut to a rider) keeps one edge about where it was.
 */
function movedWhole(g: LineGeometry, s: LineTrackState, side: number, w: number, h: number): boolean {
  return movedWholeFrom(g, s.side, s.h, s.extent, side, w, h);
}

/** movedWhole from a box at `side0`, `h0` tall, `extent0` across the line. */
function movedWholeFrom(
  g: LineGeometry,
  side0: number,
  h0: number,
  extent0: number,
  side: number,
  w: number,
  h: number,
): boolean {
  const e = g.extentAcross(w, h);
  const c = g.centreDistance(side, h);
  const c0 = g.centreDistance(side0, h0);
  const lo = c - e / 2 - (c0 - extent0 / 2);
  const hi = c + e / 2 - (c0 + extent0 / 2);
  const whole = lo > 0 && hi > 0 ? Math.min(lo, hi) : lo < 0 && hi < 0 ? -Math.max(lo, hi) : 0;
  return whole >= WHOLE_MOVE * Math.max(e, extent0);
}

/** A step that moved the box (changedSize). */
export const MOVED = 0;
/** A step that changed the box's size (another detection taken for the track). */
export const CHANGED = 1;
/** A step that, with the one before (itself such a change), changed the box's size. */
export const CHANGED_OVER_TWO = 2;

/**
 * Whether the track's box (now at `side`, `w` x `h`, touching frame borders `borders`) changed size rather
 * than moved: CHANGED by more than SIZE_STEP since its last observation, or CHANGED_OVER_TWO, when the step
 * to that one was such a change, since the one before (a box growing over two detector frames: UK rain at
 * 0.5, 10 fps, a car's box grew onto the lorry behind it, 1.6 then 1.1 times as tall, and its centre, slid
 * up over the line on the second step, was counted going up), and not moved as a whole since then
 * (movedWhole); else MOVED. A vehicle nearing the camera grows steadily, not by SIZE_STEP in one step (NL,
 * every frame: cars at 0.7-0.8 lost when any two steps' growth counted).
 */
export function changedSize(
  g: LineGeometry,
  s: LineTrackState,
  side: number,
  w: number,
  h: number,
  borders: number,
): number {
  if (sizeChangeInView(w, h, s.w, s.h, borders | s.borders) > SIZE_STEP && !movedWhole(g, s, side, w, h))
    return CHANGED;
  return s.changed &&
    sizeChangeInView(w, h, s.prevW, s.prevH, borders | s.prevBorders) > SIZE_STEP &&
    !movedWholeFrom(g, s.prevSide, s.prevH, s.prevExtent, side, w, h)
    ? CHANGED_OVER_TWO
    : MOVED;
}

/**
 * Whether a step (changedSize's `change`) by a road user of class `cls` changed its box rather than moved
 * it: over two steps only for vehicles (twoWheeler). Taken for two-wheelers too, the vehicle rules found a
 * rider on Jakarta at 0.8 but moved the other cells up and down (test/accuracy's 0.8 at 10 fps 23 -> 24
 * of 21, the part-box extras left).
 */
export function boxChanged(change: number, cls: TrafficClass): boolean {
  return change === CHANGED || (change === CHANGED_OVER_TWO && !twoWheeler(cls));
}

/**
 * A two-wheeler keeps the one-step box change only (no change over two steps, no held step back, no edges
 * that must go on): its boxes change from frame to frame between rider, bike, part and pair boxes.
 */
export function twoWheeler(cls: TrafficClass): boolean {
  return classGroup(cls) === TWO_WHEELER_GROUP;
}

/**
 * Keeps the latest observation's side, extent, size and borders as the one before (before they change),
 * and whether this step (`changed`) was a box change.
 */
export function keepPrevious(s: LineTrackState, changed: boolean): void {
  s.changed = changed;
  s.prevSide = s.side;
  s.prevExtent = s.extent;
  s.prevW = s.w;
  s.prevH = s.h;
  s.prevBorders = s.borders;
}
