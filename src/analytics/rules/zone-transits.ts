import type { Track } from '../../tracking/track.js';
import { pointInPolygon } from '../../vision/polygon.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import type { TrackInfo } from '../track-info.js';

/**
 * Zone membership of confirmed tracks (bottom centre inside the polygon, as Frigate and supervision's
 * PolygonZone do) and the zone_enter / zone_leave events, a leave with the time spent inside.
 */
export class ZoneTransits implements FrameRule {
  update(tracks: readonly Track[], ctx: FrameContext): void {
    const zones = ctx.zones;
    if (!ctx.inferred || zones.length === 0) return;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.matched || !t.confirmed || !info) continue;
      for (let z = 0; z < zones.length; z++) {
        const zone = zones[z]!;
        // Boxes touching the bottom edge end exactly at 1, on a polygon edge drawn along the frame border.
        const inside = pointInPolygon(info.bx, Math.min(info.by, 0.999), zone.cfg.polygon);
        if (inside && !info.inZone[z]) {
          info.inZone[z] = 1;
          info.enterPts[z] = ctx.pts;
          ctx.events.push({
            type: 'zone_enter',
            cameraId: ctx.cameraId,
            zoneId: zone.id,
            trackId: t.id,
            cls: info.classOf(t),
            timeMs: ctx.time,
            ptsMs: ctx.pts,
          });
        } else if (!inside && info.inZone[z]) {
          this.leave(t, info, z, ctx);
        }
      }
    }
  }

  /** A track is gone: it leaves every zone it was in. */
  trackEnded(t: Track, info: TrackInfo, ctx: FrameContext): void {
    for (let z = 0; z < ctx.zones.length; z++) if (info.inZone[z]) this.leave(t, info, z, ctx);
  }

  private leave(t: Track, info: TrackInfo, z: number, ctx: FrameContext): void {
    info.inZone[z] = 0;
    ctx.events.push({
      type: 'zone_leave',
      cameraId: ctx.cameraId,
      zoneId: ctx.zones[z]!.id,
      trackId: t.id,
      cls: info.classOf(t),
      timeMs: ctx.time,
      ptsMs: ctx.pts,
      dwellMs: ctx.pts - info.enterPts[z]!,
    });
  }
}
