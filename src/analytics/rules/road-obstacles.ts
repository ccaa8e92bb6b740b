import type { Track } from '../../tracking/track.js';
import { pointInPolygon } from '../../vision/polygon.js';
import type { Incident } from '../events.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { distanceToEdges } from '../geometry.js';
import { type Box, overlaps, sameScene, wholeObject } from '../object-scene.js';
import { StaticObjects } from '../static-objects.js';
import { isVehicle, type TrackInfo } from '../track-info.js';
import type { ZoneRuntime } from '../zone-runtime.js';
import { upright, wentDown, wentFaint } from './road-user-pose.js';
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
/** ... covering at least this many cells of the static-object grid (4 x 4 frame pixels each). */
const OBJECT_CELLS = 8;
/** Below this speed (box heights per second) a road user is not moving. */
const STILL_SPEED = 0.3;
/** An object's incident ends after its place has shown no object (and no track) this long (ms). */
const GONE_MS = 2000;
/**
 * A track born where this share of its box showed empty road a moment before appeared there
 * (StaticObjects.appearedShare); a "vehicle" that did, not moving for APPEARED_STILL_MS since (ms), is no
 * vehicle that drove there.
 */
const APPEARED_SHARE = 0.5;
const APPEARED_STILL_MS = 1000;
/** An open object is still there while this share of its box holds something (StaticObjects.presentShare). */
const PRESENT_SHARE = 0.3;

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
 * An object's open incident. Its own box is the blob that raised it, whose scene later blobs join (the
 * reach of a scene scales with the box, object-scene.ts: the whole object's would take in blobs half a
 * picture away); `whole` is the object as far as the picture showed it then, the incident's box, kept
 * from being learnt as road; blobs on it join too.
 */
