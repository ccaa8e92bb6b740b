// Which box a coasting track may not take: one that a tentative track of its kind is following.
import type { Detection } from '../vision/detection.js';
import { iou } from '../vision/nms.js';
import { classGroup, type Track } from './track.js';

/** IoU of a tentative track's predicted box with a detection at which the track is following it. */
export const FOLLOWS_IOU = 0.5;

/**
 * Whether lost track `t` must leave detection `d` to a tentative track of its class group that is
 * following it: matched on the previous detector frame, with a predicted box overlapping `d` by FOLLOWS_IOU
 * and by more than the lost track's own predicted box does. The first association stage takes confirmed
 * tracks only, and a coasting track's search grows while it is lost: it reaches the box of the road user
 * behind it, which its own, new track was already following (UK rain at 7 detector frames a second: a car
 * driving away, lost for 0.7 s, took the box of the next car two frames after that one crossed a line,
 * and the next car was never counted).
 */
export function followedByTentative(t: Track, d: Detection, tracks: readonly Track[]): boolean {
  const group = classGroup(t.cls);
  let own = -1;
  for (let i = 0; i < tracks.length; i++) {
    const o = tracks[i]!;
    if (o.state !== 'tentative' || o.misses > 0 || classGroup(o.cls) !== group) continue;
    const follows = iou(o.bx1, o.by1, o.bx2, o.by2, d.x1, d.y1, d.x2, d.y2);
    if (follows < FOLLOWS_IOU) continue;
    if (own < 0) own = iou(t.bx1, t.by1, t.bx2, t.by2, d.x1, d.y1, d.x2, d.y2);
    if (follows > own) return true;
  }
  return false;
}
