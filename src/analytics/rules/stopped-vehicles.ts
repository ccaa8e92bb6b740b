import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { isVehicle } from '../track-info.js';
import { TrackIncidents } from './track-incidents.js';

/**
 * Stopped vehicle: a vehicle standing still for the zone's `stoppedAfter` in a no_stopping or carriageway
 * zone, unless it is parked (in a parking or sidewalk zone) or, on a carriageway, waiting in a queue. Ends
 * when it moves again or leaves the zone. One incident per vehicle, where zones overlap too (one alert on
 * the wall screen per breakdown): in its carriageway zone if it stands in one, else its first no-stopping
 * zone.
 */
export class StoppedVehicles implements FrameRule {
  private readonly open = new TrackIncidents();

  update(tracks: readonly Track[], ctx: FrameContext): void {
    const zones = ctx.zones;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.confirmed || !info || !isVehicle(info.classOf(t)) || ctx.inParking(info)) continue;
      if (this.open.hasTrack(t.id)) continue;
      const still = info.stillMs(ctx.pts);
      let at = -1;
      for (let z = 0; z < zones.length; z++) {
        if (!info.inZone[z]) continue;
        const zone = zones[z]!;
        const kind = zone.cfg.kind;
        if (kind !== 'no_stopping' && kind !== 'carriageway') continue;
        if (still < zone.cfg.stoppedAfter) continue;
        if (kind === 'carriageway' && inQueue(z, t.id, ctx)) continue;
        if (at < 0 || (kind === 'carriageway' && zones[at]!.cfg.kind !== 'carriageway')) at = z;
      }
      if (at < 0) continue;
      const zone = zones[at]!;
      const kind = zone.cfg.kind;
      const key = `stopped:${zone.id}:${t.id}`;
      const cls = info.classOf(t);
      const incident = ctx.incidents.start(ctx, {
        key,
        type: 'stopped_vehicle',
        severity: kind === 'carriageway' ? 'high' : 'medium',
        zone,
        cls,
        trackIds: [t.id],
        detail: `${cls} stopped ${Math.round(still / 1000)} s in ${kind} zone ${zone.id}`,
      });
      this.open.add(incident, key, at, t.id);
    }
    this.open.sweep(ctx, isOver);
  }
}

/** In a carriageway, a vehicle waiting among other waiting vehicles is a queue, not a breakdown. */
function inQueue(z: number, trackId: number, ctx: FrameContext): boolean {
  const after = ctx.zones[z]!.cfg.stoppedAfter;
  let waiting = 0;
  for (const [id, info] of ctx.infos) {
    if (id !== trackId && info.inZone[z] && info.stillMs(ctx.pts) >= after / 2) waiting++;
  }
  return waiting >= 2;
}

/** The vehicle moved again, left the zone, or is gone. */
function isOver(z: number, trackId: number, ctx: FrameContext): boolean {
  const info = ctx.infos.get(trackId);
  return !info?.inZone[z] || info.stillMs(ctx.pts) < ctx.zones[z]!.cfg.stoppedAfter;
}
