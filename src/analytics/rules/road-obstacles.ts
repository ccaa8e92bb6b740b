import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { distanceToEdges } from '../geometry.js';
import { isVehicle, type TrackInfo } from '../track-info.js';
import type { ZoneRuntime } from '../zone-runtime.js';
import { RoadObjects } from './road-objects.js';
import { TrackIncidents } from './track-incidents.js';

/** A person box this much wider than tall (in pixels) is a person lying down. */
export const LYING_ASPECT = 1.3;
/**
 * A motorcycle or bicycle box this much wider than tall, with nobody upright on it (a rider's box is folded
 * into the bike's and makes it tall), is down on its side or left lying in the lane.
 */
export const DOWN_ASPECT = 1.5;
/** ... and holding that shape, not moving, this long (ms). */
export const DOWN_MS = 1500;
/**
 * A two-wheeler standing still alone in a running lane, at least a box width from the kerb, this long
 * (ms), where it has stood since it was first seen: one that rode in and stopped is a rider waiting (to
 * turn, at a junction) or a vehicle stopping, the stopped_vehicle rule's after the zone's stoppedAfter.
 */
export const STANDING_MS = 5000;
/** An object the detector does not know, lying still where the road was empty, this long (ms). */
export const OBJECT_MS = 2000;
/** Below this speed (box heights per second) a road user is not moving. */
const STILL_SPEED = 0.3;
export interface RoadObstacleOptions {
  downMs: number;
  standingMs: number;
  objectMs: number;
}

export const DEFAULT_ROAD_OBSTACLES: RoadObstacleOptions = {
  downMs: DOWN_MS,
  standingMs: STANDING_MS,
  objectMs: OBJECT_MS,
};

/**
 * Fallen road user or obstacle on the carriageway (`road_obstacle`), in carriageway and no_stopping zones
 * (not where parking or sidewalk zones say people and vehicles may stand):
 * - a person lying down (a "person" box wider than tall), not moving, for `downMs`;
 * - a motorcycle or bicycle down on its side (a flat box), not moving, for `downMs`;
 * - a two-wheeler standing still for `standingMs` in a running lane, a box width or more from the kerb
 *   (the zone's edge), while no other vehicle in the zone waits too (a queue is traffic, not an incident),
 *   and never seen moving (one that rode in and stopped is a rider waiting: stopped_vehicle's);
 * - any new object lying still where the road was empty (StaticObjects: debris, a dropped load, a fallen
 *   rider the detector does not see) for `objectMs`, under no tracked vehicle and no upright road user.
 * Ends when the road user moves on, gets up or is gone, or the object's place is clear again.
 */
export class RoadObstacles implements FrameRule {
  private readonly zones: number[];
  private readonly open = new TrackIncidents();
  /** Per track: since when it has been down (lying or on its side) and still, stream ms. */
  private readonly downSince = new Map<number, number>();
  private readonly objects: RoadObjects | undefined;
  /** Whether a road user that is down is this rule's (its incident open, or about to be). */
  private readonly owns = (t: Track) => this.downSince.has(t.id) || this.open.hasTrack(t.id);

  constructor(
    zones: readonly ZoneRuntime[],
    private readonly o: RoadObstacleOptions = DEFAULT_ROAD_OBSTACLES,
  ) {
    this.zones = zones.flatMap((z, i) =>
      z.cfg.kind === 'carriageway' || z.cfg.kind === 'no_stopping' ? [i] : [],
    );
    this.objects = this.zones.length > 0 ? new RoadObjects(zones, this.zones, o.objectMs) : undefined;
  }

  update(tracks: readonly Track[], ctx: FrameContext): void {
    if (this.zones.length === 0) return;
    if (ctx.inferred) this.watchTracks(tracks, ctx);
    this.open.sweep(ctx, (z, id, c) => this.trackOver(z, id, c));
    if (ctx.frame && this.objects) this.objects.update(tracks, ctx, this.owns);
  }

  /** Lying people, two-wheelers down, two-wheelers standing alone in a running lane. */
  private watchTracks(tracks: readonly Track[], ctx: FrameContext): void {
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.confirmed || !t.matched || !info) continue;
      const z = this.zoneOf(info, ctx);
      const cls = info.classOf(t);
      const person = cls === 'person';
      const twoWheeler = cls === 'motorcycle' || cls === 'bicycle';
      if (z < 0 || (!person && !twoWheeler)) {
        this.downSince.delete(t.id);
        continue;
      }
      const aspect = t.boxAspect(ctx.aspect);
      const down = person ? aspect >= LYING_ASPECT : aspect >= DOWN_ASPECT;
      const still = info.avgNormSpeed < STILL_SPEED || info.stillMs(ctx.pts) >= 1000;
      if (!down || !still) this.downSince.delete(t.id);
      else if (!this.downSince.has(t.id)) this.downSince.set(t.id, ctx.pts);
      if (this.open.has(z, t.id)) continue;
      const since = this.downSince.get(t.id);
      let detail: string | undefined;
      if (since !== undefined && ctx.pts - since >= this.o.downMs) {
        detail = person ? 'person lying on the carriageway' : `${cls} down on the carriageway`;
      } else if (twoWheeler && this.standingAlone(t, info, z, ctx)) {
        detail = `${cls} standing still in a running lane`;
      }
      if (!detail) continue;
      const zone = ctx.zones[z]!;
      const key = `obstacle:${zone.id}:${t.id}`;
      const incident = ctx.incidents.start(ctx, {
        key,
        type: 'road_obstacle',
        severity: 'critical',
        zone,
        cls,
        trackIds: [t.id],
        detail: `${detail} in zone ${zone.id}`,
      });
      this.open.add(incident, key, z, t.id);
    }
  }

  /**
   * Still for `standingMs` and never seen moving, a box width or more from the zone's edge, and no other
   * vehicle of the zone waiting.
   */
  private standingAlone(t: Track, info: TrackInfo, z: number, ctx: FrameContext): boolean {
    if (info.hasMoved || info.stillMs(ctx.pts) < this.o.standingMs) return false;
    const zone = ctx.zones[z]!;
    const width = (t.x2 - t.x1) * ctx.aspect;
    if (distanceToEdges(info.bx, info.by, zone.cfg.polygon, ctx.aspect) < width) return false;
    for (const [id, other] of ctx.infos) {
      if (id === t.id || !other.inZone[z] || !isVehicle(other.trackCls)) continue;
      if (other.stillMs(ctx.pts) >= this.o.standingMs / 2) return false;
    }
    return true;
  }

  /** The road user got up or moved on, left the zone, or is gone. */
  private trackOver(z: number, trackId: number, ctx: FrameContext): boolean {
    const info = ctx.infos.get(trackId);
    if (!info?.inZone[z]) return true;
    return (
      !this.downSince.has(trackId) &&
      info.stillMs(ctx.pts) < this.o.standingMs &&
      info.avgNormSpeed >= STILL_SPEED
    );
  }

  /** The first watched zone the track is in, unless it is in a parking or sidewalk zone; -1 otherwise. */
  private zoneOf(info: TrackInfo, ctx: FrameContext): number {
    if (ctx.inParking(info)) return -1;
    for (const z of this.zones) if (info.inZone[z]) return z;
    return -1;
  }
}
