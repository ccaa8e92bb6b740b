import type { Track } from '../../tracking/track.js';
import type { FrameContext } from '../frame-context.js';
import { isVehicle, type TrackInfo } from '../track-info.js';

/**
 * Speed per vehicle on calibrated cameras: when a track ends, the mean and maximum of the ground speed
 * TrackInfo measured over its life (nothing when none was measured).
 */
export class TrackSpeeds {
  trackEnded(t: Track, info: TrackInfo, ctx: FrameContext): void {
    if (info.speedN === 0) return;
    const cls = info.classOf(t);
    if (!isVehicle(cls)) return;
    ctx.events.push({
      type: 'track_speed',
      cameraId: ctx.cameraId,
      trackId: t.id,
      cls,
      timeMs: ctx.time,
      meanKmh: info.speedSum / info.speedN,
      maxKmh: info.speedMax,
    });
  }
}
