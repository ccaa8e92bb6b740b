import type { CameraConfig } from '../../config/schema.js';
import { SIZE_STEP } from '../../tracking/byte-tracker.js';
import { classGroup, type Track } from '../../tracking/track.js';
import type { LineCrossing } from '../events.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { ENDED_TTL_MS, LineCounter } from '../line-counter.js';

/**
 * A new track continues a lost or ended one of the same class group when it appears where that one's
 * motion puts it now, at a similar size: in box sizes, at most STITCH_AHEAD further along its motion (a
 * vehicle that sped up), STITCH_BEHIND short of it, STITCH_ACROSS to the side (a vehicle behind the lost
 * one, in dense traffic, must not take over its state). A track slower than STITCH_MOVING box sizes per
 * second is matched within STITCH_BEHIND in any direction.
 */
const STITCH_AHEAD = 1.5;
const STITCH_BEHIND = 0.5;
const STITCH_ACROSS = 0.75;
const STITCH_MOVING = 0.3;
const STITCH_SIZE_RATIO = 2;
/** Matches a track needs before it counts for being first seen past a line (a few frames of evidence). */
const BIRTH_HITS = 3;
/** A new track this much inside another live track of its class group is a second box on that vehicle. */
const BIRTH_OVERLAP = 0.5;
/**
 * Two tracks crossing a line the same way within DUP_MS of each other, their boxes overlapping DUP_OVERLAP
 * of the narrower along the line, are one vehicle with two boxes (a motorcycle and its lower half, a
 * head-on motorcycle also called a car): counted once. (Two vehicles one behind the other cross it further
 * apart in time.)
 */
const DUP_MS = 300;
/**
 * ... or, for a track first seen past the line, crossing within this long and within a box along it, its
 * box about as wide (SIZE_STEP): a rider beside a car, or a car behind a rider, are two road users.
 */
const BIRTH_DUP_MS = 1000;
const DUP_OVERLAP = 0.6;
const RECENT = 16;

/** A crossing counted lately, with the box of its track then. */
interface RecentCount {
  line: number;
  dir: string;
  trackId: number;
  pts: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Counted for being first seen past the line. */
  birth: boolean;
}

/** Kinematics of a track at its end, for stitching a later fragment to it. */
interface EndedTrack {
  id: number;
  group: number;
  cx: number;
  cy: number;
  vx: number;
  vy: number;
  w: number;
  h: number;
  endPts: number;
}

/**
 * Line crossings: every matched track's anchor point goes to every counting line (see LineCounter). A new
 * track that continues a track the tracker lost (the vehicle moved further than the tracker could follow,
 * or was hidden for a moment) takes over that track's state on every line, so the vehicle is counted once:
 * not twice when the first track had crossed, not never when the break was at the line.
 */
export class LineCrossings implements FrameRule {
  readonly lines: LineCounter[];
  private readonly ended: EndedTrack[] = [];
  private readonly recent: RecentCount[] = [];

  constructor(camera: Pick<CameraConfig, 'id' | 'lines'>) {
    this.lines = camera.lines.map((l) => new LineCounter(camera.id, l));
  }