interface ObjectIncident extends Box {
  incident: Incident;
  key: string;
  whole: Box;
  /**
   * When its place last showed the object (a static blob, or cells still unlike the road), stream ms; moved
   * on by the time its place lies hidden under vehicles, which shows neither it nor the road.
   */
  seenPts: number;
  /** The stream time it was last looked for. */
  lookedPts: number;
}

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
  private readonly model: StaticObjects | undefined;
  private readonly open = new TrackIncidents();
  /** Per track: since when it has been down (lying or on its side) and still, stream ms. */
  private readonly downSince = new Map<number, number>();
  private readonly objects: ObjectIncident[] = [];
  /** This frame's tracks left to the object model (a "vehicle" that appeared, a road user gone down), and why. */
  private readonly leftOut: Track[] = [];
  private readonly leftOutDown: boolean[] = [];
  private seq = 0;

  constructor(
    zones: readonly ZoneRuntime[],
    private readonly o: RoadObstacleOptions = DEFAULT_ROAD_OBSTACLES,
  ) {
    this.zones = zones.flatMap((z, i) =>
      z.cfg.kind === 'carriageway' || z.cfg.kind === 'no_stopping' ? [i] : [],
    );
    const polygons = this.zones.map((i) => zones[i]!.cfg.polygon);
    const excluded = zones.filter((z) => z.parking).map((z) => z.cfg.polygon);
    this.model = polygons.length > 0 ? new StaticObjects(polygons, excluded) : undefined;
  }

  update(tracks: readonly Track[], ctx: FrameContext): void {
    if (this.zones.length === 0) return;
    if (ctx.inferred) this.watchTracks(tracks, ctx);
    this.open.sweep(ctx, (z, id, c) => this.trackOver(z, id, c));
    if (ctx.frame && this.model) this.watchObjects(tracks, ctx);
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
      const aspect = ((t.x2 - t.x1) * ctx.aspect) / Math.max(1e-6, t.y2 - t.y1);
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

  /** Objects the detector does not know, lying still where the road was empty. */
  private watchObjects(tracks: readonly Track[], ctx: FrameContext): void {
    const model = this.model!;
    model.beginFrame();
    this.leftOut.length = 0;
    this.leftOutDown.length = 0;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!info) continue;
      if (info.bornOnRoad < 0) {
        const share = model.appearedShare(t.bx1, t.by1, t.bx2, t.by2, ctx.pts);
        info.bornOnRoad = share >= APPEARED_SHARE ? 1 : 0;
      }
      const cls = info.classOf(t);
      if (cls === 'car' || cls === 'truck' || cls === 'bus') {
        // A "vehicle" that appeared where the road was empty (or on an object lying there) and has not moved
        // since it was first seen, a second ago or more, did not drive there: it is something else lying
        // there (a fallen cyclist boxed as a car), the object model's to judge.
        // So is a road user that walked or rode in and went down, its track voted a vehicle since.
        const appeared =
          info.bornOnRoad === 1 && !info.hasMoved && info.stillMs(ctx.pts) >= APPEARED_STILL_MS;
        const down = !appeared && wentDown(t, info, ctx);
        if (appeared || down) this.leaveOut(t, down);
        else if (t.confirmed) {
          // Only a box seen there leaves a ghost, not a lost track's guess.
          model.cover(t.bx1, t.by1, t.bx2, t.by2, t.lostMs === 0 && info.stillMs(ctx.pts) >= 2000, ctx.pts);
        }
      } else if (wentDown(t, info, ctx)) {
        this.leaveOut(t, true);
      } else if (
        !this.downSince.has(t.id) &&
        !this.open.hasTrack(t.id) &&
        (upright(t, cls, ctx.aspect) || (t.confirmed && t.lostMs === 0 && !wentFaint(t, info, ctx.pts)))
      ) {
        // An upright road user (a cyclist waiting, a pedestrian) is not an obstacle: seen now, or last seen
        // upright there, its track tentative too (one that never moved stays so: a cyclist waiting at the
        // kerb). One that is down is the track rule's (its incident is open, or about to be).
        model.cover(t.bx1, t.by1, t.bx2, t.by2, false, ctx.pts, false);
      }
    }
    model.update(ctx.frame!, ctx.pts);
    if (!model.ready(ctx.pts)) return;
    const blobs = model.blobs(ctx.pts, this.o.objectMs, OBJECT_CELLS);
    const aspect = ctx.aspect;
    for (const o of this.objects) {
      // Still there while a part of it still differs from the road it covered: its cells are static again
      // only a while after a vehicle drove over it. Hidden under vehicles, it is neither seen nor gone.
      const w = o.whole;
      const present = model.presentShare(w.x1, w.y1, w.x2, w.y2);
      if (present < 0) o.seenPts = Math.min(ctx.pts, o.seenPts + ctx.pts - o.lookedPts);
      else if (present >= PRESENT_SHARE) o.seenPts = ctx.pts;
      else for (const b of blobs) if (ofObject(o, b, aspect)) o.seenPts = ctx.pts;
      o.lookedPts = ctx.pts;
    }
    // Every static cell's blobs, for the whole of an object raised (only on a frame that raises one).
    let parts: Box[] | undefined;
    for (const b of blobs) {
      if (this.objects.some((o) => ofObject(o, b, aspect)) || this.overlapsDownTrack(b, tracks)) continue;
      const z = this.zoneAt((b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2, ctx);
      parts ??= model.blobs(ctx.pts, 0, 1);
      const o = wholeObject(b, parts);
      const key = `obstacle:object:${++this.seq}`;
      const seen = this.seenAs(o, ctx);
      const incident = ctx.incidents.start(ctx, {
        key,
        type: 'road_obstacle',
        severity: 'critical',
        zone: z >= 0 ? ctx.zones[z] : undefined,
        trackIds: seen ? [seen.track.id] : [],
        box: [o.x1, o.y1, o.x2, o.y2],
        detail: `unknown object still on the carriageway${z >= 0 ? ` in zone ${ctx.zones[z]!.id}` : ''} at [${[o.x1, o.y1, o.x2, o.y2].map((v) => v.toFixed(2)).join(', ')}]${seen?.text ?? ''}`,
      });
      this.objects.push({
        incident,
        key,
        x1: b.x1,
        y1: b.y1,
        x2: b.x2,
        y2: b.y2,
        whole: o,
        seenPts: ctx.pts,
        lookedPts: ctx.pts,
      });
      model.freeze(o.x1, o.y1, o.x2, o.y2, true);
    }
    let w = 0;
    for (const o of this.objects) {
      if (o.incident.endMs !== undefined || ctx.pts - o.seenPts >= GONE_MS) {
        if (o.incident.endMs === undefined) ctx.incidents.end(ctx, o.key);
        model.freeze(o.whole.x1, o.whole.y1, o.whole.x2, o.whole.y2, false);
        continue;
      }
      this.objects[w++] = o;
    }
    this.objects.length = w;
  }

  private leaveOut(t: Track, down: boolean): void {
    this.leftOut.push(t);
    this.leftOutDown.push(down);
  }

  /**
   * What the detector made of an object being raised, when one of this frame's tracks left to the object
   * model lies on it (its centre in the object's box): for the detail, and its track marked on the evidence.
   */
  private seenAs(o: Box, ctx: FrameContext): { track: Track; text: string } | undefined {
    for (let k = 0; k < this.leftOut.length; k++) {
      const t = this.leftOut[k]!;
      const cx = (t.bx1 + t.bx2) / 2;
      const cy = (t.by1 + t.by2) / 2;
      if (cx < o.x1 || cx > o.x2 || cy < o.y1 || cy > o.y2) continue;
      const cls = ctx.infos.get(t.id)?.classOf(t) ?? t.cls;
      const text = this.leftOutDown[k]
        ? `: road user #${t.id} came there and went down (boxed as a ${cls} now)`
        : `: the detector boxes it as a ${cls} (#${t.id}) that appeared there and has not moved`;
      return { track: t, text };
    }
    return undefined;
  }

  /** Whether a road user that is down (the track rule's) lies on the blob. */
  private overlapsDownTrack(b: Box, tracks: readonly Track[]) {
    for (const t of tracks) {
      if (!this.downSince.has(t.id) && !this.open.hasTrack(t.id)) continue;
      if (overlaps(b, { x1: t.bx1, y1: t.by1, x2: t.bx2, y2: t.by2 })) return true;
    }
    return false;
  }

  /** The first watched zone the track is in, unless it is in a parking or sidewalk zone; -1 otherwise. */
  private zoneOf(info: TrackInfo, ctx: FrameContext): number {
    if (ctx.inParking(info)) return -1;
    for (const z of this.zones) if (info.inZone[z]) return z;
    return -1;
  }

  private zoneAt(x: number, y: number, ctx: FrameContext): number {
    for (const z of this.zones) {
      const poly = ctx.zones[z]!.cfg.polygon;
      if (pointInPolygon(x, y, poly)) return z;
    }
    return -1;
  }
}

/**
 * Whether blob `b` is of an open object incident's object: of the scene of the blob that raised it, or on
 * the object as the picture showed it then (a load spread along the lane settles piece by piece).
 */
function ofObject(o: ObjectIncident, b: Box, aspect: number): boolean {
  return sameScene(o, b, aspect) || overlaps(o.whole, b);
}
