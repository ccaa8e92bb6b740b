import { SIZE_STEP } from '../../tracking/size-step.js';
import { classGroup, type Track } from '../../tracking/track.js';
import { VEHICLE_GROUP } from '../../vision/class-map.js';
import { riderOverlap } from '../../vision/riders.js';
import { intersectionArea } from '../geometry.js';
import type { LineCounter } from '../line-counter.js';

// How two tracks relate, for line counting: one continuing another, one a second box on another's
// vehicle, two seen apart at once.

/**
 * A new track continues a lost or ended one of the same class group when it appears where that one's
 * motion puts it now, at a similar size: in box sizes, at most STITCH_AHEAD further along its motion (a
 * vehicle that sped up), STITCH_BEHIND short of it, STITCH_ACROSS to the side (a vehicle behind the lost
 * one, in dense traffic, must not take over its state). A track slower than STITCH_MOVING box sizes per
 * second is matched within STITCH_BEHIND in any direction.
 */
const STITCH_AHEAD = 1.5;
const STITCH_BEHIND = 0.5;
const STITCH_ACROSS = 0.75;
const STITCH_MOVING = 0.3;
const STITCH_SIZE_RATIO = 2;
/** A new track this much inside another live track of its class group is a second box on that vehicle. */
const BIRTH_OVERLAP = 0.5;
/**
 * ... and a new two-wheeler track this much inside a live car-group track (a head-on motorcycle the detector
 * also calls a car lies mostly inside it). A rider beside a car is often half inside the car's box: Jakarta,
 * 0.7 with the carriageway zone at 10 fps, two riders first seen past the line beside cars that had just
 * crossed, 50 % and 55 % inside their boxes, went uncounted. A "motorcycle" box on the top of an SUV at 0.8,
 * 70 % inside it, is still a second box.
 */
const CROSS_OVERLAP = 0.6;

/**
 * Distance (box sizes) between where a lost track should be now (`px`, `py`, moving at `vx`, `vy`) and a
 * new box, or infinity when the new box is outside the stitching gate or of another size.
 */
export function gateDistance(
  px: number,
  py: number,
  vx: number,
  vy: number,
  pw: number,
  ph: number,
  x: number,
  y: number,
  w: number,
  h: number,
): number {
  const rh = ph > h ? ph / h : h / ph;
  if (!(rh <= STITCH_SIZE_RATIO)) return Number.POSITIVE_INFINITY;
  const sw = Math.max(pw, w);
  const sh = Math.max(ph, h);
  const dx = (x - px) / sw;
  const dy = (y - py) / sh;
  const ux = vx / sw;
  const uy = vy / sh;
  const speed = Math.hypot(ux, uy);
  const d = Math.hypot(dx, dy);
  if (speed < STITCH_MOVING) return d <= STITCH_BEHIND ? d : Number.POSITIVE_INFINITY;
  const along = (dx * ux + dy * uy) / speed;
  const across = Math.abs(dx * uy - dy * ux) / speed;
  return along >= -STITCH_BEHIND && along <= STITCH_AHEAD && across <= STITCH_ACROSS
    ? d
    : Number.POSITIVE_INFINITY;
}

/**
 * Whether a new track's box lies BIRTH_OVERLAP or more inside (or over) another confirmed live track of
 * its class group, or of the other vehicle group (a head-on motorcycle the detector also calls a car; a
 * two-wheeler inside a car-group track CROSS_OVERLAP or more): a
 * second box on a vehicle already tracked, not a vehicle of its own. So is a person track born on a
 * two-wheeler's track where its rider sits (riderOverlap): a second box on the rider. A lost track holds
 * no box this frame (only a prediction, which a road user heading the other way may pass through): a new
 * track there is a fragment for stitching or a road user of its own.
 */