  update(tracks: readonly Track[], ctx: FrameContext): void {
    if (!ctx.inferred || this.lines.length === 0) return;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.matched || !info) continue;
      const born = !this.lines[0]!.knows(t.id);
      if (!born) this.separate(t, tracks);
      const stitched = born && this.stitch(t, tracks, ctx.pts);
      const duplicate = born && !stitched && overlapsLiveTrack(t, tracks);
      const cls = info.classOf(t);
      const level = !t.confirmed ? 0 : t.hits >= BIRTH_HITS ? 2 : 1;
      const w = t.kf.w;
      const h = t.kf.h;
      for (let l = 0; l < this.lines.length; l++) {
        const line = this.lines[l]!;
        const y = line.anchor === 'bottom' ? info.by : info.cy;
        const ev = line.observe(t.id, cls, level, info.cx, y, w, h, ctx.time, ctx.pts);
        if (duplicate) line.noBirth(t.id);
        if (ev && againstMotion(line, ev.direction, t.kf.vx, t.kf.vy)) {
          line.uncount(ev);
          continue;
        }
        if (
          ev &&
          !this.countedTwice(l, ev.direction, t.id, t.bx1, t.by1, t.bx2, t.by2, line, ev, t, tracks)
        ) {
          ctx.events.push(ev);
        }
      }
    }
  }

  /**
   * A fragment and the lost track it continued, both matched this frame on boxes that do not touch, are
   * two road users (the lost one was found again elsewhere, or the fragment was on a neighbour): their
   * link is dropped, so a crossing by one no longer counts for the other.
   */
  private separate(t: Track, tracks: readonly Track[]): void {
    const linked = this.lines[0]!.linkOf(t.id);
    if (linked === 0) return;
    for (let i = 0; i < tracks.length; i++) {
      const o = tracks[i]!;
      if (o.id !== linked) continue;
      if (!o.matched || (o.x1 < t.x2 && t.x1 < o.x2 && o.y1 < t.y2 && t.y1 < o.y2)) return;
      for (let l = 0; l < this.lines.length; l++) this.lines[l]!.unlink(t.id);
      return;
    }
  }

  /**
   * Whether a crossing the line just counted for `t` is a vehicle another track counted the same way less
   * than DUP_MS ago, on an overlapping box, or — when either was counted for being first seen past the
   * line — less than BIRTH_DUP_MS ago within a box width along the line, unless that track is seen at once
   * apart from `t` (then the count is taken back); else it is remembered. No `t`: counted at the track's
   * end.
   */
  private countedTwice(
    l: number,
    dir: string,
    id: number,
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    line: LineCounter,
    ev: LineCrossing,
    t?: Track,
    tracks?: readonly Track[],
  ): boolean {
    const ended = t === undefined;
    const recent = this.recent;
    const pts = ev.ptsMs;
    // A track first seen past the line, where another track crossed just before, is most likely that
    // vehicle again (the other track jumped off it): a wider window, and near is enough.
    const birth = line.lastBirth && !ended;
    const wide = line.extentAlong(x2 - x1, y2 - y1);
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i]!;
      if (r.line !== l || r.dir !== dir || r.trackId === id) continue;
      const dt = Math.abs(pts - r.pts);
      if (
        (birth || r.birth) &&
        dt <= BIRTH_DUP_MS &&
        line.alongDistance(x1, y1, x2, y2, r.x1, r.y1, r.x2, r.y2) <= 1 &&
        aboutAsWide(wide, line.extentAlong(r.x2 - r.x1, r.y2 - r.y1)) &&
        !(t && tracks && seenApart(t, r.trackId, tracks))
      ) {
        line.uncount(ev);
        return true;
      }
      if (dt > DUP_MS) continue;
      // Where each box lies along the line (what moving across it does not change).
      if (line.alongOverlap(x1, y1, x2, y2, r.x1, r.y1, r.x2, r.y2) >= DUP_OVERLAP) {
        line.uncount(ev);
        return true;
      }
    }
    const r: RecentCount = recent.length >= RECENT ? recent.shift()! : ({} as RecentCount);
    r.line = l;
    r.dir = dir;
    r.trackId = id;
    r.pts = pts;
    r.x1 = x1;
    r.y1 = y1;
    r.x2 = x2;
    r.y2 = y2;
    r.birth = birth;
    recent.push(r);
    return false;
  }

  /**
   * A track is gone: its line states are kept a while, for a fragment that continues it; a crossing it
   * made just before is counted (see LineCounter.forget).
   */
  trackEnded(t: Track, ctx: FrameContext): void {
    const pts = ctx.pts;
    for (let l = 0; l < this.lines.length; l++) {
      const line = this.lines[l]!;
      const ev = line.forget(t.id, pts);
      // Its box when last seen (the filtered one has coasted on since).
      if (ev && !this.countedTwice(l, ev.direction, t.id, t.x1, t.y1, t.x2, t.y2, line, ev)) {
        ctx.events.push(ev);
      }
    }
    if (this.lines.length === 0 || !t.confirmed) return;
    const e: EndedTrack = this.ended.length >= 32 ? this.ended.shift()! : ({} as EndedTrack);
    e.id = t.id;
    e.group = classGroup(t.cls);
    e.cx = t.kf.cx;
    e.cy = t.kf.cy;
    e.vx = t.kf.vx;
    e.vy = t.kf.vy;
    e.w = t.kf.w;
    e.h = t.kf.h;
    e.endPts = pts;
    this.ended.push(e);
  }

  /** The lost or recently ended track the new track `t` continues, if any: its line states go to `t`. */
  private stitch(t: Track, tracks: readonly Track[], pts: number): boolean {
    const group = classGroup(t.cls);
    const w = t.kf.w;
    const h = t.kf.h;
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let i = 0; i < tracks.length; i++) {
      const p = tracks[i]!;
      if (p.state !== 'lost' || p.matched || classGroup(p.cls) !== group) continue;
      // The tracker keeps predicting a lost track: kf is where it should be now.
      const d = gateDistance(p.kf.cx, p.kf.cy, p.kf.vx, p.kf.vy, p.kf.w, p.kf.h, t.kf.cx, t.kf.cy, w, h);
      if (d < bestD) {
        bestD = d;
        best = p.id;
      }
    }
    for (let i = this.ended.length - 1; i >= 0; i--) {
      const e = this.ended[i]!;
      const dt = (pts - e.endPts) / 1000;
      if (dt < 0 || dt * 1000 > ENDED_TTL_MS || e.group !== group) continue;
      const d = gateDistance(
        e.cx + e.vx * dt,
        e.cy + e.vy * dt,
        e.vx,
        e.vy,
        e.w,
        e.h,
        t.kf.cx,
        t.kf.cy,
        w,
        h,
      );
      if (d < bestD) {
        bestD = d;
        best = e.id;
      }
    }
    if (best < 0) return false;
    for (const line of this.lines) line.inherit(t.id, best);
    return true;
  }
}

