import type { Track } from '../../tracking/track.js';
import { pointInPolygon } from '../../vision/polygon.js';
import type { Incident } from '../events.js';
import type { FrameContext } from '../frame-context.js';
import { intersectionArea } from '../geometry.js';
import { HandedBoxes } from '../handed-boxes.js';
import { type Box, overlaps, sameScene, wholeObject } from '../object-scene.js';
import { Cover, type StaticBlob, StaticObjects } from '../static-objects.js';
import type { ZoneRuntime } from '../zone-runtime.js';
import { upright, wentDown, wentFaint } from './road-user-pose.js';

/** An object raised covers at least this many cells of the static-object grid (4 x 4 frame pixels each). */
const OBJECT_CELLS = 8;
/** An object's incident ends after its place has shown no object (and no track) this long (ms). */
const GONE_MS = 2000;
/**
 * A track standing where this share of its box showed empty road a moment before appeared there
 * (StaticObjects.appearedShare: first seen there, or its track jumped there); a "vehicle" that did, not
 * moving for APPEARED_STILL_MS since (ms), is no vehicle that drove there.
 */
const APPEARED_SHARE = 0.5;
const APPEARED_STILL_MS = 1000;
/**
 * A blob beside a vehicle standing there (RoadObjects.stoppedBeside) is its shadow or its headlights' pool:
 * the vehicle came to rest at most STOPPED_WITH_MS (ms) before the blob appeared, or since, has stood
 * STILL_BESIDE_MS (ms; one driving past does not stand there), drove there from DROVE_IN box heights away
 * (its centre where first seen), and its box, widened by TOUCH_BOX of its size each way (at least
 * TOUCH_CELLS cells of the object grid: a detector's box is tight on the body, a shadow lies beside it),
 * touches the blob.
 */
const STOPPED_WITH_MS = 5000;
const STILL_BESIDE_MS = 1000;
const DROVE_IN = 1;
const TOUCH_BOX = 0.2;
const TOUCH_CELLS = 1.5;
/** An open object is still there while this share of its box holds something (StaticObjects.presentShare). */
const PRESENT_SHARE = 0.3;

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
 * road_obstacle's objects: any new object lying still where the road was empty (StaticObjects: debris, a
 * dropped load, a fallen rider the detector does not see, or takes for a car) for `objectMs`, under no
 * tracked vehicle and no upright road user, in the watched zones (carriageway and no_stopping, less the
 * parking and sidewalk zones). Ends when the object's place is clear again.
 */
export class RoadObjects {
  private readonly model: StaticObjects;
  private readonly objects: ObjectIncident[] = [];
  /** This frame's tracks left to the object model (a "vehicle" that appeared, a road user gone down), and why. */
  private readonly leftOut: Track[] = [];
  private readonly leftOutDown: boolean[] = [];
  private readonly handed = new HandedBoxes();
  private seq = 0;

  /** `watched`: the indexes in the camera's `zones` of the zones it watches. */
  constructor(
    zones: readonly ZoneRuntime[],
    private readonly watched: readonly number[],
    private readonly objectMs: number,
  ) {
    const polygons = watched.map((i) => zones[i]!.cfg.polygon);
    const excluded = zones.filter((z) => z.parking).map((z) => z.cfg.polygon);
    this.model = new StaticObjects(polygons, excluded);
  }

