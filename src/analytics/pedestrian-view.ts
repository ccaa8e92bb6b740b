import type { Track } from '../tracking/track.js';

/** A box edge this close to the frame border (fraction of the frame) is cut by it. */
const FRAME_EDGE = 0.012;
/**
 * A person whose box ends at most this much of its own height above a nearer vehicle's top (or inside
 * that vehicle's box) is standing or riding right behind it.
 */
const BEHIND_MARGIN = 0.25;

/**
 * Whether a "person" track is seen well enough in the latest frame to call it a pedestrian: its box is
 * whole (not cut by the bottom or a side of the frame) and its lower end is not behind a vehicle nearer
 * to the camera. Otherwise what carries the person is out of sight: a rider's motorcycle below the frame
 * edge, or hidden behind the car in front in a jam, leaves only a "person" box that walks at jam speed.
 * A pedestrian crossing in front of the traffic is seen whole; one walking behind a queued car is
 * judged once it steps out. `vehicle(track)` tells which tracks are vehicles. No allocation.
 */
export function inClearView(p: Track, tracks: readonly Track[], vehicle: (t: Track) => boolean): boolean {
  const x1 = p.x1;
  const x2 = p.x2;
  const y2 = p.y2;
  if (x1 <= FRAME_EDGE || x2 >= 1 - FRAME_EDGE || y2 >= 1 - FRAME_EDGE) return false;
  const cx = (x1 + x2) / 2;
  const reach = BEHIND_MARGIN * (y2 - p.y1);
  for (let i = 0; i < tracks.length; i++) {
    const v = tracks[i]!;
    if (v === p || !v.confirmed || !vehicle(v)) continue;
    // Nearer to the camera: the vehicle's box reaches further down than the person's.
    const vy2 = v.by2;
    if (vy2 <= y2) continue;
    if (cx < v.bx1 || cx > v.bx2) continue;
    if (y2 >= v.by1 - reach) return false;
  }
  return true;
}
