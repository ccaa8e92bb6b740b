import type { Track } from '../tracking/track.js';
import type { TrackInfo } from './track-info.js';

/**
 * Vehicles whose centres lie within this many of a "person" box's heights of its centre, up or down, are
 * the traffic around it ...
 */
const NEAR_ROWS = 2;
/** ... and within this many across (in frame-height units: the same pixels both ways). */
const NEAR_ACROSS = 4;
/**
 * The traffic around moves (the mean velocity of those vehicles) by at least this many of the person box's
 * heights a second: queued or parked vehicles say nothing about how someone among them moves.
 */
const MOVING_FLOW = 0.3;
/**
 * A "person" moves with the traffic when its velocity points the way the traffic's does (cosine at least
 * FLOW_COS) at between FLOW_MIN and FLOW_MAX times its speed.
 */
const FLOW_COS = 0.8;
const FLOW_MIN = 0.6;
const FLOW_MAX = 1.6;

/**
 * Counts, for each "person" track matched in this frame, whether it moves with the traffic around it
 * (TrackInfo.withTraffic) among the frames that had moving traffic around it (TrackInfo.amidTraffic). A
 * rider whose motorcycle the detector misses (the UK police motorcyclist boxed as a "person" with its
 * headlight's reflection on the wet road, approaching at 1.2-1.5 box heights a second like the cars
 * beside it) keeps pace with the vehicles beside it in their direction; someone crossing the road moves
 * across the traffic, and someone waiting or walking on the verge among moving vehicles far slower.
 * Vehicles count once confirmed and measured (TrackInfo.updates >= 3). `infoAt[i]` is the state of
 * `tracks[i]` (FrameContext.infoAt); `aspect` = image width / height.
 */
export function updateWithTraffic(
  tracks: readonly Track[],
  infoAt: readonly (TrackInfo | undefined)[],
  aspect: number,
): void {
  for (let i = 0; i < tracks.length; i++) {
    const p = tracks[i]!;
    if (p.cls !== 'person' || !p.matched) continue;
    const ip = infoAt[i];
    if (!ip || ip.updates < 3) continue;
    const h = p.y2 - p.y1;
    const cx = (p.x1 + p.x2) * 0.5;
    const cy = (p.y1 + p.y2) * 0.5;
    let fx = 0;
    let fy = 0;
    let n = 0;
    for (let j = 0; j < tracks.length; j++) {
      const v = tracks[j]!;
      if (v.cls === 'person' || v.state !== 'tracked') continue;
      if (Math.abs((v.y1 + v.y2) * 0.5 - cy) > NEAR_ROWS * h) continue;
      if (Math.abs((v.x1 + v.x2) * 0.5 - cx) * aspect > NEAR_ACROSS * h) continue;
      const iv = infoAt[j];
      if (!iv || iv.updates < 3) continue;
      fx += iv.vx;
      fy += iv.vy;
      n++;
    }
    if (n === 0) continue;
    fx /= n;
    fy /= n;
    const flow = Math.hypot(fx, fy);
    if (flow < MOVING_FLOW * h) continue;
    ip.amidTraffic++;
    const speed = Math.hypot(ip.vx, ip.vy);
    if (
      fx * ip.vx + fy * ip.vy >= FLOW_COS * flow * speed &&
      speed >= FLOW_MIN * flow &&
      speed <= FLOW_MAX * flow
    )
      ip.withTraffic++;
  }
}
