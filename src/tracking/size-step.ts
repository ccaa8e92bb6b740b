// How far a box may change size from one match to the next and still be the same road user: the size
// gate the tracker and the line counter share, and the one way past it (a vehicle nearing the camera).
import { VEHICLE_GROUP } from '../vision/class-map.js';
import type { Detection } from '../vision/detection.js';
import { classGroup, type Track } from './track.js';

/**
 * Largest change of a box's width or height (either way) from one match to the next that is still the
 * object moving. Beyond it the detection is another object or part of one (dense traffic, a rider's box
 * and its motorcycle's): a tracked track takes it without a velocity from the jump (KalmanBox.restartAt), a
 * lost one does not, nor a faint vehicle's on a box another track fits. The line counter holds a crossing
 * made on such a step to a margin.
 */
export const SIZE_STEP = 1.5;

/** How much a box of `w` x `h` differs in size from one of `w0` x `h0`: the larger of the width and height ratios, >= 1. */
export function sizeChange(w: number, h: number, w0: number, h0: number): number {
  const rw = w0 > 0 ? w / w0 : 1;
  const rh = h0 > 0 ? h / h0 : 1;
  return Math.max(rw, 1 / rw, rh, 1 / rh);
}

/** How much detection `d` differs in size from track `t`'s filtered box (sizeChange). */
export function sizeRatio(t: Track, d: Detection): number {
  return sizeChange(d.x2 - d.x1, d.y2 - d.y1, t.kf.w, t.kf.h);
}

/**
 * A track lost at most NEARING_LOST_MS (two missed detector frames at 5 fps) may be found again on a box up
 * to NEARING_GROWTH times its size, lying ahead of it along its motion: a vehicle nearing the camera, whose
 * box doubles in a few tenths of a second while the lost track's size stays as it was last seen. On the NL
 * motorway at 5 and 7 fps a car missed one detector frame just above the line was seen next well past it,
 * 1.65 times as tall; its track coasted on uncounted (a lost track counts nothing) and a new one on the
 * car was gone after one more frame, too soon to count.
 */
const NEARING_LOST_MS = 400;
const NEARING_GROWTH = SIZE_STEP * SIZE_STEP;

export function nearingAhead(t: Track, d: Detection): boolean {
  const kf = t.kf;
  const w = d.x2 - d.x1;
  const h = d.y2 - d.y1;
  return (
    t.lostMs <= NEARING_LOST_MS &&
    classGroup(t.cls) === VEHICLE_GROUP &&
    w > kf.w &&
    h > kf.h &&
    sizeRatio(t, d) <= NEARING_GROWTH &&
    ((d.x1 + d.x2) / 2 - kf.cx) * kf.vx + ((d.y1 + d.y2) / 2 - kf.cy) * kf.vy > 0
  );
}

/** Within this of the picture's edge, a box is cut by it: its size is not the road user's. */
const FRAME_EDGE = 0.005;

/** Whether detection `d` touches the picture's edge (part of the road user is out of view). */
export function cutByFrame(d: Detection): boolean {
  return d.x1 <= FRAME_EDGE || d.y1 <= FRAME_EDGE || d.x2 >= 1 - FRAME_EDGE || d.y2 >= 1 - FRAME_EDGE;
}