  /**
   * Feeds the frame (call only with one) and its tracks; `owns(t)`: a road user down that the track rule has
   * (its incident open, or about to be), whose place is not an object's.
   */
  update(tracks: readonly Track[], ctx: FrameContext, owns: (t: Track) => boolean): void {
    const model = this.model;
    model.beginFrame();
    this.leftOut.length = 0;
    this.leftOutDown.length = 0;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!info) continue;
      if (info.appearedAtRest < 0) {
        const share = model.appearedShare(t.bx1, t.by1, t.bx2, t.by2, ctx.pts);
        info.appearedAtRest = share >= APPEARED_SHARE ? 1 : 0;
      }
      const cls = info.classOf(t);
      if (cls === 'car' || cls === 'truck' || cls === 'bus') {
        // A "vehicle" that appeared where the road was empty (or on an object lying there) and has not moved
        // since, a second or more, did not drive there: it is something else lying there (a fallen cyclist
        // boxed as a car), the object model's to judge. Its track may have been another's that jumped onto
        // it as it landed (a faint car's passing by). So is a road user that walked or rode in and went
        // down, its track voted a vehicle since.
        const appeared = info.appearedAtRest >= 1 && info.stillMs(ctx.pts) >= APPEARED_STILL_MS;
        const down = !appeared && wentDown(t, info, ctx);
        if (appeared && info.appearedAtRest === 1) {
          // Handed over: what its box covered, still, for a second lies there since.
          model.settle(t.bx1, t.by1, t.bx2, t.by2);
          info.appearedAtRest = 2;
        }
        if (appeared || down) {
          this.leaveOut(t, down);
          // Its box grown or moved off what lies there: it took the detection of a car driving by or over
          // it, which hides what lies there as the car's own box would.
          if (this.handed.passingOver(t)) model.cover(t.bx1, t.by1, t.bx2, t.by2, Cover.VEHICLE, ctx.pts);
        } else if (t.confirmed) {
          // Only a box seen there leaves a ghost, not a lost track's guess.
          const still = t.lostMs === 0 && info.stillMs(ctx.pts) >= 2000;
          model.cover(t.bx1, t.by1, t.bx2, t.by2, still ? Cover.STILL_VEHICLE : Cover.VEHICLE, ctx.pts);
        }
      } else if (wentDown(t, info, ctx)) {
        this.leaveOut(t, true);
      } else if (
        !owns(t) &&
        (upright(t, cls, ctx.aspect) || (t.confirmed && t.lostMs === 0 && !wentFaint(t, info, ctx.pts)))
      ) {
        // An upright road user (a cyclist waiting, a pedestrian) is not an obstacle: seen now, or last seen
        // upright there, its track tentative too (one that never moved stays so: a cyclist waiting at the
        // kerb). One that is down is the track rule's (its incident is open, or about to be).
        model.cover(t.bx1, t.by1, t.bx2, t.by2, Cover.ROAD_USER, ctx.pts);
      }
    }
    this.handed.keepOnly(this.leftOut);
    model.update(ctx.frame!, ctx.pts);
    if (!model.ready(ctx.pts)) return;
    const blobs = model.blobs(ctx.pts, this.objectMs, OBJECT_CELLS);
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
    let parts: StaticBlob[] | undefined;
    for (const b of blobs) {
      if (this.objects.some((o) => ofObject(o, b, aspect)) || this.overlapsOwned(b, tracks, owns)) continue;
      parts ??= model.blobs(ctx.pts, 0, 1);
      const o = wholeObject(b, parts);
      if (model.isLightChange(cellsWith(b, parts), o.x1, o.y1, o.x2, o.y2)) {
        model.relearn(o.x1, o.y1, o.x2, o.y2, ctx.pts);
        continue;
      }
      // Its shadow, or the pool of its headlights on the road: judged once the vehicle has gone.
      if (this.stoppedBeside(o, b.first, tracks, ctx)) continue;
      const z = this.zoneAt((b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2, ctx);
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

  /**
   * Whether a vehicle that drove there and came to rest about when the blob (static since `first`) appeared
   * stands beside it (see STOPPED_WITH_MS; not one left to the object model): what lies right next to it,
   * static since it stopped, is its shadow or its headlights' pool on the road as likely as anything (its
   * box's jitter may move its rest on: later is no limit). A vehicle parked there before, or seen moving no
   * further than its box's jitter, does not hide an object that lands beside it, nor one whose box lies on
   * the blob (a track that jumped onto it).
   */
  private stoppedBeside(b: Box, first: number, tracks: readonly Track[], ctx: FrameContext): boolean {
    const mx = TOUCH_CELLS / this.model.cols;
    const my = TOUCH_CELLS / this.model.rows;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!info || !t.confirmed || this.leftOut.includes(t)) continue;
      const cls = info.classOf(t);
      if (cls !== 'car' && cls !== 'truck' && cls !== 'bus') continue;
      // Standing now, since about when the blob appeared or later.
      if (info.stillMs(ctx.pts) < STILL_BESIDE_MS || info.restSincePts < first - STOPPED_WITH_MS) continue;
      // It drove there: a parked car's box, jittering as traffic passes in front of it, moves nowhere.
      const h = t.by2 - t.by1;
      if (Math.hypot((info.restX - info.firstX) * ctx.aspect, info.restY - info.firstY) < DROVE_IN * h)
        continue;
      // Beside it, not under it: a track lying on the object (one that jumped onto it) is no shadow.
      if (
        intersectionArea(t.bx1, t.by1, t.bx2, t.by2, b.x1, b.y1, b.x2, b.y2) >
        0.5 * (b.x2 - b.x1) * (b.y2 - b.y1)
      )
        continue;
      const ex = Math.max(mx, TOUCH_BOX * (t.bx2 - t.bx1));
      const ey = Math.max(my, TOUCH_BOX * h);
      if (t.bx2 + ex >= b.x1 && t.bx1 - ex <= b.x2 && t.by2 + ey >= b.y1 && t.by1 - ey <= b.y2) return true;
    }
    return false;
  }

  /** Whether a road user that is down (the track rule's) lies on the blob. */
  private overlapsOwned(b: Box, tracks: readonly Track[], owns: (t: Track) => boolean): boolean {
    for (const t of tracks) {
      if (!owns(t)) continue;
      if (overlaps(b, { x1: t.bx1, y1: t.by1, x2: t.bx2, y2: t.by2 })) return true;
    }
    return false;
  }

  private zoneAt(x: number, y: number, ctx: FrameContext): number {
    for (const z of this.watched) {
      const poly = ctx.zones[z]!.cfg.polygon;
      if (pointInPolygon(x, y, poly)) return z;
    }
    return -1;
  }
}

/** The static cells of the parts (every static cell's blobs) that blob `b` lies on. */
function cellsWith(b: Box, parts: readonly StaticBlob[]): number {
  let n = 0;
  for (const p of parts) if (overlaps(b, p)) n += p.cells;
  return n;
}

/**
 * Whether blob `b` is of an open object incident's object: of the scene of the blob that raised it, or on
 * the object as the picture showed it then (a load spread along the lane settles piece by piece).
 */
function ofObject(o: ObjectIncident, b: Box, aspect: number): boolean {
  return sameScene(o, b, aspect) || overlaps(o.whole, b);
}