export function overlapsLiveTrack(t: Track, tracks: readonly Track[]): boolean {
  const group = classGroup(t.cls);
  const vehicle = group !== 0;
  const person = t.cls === 'person';
  // Inside a track of the other group: a two-wheeler inside a car-group track needs CROSS_OVERLAP.
  const crossNeed = group === VEHICLE_GROUP ? BIRTH_OVERLAP : CROSS_OVERLAP;
  const ax1 = t.bx1;
  const ay1 = t.by1;
  const ax2 = t.bx2;
  const ay2 = t.by2;
  const areaA = (ax2 - ax1) * (ay2 - ay1);
  for (let i = 0; i < tracks.length; i++) {
    const o = tracks[i]!;
    if (o === t || !o.confirmed || o.state === 'lost') continue;
    if (
      person &&
      (o.cls === 'motorcycle' || o.cls === 'bicycle') &&
      riderOverlap(ax1, ay1, ax2, ay2, o.bx1, o.by1, o.bx2, o.by2) > 0
    )
      return true;
    const og = classGroup(o.cls);
    if (og !== group && !(vehicle && og !== 0)) continue;
    const inter = intersectionArea(ax1, ay1, ax2, ay2, o.bx1, o.by1, o.bx2, o.by2);
    if (inter <= 0) continue;
    const areaO = (o.bx2 - o.bx1) * (o.by2 - o.by1);
    if (inter >= (og === group ? BIRTH_OVERLAP : crossNeed) * Math.min(areaA, areaO)) return true;
  }
  return false;
}

/**
 * Whether the track moves against the direction it was just counted in (its filtered velocity takes its
 * anchor back across the line): a track re-found on the box behind its vehicle, or sliding onto a part of
 * the vehicle ahead, crosses backwards while the vehicle goes on the other way.
 */
export function againstMotion(line: LineCounter, direction: string, vx: number, vy: number): boolean {
  // d(side)/dt for sideOf (a→b × velocity, y down); direction 0 is towards positive side.
  const rate = (line.bx - line.ax) * vy - (line.by - line.ay) * vx;
  return line.directions.indexOf(direction) === 0 ? rate < 0 : rate > 0;
}

/** Track `otherId` when both it and `t` are matched in this frame (seen at once), else undefined. */
function seenWith(t: Track, otherId: number, tracks: readonly Track[]): Track | undefined {
  if (!t.matched) return undefined;
  for (let i = 0; i < tracks.length; i++) {
    const o = tracks[i]!;
    if (o.id === otherId) return o.matched ? o : undefined;
  }
  return undefined;
}

/**
 * Whether track `otherId` is matched in this frame, as `t` is, on a box that does not touch `t`'s: two road
 * users seen at once, not one vehicle's two tracks.
 */
export function seenApart(t: Track, otherId: number, tracks: readonly Track[]): boolean {
  const o = seenWith(t, otherId, tracks);
  return o !== undefined && !(o.x1 < t.x2 && t.x1 < o.x2 && o.y1 < t.y2 && t.y1 < o.y2);
}

/**
 * Whether track `otherId` is matched in this frame, as `t` is, on the same box: their intersection is
 * `share` or more of the larger box.
 */
export function seenOnOne(t: Track, otherId: number, tracks: readonly Track[], share: number): boolean {
  const o = seenWith(t, otherId, tracks);
  if (!o) return false;
  const inter = intersectionArea(t.x1, t.y1, t.x2, t.y2, o.x1, o.y1, o.x2, o.y2);
  const large = Math.max((t.x2 - t.x1) * (t.y2 - t.y1), (o.x2 - o.x1) * (o.y2 - o.y1));
  return inter > 0 && inter >= share * large;
}

/**
 * Whether boxes `a` and `b` (their latest detections) lie in one column (their widths overlapping `share`
 * or more of the narrower) and together span no taller than `tall` at their bottom row (a fraction of the
 * picture): parts of one road user, one above the other.
 */
export function stacked(a: Track, b: Track, share: number, tall: (y2: number) => number): boolean {
  const across = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  if (across <= 0 || across < share * Math.min(a.x2 - a.x1, b.x2 - b.x1)) return false;
  const y1 = Math.min(a.y1, b.y1);
  const y2 = Math.max(a.y2, b.y2);
  return y2 - y1 <= tall(y2);
}

/** Whether track `otherId` is matched in this frame, as `t` is, on a box stacked with `t`'s (stacked). */
export function seenStacked(
  t: Track,
  otherId: number,
  tracks: readonly Track[],
  share: number,
  tall: (y2: number) => number,
): boolean {
  const o = seenWith(t, otherId, tracks);
  return o !== undefined && stacked(t, o, share, tall);
}

/** Two extents within SIZE_STEP of each other (neither empty). */
export function aboutAsWide(a: number, b: number): boolean {
  return Math.min(a, b) > 0 && Math.max(a, b) <= SIZE_STEP * Math.min(a, b);
}
