// How a tracked person or two-wheeler stands on the road, from its box: upright, gone faint where it
// stopped, or gone down (the road obstacle rule leaves the place of one that is not upright to its objects).
import type { Track } from '../../tracking/track.js';
import type { FrameContext } from '../frame-context.js';
import type { TrackInfo } from '../track-info.js';

/**
 * A person or two-wheeler track still for FAINT_STILL_MS whose boxes now score under FAINT_SCORE and under
 * FAINT_DROP of its best while it moved (TrackInfo.peakScore; 0 for a track that never moved, which so
 * never goes faint) is no upright road user any more: what the detector still
 * half sees there is a road user down (a cyclist who rode in and fell, lying with the bike half out of the
 * picture, boxed as a faint "person" as wide as tall), and its place is left to the picture's object rule.
 */
const FAINT_STILL_MS = 1000;
const FAINT_SCORE = 0.35;
const FAINT_DROP = 0.5;
/**
 * A person box narrower than this per tall (pixels), or a two-wheeler's narrower than UPRIGHT_BIKE_ASPECT,
 * is a road user upright: while its track is tentative, faint or lost there (a cyclist waiting at the kerb
 * behind a signal pole, boxed at 0.2-0.4 or not at all for seconds), its place is that road user's, not an
 * object's. Upright, a person's box is 0.35-0.6 and a bicycle's with its rider seen at an angle 0.75-0.8;
 * the fallen cyclist's faint "person" box is about as wide as tall, and a two-wheeler down is flat.
 */
const UPRIGHT_ASPECT = 0.75;
const UPRIGHT_BIKE_ASPECT = 1;
/** A road user's box this many times as wide per tall as while it moved has gone down (wentDown). */
const DOWN_SHAPE = 1.4;

/** Whether the track's latest box is an upright road user's (UPRIGHT_ASPECT, UPRIGHT_BIKE_ASPECT). */
export function upright(t: Track, cls: string, aspect: number): boolean {
  const most = cls === 'person' ? UPRIGHT_ASPECT : UPRIGHT_BIKE_ASPECT;
  return t.boxAspect(aspect) < most;
}

/**
 * Still for FAINT_STILL_MS, its box now DOWN_SHAPE times as wide per tall as while it walked or rode
 * (TrackInfo.movingAspect): a road user gone down where it stopped (a rider waiting keeps the shape it
 * rode in with).
 */
export function wentDown(t: Track, info: TrackInfo, ctx: FrameContext): boolean {
  if (info.movingAspect === 0 || info.stillMs(ctx.pts) < FAINT_STILL_MS) return false;
  return t.boxAspect(ctx.aspect) >= DOWN_SHAPE * info.movingAspect;
}

/** Still, and seen only faintly since it stopped moving (FAINT_SCORE, FAINT_DROP). */
export function wentFaint(t: Track, info: TrackInfo, pts: number): boolean {
  return (
    info.stillMs(pts) >= FAINT_STILL_MS && t.score < FAINT_SCORE && t.score < FAINT_DROP * info.peakScore
  );
}