/**
 * Distance (box sizes) between where a lost track should be now (`px`, `py`, moving at `vx`, `vy`) and a
 * new box, or infinity when the new box is outside the stitching gate or of another size.
 */
function gateDistance(
  px: number,
  py: number,
  vx: number,
  vy: number,
  pw: number,
  ph: number,
  x: number,
  y: number,
  w: number,
  h: number,
): number {
  const rh = ph > h ? ph / h : h / ph;
  if (!(rh <= STITCH_SIZE_RATIO)) return Number.POSITIVE_INFINITY;
  const sw = Math.max(pw, w);
  const sh = Math.max(ph, h);
  const dx = (x - px) / sw;
  const dy = (y - py) / sh;
  const ux = vx / sw;
  const uy = vy / sh;
  const speed = Math.hypot(ux, uy);
  const d = Math.hypot(dx, dy);
  if (speed < STITCH_MOVING) return d <= STITCH_BEHIND ? d : Number.POSITIVE_INFINITY;
  const along = (dx * ux + dy * uy) / speed;
  const across = Math.abs(dx * uy - dy * ux) / speed;
  return along >= -STITCH_BEHIND && along <= STITCH_AHEAD && across <= STITCH_ACROSS
    ? d
    : Number.POSITIVE_INFINITY;
}

/**
 * Whether a new track's box lies BIRTH_OVERLAP or more inside (or over) another confirmed live track of
 * its class group, or of the other vehicle group (a head-on motorcycle the detector also calls a car): a
 * second box on a vehicle already tracked, not a vehicle of its own.
 */
function overlapsLiveTrack(t: Track, tracks: readonly Track[]): boolean {
  const group = classGroup(t.cls);
  const vehicle = group !== 0;
  const ax1 = t.bx1;
  const ay1 = t.by1;
  const ax2 = t.bx2;
  const ay2 = t.by2;
  const areaA = (ax2 - ax1) * (ay2 - ay1);
  for (let i = 0; i < tracks.length; i++) {
    const o = tracks[i]!;
    if (o === t || !o.confirmed) continue;
    const og = classGroup(o.cls);
    if (og !== group && !(vehicle && og !== 0)) continue;
    const iw = Math.min(ax2, o.bx2) - Math.max(ax1, o.bx1);
    if (iw <= 0) continue;
    const ih = Math.min(ay2, o.by2) - Math.max(ay1, o.by1);
    if (ih <= 0) continue;
    const areaO = (o.bx2 - o.bx1) * (o.by2 - o.by1);
    if (iw * ih >= BIRTH_OVERLAP * Math.min(areaA, areaO)) return true;
  }
  return false;
}

/**
 * Whether the track moves against the direction it was just counted in (its filtered velocity takes its
 * anchor back across the line): a track re-found on the box behind its vehicle, or sliding onto a part of
 * the vehicle ahead, crosses backwards while the vehicle goes on the other way.
 */
function againstMotion(line: LineCounter, direction: string, vx: number, vy: number): boolean {
  // d(side)/dt for sideOf (a→b × velocity, y down); direction 0 is towards positive side.
  const rate = (line.bx - line.ax) * vy - (line.by - line.ay) * vx;
  return line.directions.indexOf(direction) === 0 ? rate < 0 : rate > 0;
}

/**
 * Whether track `otherId` is matched in this frame on a box that does not touch `t`'s: two road users seen
 * at once, not one vehicle's two tracks. Never for a person track: a rider whose bike is hidden (behind a
 * car) is seen as a person only, and a person counted at a carriageway line must be sure.
 */
function seenApart(t: Track, otherId: number, tracks: readonly Track[]): boolean {
  if (!t.matched || t.cls === 'person') return false;
  for (let i = 0; i < tracks.length; i++) {
    const o = tracks[i]!;
    if (o.id !== otherId) continue;
    return o.matched && !(o.x1 < t.x2 && t.x1 < o.x2 && o.y1 < t.y2 && t.y1 < o.y2);
  }
  return false;
}

/** Two extents within SIZE_STEP of each other (neither empty). */
function aboutAsWide(a: number, b: number): boolean {
  return Math.min(a, b) > 0 && Math.max(a, b) <= SIZE_STEP * Math.min(a, b);
}
