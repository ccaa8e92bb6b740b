import type { Track } from './track.js';

// Which tentative tracks a low-score detection keeps alive (ByteTracker's tentativeKeepLow).

/**
 * A tentative track is kept alive on low-score boxes for this long after its start (ms): a vehicle moving
 * through spray is confirmed well within it; something that lingers unconfirmed is not what this is for.
 */
const KEEP_LOW_MS = 1500;

/** Largest change of box size (sizeChange) from a tentative track's box to a low-score box that keeps it alive. */
export const KEEP_LOW_SIZE = 1.25;

/**
 * Whether a low-score detection may keep tentative track `t` alive this frame: unmatched so far, young
 * (KEEP_LOW_MS), not a person's (a rider seen as a person now and then would become a pedestrian), and its
 * box touches no other live track's: in dense traffic a low-score box beside a tracked road user is mostly
 * a second box on it, and a track kept alive on those becomes a second count.
 */
export function mayKeepOnLow(t: Track, tracks: readonly Track[]): boolean {
  if (t.state !== 'tentative' || t.matched || t.ageMs > KEEP_LOW_MS || t.cls === 'person') return false;
  const x1 = t.bx1;
  const y1 = t.by1;
  const x2 = t.bx2;
  const y2 = t.by2;
  for (const o of tracks) {
    if (o !== t && x1 < o.bx2 && o.bx1 < x2 && y1 < o.by2 && o.by1 < y2) return false;
  }
  return true;
}
