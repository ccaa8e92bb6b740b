import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { inClearView } from '../pedestrian-view.js';
import { TrackIncidents } from './track-incidents.js';

/**
 * Pedestrian on the carriageway: a "person" track (not a rider, see TrackInfo.classOf) in a carriageway
 * zone, not on a sidewalk, seen whole and clear of vehicles (see inClearView) for `afterMs`. Ends when it
 * leaves the zone, or when its two-wheeler shows and it turns out to be a rider.
 */
export class PedestriansOnCarriageway implements FrameRule {
  private readonly open = new TrackIncidents();

  constructor(
    /** A person must be in the zone and in clear view this long before it is an incident, ms. */
    private readonly afterMs: number,
  ) {}

  update(tracks: readonly Track[], ctx: FrameContext): void {
    if (ctx.inferred) this.watch(tracks, ctx);
    const zones = ctx.zones;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.confirmed || !t.matched || t.hits < 3 || !info || info.classOf(t) !== 'person') continue;
      if (ctx.onSidewalk(info)) continue;
      for (let z = 0; z < zones.length; z++) {
        const zone = zones[z]!;
        if (!info.inZone[z] || zone.cfg.kind !== 'carriageway') continue;
        // In the zone, and seen whole and clear of vehicles, for afterMs.
        const since = Math.max(info.enterPts[z]!, info.clearSincePts);
        if (!(ctx.pts - since >= this.afterMs) || this.open.has(z, t.id)) continue;
        const key = `ped:${zone.id}:${t.id}`;
        const incident = ctx.incidents.start(ctx, {
          key,
          type: 'pedestrian_in_carriageway',
          severity: 'high',
          zone,
          cls: 'person',
          trackIds: [t.id],
          detail: `pedestrian on the carriageway in zone ${zone.id}`,
        });
        this.open.add(incident, key, z, t.id);
      }
    }
    this.open.sweep(ctx, isOver);
  }

  /** Follows how long each matched "person" track has been in clear view without a break. */
  private watch(tracks: readonly Track[], ctx: FrameContext): void {
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.matched || !info) continue;
      if (info.classOf(t) !== 'person' || !inClearView(t, tracks, ctx.isVehicleTrack)) {
        info.clearSincePts = Number.NaN;
      } else if (Number.isNaN(info.clearSincePts)) {
        info.clearSincePts = ctx.pts;
      }
    }
  }
}

/** The person left the zone or is gone, or its two-wheeler has since been seen: a rider. */
function isOver(z: number, trackId: number, ctx: FrameContext): boolean {
  const info = ctx.infos.get(trackId);
  return !info?.inZone[z] || info.trackCls !== 'person';
}
