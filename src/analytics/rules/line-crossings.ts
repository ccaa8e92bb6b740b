import type { CameraConfig } from '../../config/schema.js';
import { classGroup, findTrack, type Track } from '../../tracking/track.js';
import { CrossingClasses, SURE_PERSON_MS } from '../crossing-classes.js';
import type { LineCrossing } from '../events.js';
import { FragmentMoves } from '../fragment-moves.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { ENDED_TTL_MS, LineCounter } from '../line-counter.js';
import { faintTrack } from '../line-flow.js';
import { CarParts } from './car-parts.js';
import { RecentCrossings } from './recent-crossings.js';
import { againstMotion, gateDistance, overlapsLiveTrack, seenApart } from './track-relations.js';

/** Matches a track needs before it counts for being first seen past a line (a few frames of evidence). */
const BIRTH_HITS = 3;
/**
 * ... and how long it must have been tracked (ms): at 25 fps three matches come within 80 ms, one glimpse
 * whose frames share their noise (a part box, a flicker), where at the default 10 fps they span 200 ms.
 */
const BIRTH_SEEN_MS = 200;

/** Whether track `t` has been seen long enough to count for a crossing it was not seen making. */
const seenLongEnough = (t: Track) => t.hits >= BIRTH_HITS && t.ageMs >= BIRTH_SEEN_MS;
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
  /** Per line, its crossings counted lately. */
  private readonly recent: RecentCrossings[];
  /** Crossings counted whose class is still settling (reported once it has). */
  private readonly classes = new CrossingClasses((id) => this.parts.isPart(id));
  /** Two-wheeler boxes on cars (a taxi's front corner called a motorcycle): not road users of their own. */
  private readonly parts = new CarParts();
  /** Fragments and lost tracks found again, not judged yet by their own first moves. */
  private readonly fragments = new FragmentMoves();
  /** The tracks of the frame being handled (a line's flow asks how faint another track is). */
  private frameTracks: readonly Track[] = [];

  constructor(
    camera: Pick<CameraConfig, 'id' | 'lines'>,
    /** Height of a two-wheeler with its rider whose box ends on row y2 (NaN: not known yet). */
    riderHeight: (y2: number) => number = () => Number.NaN,
  ) {
    const faint = (id: number) => {
      const t = findTrack(this.frameTracks, id);
      return t !== undefined && faintTrack(t);
    };
    this.lines = camera.lines.map((l) => new LineCounter(camera.id, l, faint));
    this.recent = this.lines.map(() => new RecentCrossings(riderHeight));
  }

  update(tracks: readonly Track[], ctx: FrameContext): void {
    this.frameTracks = tracks;
    if (this.classes.size > 0) this.classes.release(ctx.pts, tracks, ctx, ctx.events);
    if (!ctx.inferred || this.lines.length === 0) return;
    this.parts.update(tracks, ctx.pts);
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.matched) {
        if (t.state === 'lost' && this.lines[0]!.knows(t.id)) this.fragments.lost(t, ctx.pts);
        continue;
      }
      if (!info) continue;
      const born = !this.lines[0]!.knows(t.id);
      if (!born && this.fragments.coasting > 0) this.fragments.found(t, ctx.pts, this.lines);
      if (!born) this.separate(t, tracks);
      if (!born && this.fragments.size > 0) this.judgeFragment(t, ctx.pts);
      const stitched = born && this.stitch(t, tracks, ctx.pts);
      const duplicate = born && !stitched && overlapsLiveTrack(t, tracks);
      const cls = info.classOf(t);
      const level = !t.confirmed ? 0 : seenLongEnough(t) ? 2 : 1;
      const w = t.kf.w;
      const h = t.kf.h;
      for (let l = 0; l < this.lines.length; l++) {
        const line = this.lines[l]!;
        const y = line.anchor === 'bottom' ? info.by : info.cy;
        const ev = line.observe(t.id, cls, level, info.cx, y, w, h, ctx.time, ctx.pts);
        if (duplicate) line.noBirth(t.id);
        if (
          ev &&
          ((!line.lastWentOn && againstMotion(line, ev.direction, t.kf.vx, t.kf.vy)) ||
            faintAgainstFlow(line, ev, t))
        ) {
          line.uncount(ev);
          continue;
        }
        if (
          ev &&
          !this.recent[l]!.countedTwice(line, ev, t.id, t.bx1, t.by1, t.bx2, t.by2, this.classes, t, tracks)
        ) {
          this.classes.hold(ev, line, ctx.pts, line.lastBirth || line.lastSeenMs < SURE_PERSON_MS);
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
    const linked = this.lines[0]!.tracks.linkOf(t.id);
    if (linked === 0 || !seenApart(t, linked, tracks)) return;
    for (let l = 0; l < this.lines.length; l++) this.lines[l]!.tracks.unlink(t.id);
  }

  /**
   * Reports every crossing made before epoch ms `madeBefore` (Infinity: every one) whose class is still
   * settling, with its track's class now: before the count interval they were made in is published.
   */
  settle(ctx: FrameContext, madeBefore: number): void {
    if (this.classes.size > 0) {
      this.classes.release(Number.NEGATIVE_INFINITY, ctx.tracks, ctx, ctx.events, madeBefore);
    }
  }

  /**
   * A track is gone: its line states are kept a while, for a fragment that continues it; a crossing it
   * made just before is counted (see LineCounter.forget; `streamEnd`: the stream ended). Its crossings are
   * reported with its class at the end.
   */
  trackEnded(t: Track, ctx: FrameContext, streamEnd = false): void {
    const pts = ctx.pts;
    this.fragments.ended(t.id);
    for (let l = 0; l < this.lines.length; l++) {
      const line = this.lines[l]!;
      // Where the tracker had its anchor now (coasted on since it was last seen): gone out of the picture
      // across the line? Unseen, a person crossing so is doubtful.
      const y = line.anchor === 'bottom' ? t.kf.cy + t.kf.h / 2 : t.kf.cy;
      let ev =
        !streamEnd && t.confirmed && seenLongEnough(t)
          ? line.exited(t.id, ctx.classOf(t), t.kf.cx, y, ctx.time, pts)
          : undefined;
      const exited = ev !== undefined;
      ev ??= line.forget(t.id, pts, streamEnd);
      if (ev && faintAgainstFlow(line, ev, t)) {
        line.uncount(ev);
        ev = undefined;
      }
      // Its box when last seen (the filtered one has coasted on since).
      if (ev && !this.recent[l]!.countedTwice(line, ev, t.id, t.x1, t.y1, t.x2, t.y2, this.classes)) {
        this.classes.hold(ev, line, pts, exited);
      }
    }
    if (this.classes.size > 0) this.classes.ended(t.id, ctx.classOf(t), ctx.events);
    this.parts.forget(t.id);
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
    let bestVx = 0;
    let bestVy = 0;
    for (let i = 0; i < tracks.length; i++) {
      const p = tracks[i]!;
      if (p.state !== 'lost' || p.matched || classGroup(p.cls) !== group) continue;
      // The tracker keeps predicting a lost track: kf is where it should be now.
      const d = gateDistance(p.kf.cx, p.kf.cy, p.kf.vx, p.kf.vy, p.kf.w, p.kf.h, t.kf.cx, t.kf.cy, w, h);
      if (d < bestD) {
        bestD = d;
        best = p.id;
        bestVx = p.kf.vx;
        bestVy = p.kf.vy;
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
        bestVx = e.vx;
        bestVy = e.vy;
      }
    }
    if (best < 0) return false;
    for (const line of this.lines) line.tracks.inherit(t.id, best);
    this.fragments.stitched(t, bestVx, bestVy, pts, this.lines);
    return true;
  }

  /**
   * A fragment whose own first moves went against the track it continued (or a lost track found again,
   * against its own motion before) is another road user: it starts over on every line as a track first
   * seen now (unless it counted since).
   */
  private judgeFragment(t: Track, pts: number): void {
    const counted = this.fragments.judge(t, pts);
    if (!counted) return;
    for (let l = 0; l < this.lines.length; l++) {
      if (this.lines[l]!.tracks.counted(t.id) !== counted[l]) return;
    }
    for (const line of this.lines) line.tracks.disown(t.id);
  }
}

/**
 * A crossing against the flow of a line nearly all of whose traffic went the other way, by a track whose
 * boxes scored below AGAINST_FLOW_SCORE on average: a faint track wandering back through a queue.
 */
function faintAgainstFlow(line: LineCounter, ev: LineCrossing, t: Track): boolean {
  return faintTrack(t) && line.againstFlow(ev.direction, t.id);
}
