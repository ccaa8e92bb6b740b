import type { LineConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES, type TrafficClass } from '../domain/traffic.js';
import type { LineCrossing } from './events.js';
import { segmentsCross, sideOf } from './geometry.js';
import { IntervalCounts } from './interval-counts.js';
import { backProjected, dropBirthIfBack, noteFirstSighting } from './line-birth.js';
import { boxChanged, changedSize, keepPrevious, MOVED, twoWheeler } from './line-box-change.js';
import { exitedAcross, exitPts } from './line-exit.js';
import { flowAllows, LineFlow } from './line-flow.js';
import { LineGeometry } from './line-geometry.js';
import {
  dropLeapPast,
  marginOf,
  movedOnPast,
  pendingHolds,
  stepAcross,
  stillAt,
  UNSEEN_MS,
  wentBack,
} from './line-pending.js';
import type { LineTrackState } from './line-track-state.js';
import { LineTracks } from './line-tracks.js';

export { BIRTH_GATE } from './line-birth.js';
export { ENDED_TTL_MS } from './line-fragments.js';

/**
 * Counts tracks crossing one line segment, once per vehicle, named by the line's directions: crossing to
 * the right of a->b (y down) is `directions[0]`. A track counts when two of its observed positions lie on
 * both sides of the segment; a crossing seen while the track is still tentative counts once it is
 * confirmed. A track first seen just past the line, moving away, is counted too (BIRTH_GATE), unless it
 * continues another track (a fragment: `inherit` hands it the earlier track's state, so a vehicle whose
 * track broke up is still counted exactly once).
 */
export class LineCounter extends LineGeometry {
  readonly id: string;
  readonly directions: readonly [string, string];
  readonly classes: readonly TrafficClass[];
  /** Its tracks' states (live and lately ended) and the links between fragments: see line-tracks.ts. */
  readonly tracks = new LineTracks();
  /** The latest crossing observe() returned was a track first seen past the line (back-projected). */
  lastBirth = false;
  /**
   * The latest crossing observe() returned was not seen well: the track was found past the line after
   * UNSEEN_MS or more without a box (it coasted across), or only found again that long after it crossed.
   * Like a birth, it may be another track's vehicle again.
   */
  lastUnseen = false;
  /**
   * How long (stream ms) the track of the latest crossing observe() returned had been seen when it crossed,
   * the tracks it continued included (see inherit).
   */
  lastSeenMs = 0;
  /**
   * The latest crossing observe() returned was made by a box change (not a two-wheeler's) and counted
   * once both edges of the box went on past where they were (line-pending.ts movedOnWhole): its way is
   * shown by that move, not by the track's velocity when counted (a slow queue may have stopped by then).
   */
  lastWentOn = false;
  /** Stream time of the first observation of any track (NaN before). */
  private startPts = Number.NaN;
  /** Crossings per count interval: index = direction * classes + class index in TRAFFIC_CLASSES. */
  readonly counts = new IntervalCounts(2 * TRAFFIC_CLASSES.length);
  /** Crossings since start, same layout. */
  readonly totals = new Int32Array(2 * TRAFFIC_CLASSES.length);
  /** Where tracks crossed lately, and which way (counted or not): the flow of each lane. */
  private readonly flow: LineFlow;
  /** Where the latest crossing returned was made along the line, and its vehicle's extent along it. */
  private lastAlong = 0;
  private lastExtent = 0;

  /** `faint(trackId)`: the live track's boxes scored below AGAINST_FLOW_SCORE on average (line-flow.ts). */
  constructor(
    readonly cameraId: string,
    line: LineConfig,
    faint?: (trackId: number) => boolean,
  ) {
    super(line);
    this.flow = new LineFlow(this.totals, this.tracks.live, this, faint);
    this.id = line.id;
    this.directions = line.directions;
    this.classes = line.classes ?? TRAFFIC_CLASSES;
  }

  /**
   * The new track is no vehicle of its own at birth (it overlaps another live track): it does not count
   * for being first seen past the line.
   */
  noBirth(trackId: number): void {
    const s = this.tracks.live.get(trackId);
    if (!s) return;
    s.firstSide = 0;
    s.duplicate = true;
  }

  /** Whether the line has seen this track. */
  knows(trackId: number): boolean {
    return this.tracks.live.has(trackId);
  }

  /**
   * Feeds a track's anchor point after a matched detection; `w`, `h` are its box size; `level` 0 for a
   * tentative track, 1 confirmed, 2 confirmed and seen long enough (BIRTH_HITS) for a track first seen
   * past the line to count. Returns a crossing (new object: crossings are rare) or undefined.
   */
  observe(
    trackId: number,
    cls: TrafficClass,
    level: number,
    x: number,
    y: number,
    w: number,
    h: number,
    timeMs: number,
    ptsMs: number,
  ): LineCrossing | undefined {
    const side = sideOf(this.ax, this.ay, this.bx, this.by, x, y);
    let s = this.tracks.live.get(trackId);
    if (!s) {
      if (Number.isNaN(this.startPts)) this.startPts = ptsMs;
      s = this.tracks.start(trackId, x, y, side);
      const extent = this.extentAcross(w, h);
      s.extent = extent;
      s.w = w;
      s.h = h;
      s.borders = this.bordersOf(x, y, w, h);
      keepPrevious(s, false);
      s.n = 1;
      s.bornPts = ptsMs;
      s.lastPts = ptsMs;
      noteFirstSighting(this, s, side, extent, h, ptsMs);
      return undefined;
    }
    let dir = -1;
    this.lastBirth = false;
    this.lastUnseen = false;
    this.lastWentOn = false;
    const gap = ptsMs - s.lastPts;
    // Move across the line per 100 ms since the last observation (none when either lies on the line).
    const across = side !== 0 && s.side !== 0;
    const step = across ? (side - s.side) / this.len / (Math.max(1, gap) / 100) : 0;
    const borders = this.bordersOf(x, y, w, h);
    const change = changedSize(this, s, side, w, h, borders);
    const resized = boxChanged(change, cls);
    const crossed =
      across &&
      Math.sign(side) !== Math.sign(s.side) &&
      segmentsCross(this.ax, this.ay, this.bx, this.by, s.x, s.y, x, y);
    if (crossed) this.flow.add(trackId, side > 0 ? 0 : 1, this.alongOf(x, y), this.extentAlong(w, h));
    if (!s.counted) {
      if (crossed) stepAcross(this, s, x, y, side, step, gap, change, cls, level, w, h, timeMs, ptsMs);
      dropLeapPast(this, s, side, step, cls);
      if (s.pending > 0) {
        if (
          pendingHolds(this, s, side, cls, level, x, y, w, h, ptsMs) &&
          flowAllows(
            this.against(s.pending - 1, trackId, x, y, w, h),
            ptsMs - s.bornPts,
            s.pendingGap >= UNSEEN_MS,
            s.duplicate,
            movedOnPast(this, s, side, w, h),
          )
        )
          dir = s.pending - 1;
      } else if (level > 1 && !s.inherited && s.firstSide !== 0 && side !== 0) {
        dir = backProjected(this, s, x, y, side, w, h, ptsMs, this.startPts);
        // Not seen crossing: against the flow, never (someone going the wrong way is seen coming).
        if (dir >= 0 && !flowAllows(this.against(dir, trackId, x, y, w, h), ptsMs - s.bornPts, true))
          dir = -1;
        this.lastBirth = dir >= 0;
      }
    }
    dropBirthIfBack(s, side);
    // A box that changed size (another detection taken for the track) did not move: its step is no motion.
    if (across && !resized) s.step = s.step !== 0 ? (s.step + step) / 2 : step;
    // Points exactly on the line keep the previous side, so touching the line and going back is no crossing.
    keepPrevious(s, change !== MOVED);
    if (side !== 0) s.side = side;
    s.x = x;
    s.y = y;
    s.extent = this.extentAcross(w, h);
    s.w = w;
    s.h = h;
    s.borders = borders;
    s.n++;
    s.lastPts = ptsMs;
    if (dir < 0) return undefined;
    this.tracks.markCounted(s);
    const held = s.pending > 0;
    this.lastUnseen = held && (s.pendingGap >= UNSEEN_MS || gap >= UNSEEN_MS);
    this.lastSeenMs = (held ? s.pendingPts : ptsMs) - s.bornPts;
    this.lastWentOn = held && s.pendingJump && borders === 0 && !twoWheeler(cls);
    s.pending = 0;
    // A held crossing happened when the track crossed, not when it was found to hold.
    return held
      ? this.count(dir, cls, trackId, s, s.pendingTime, s.pendingPts)
      : this.count(dir, cls, trackId, s, timeMs, ptsMs);
  }

  /** A crossing in direction `dir` by the track in state `s` (where it is now). */
  private count(
    dir: number,
    cls: TrafficClass,
    trackId: number,
    s: LineTrackState,
    timeMs: number,
    ptsMs: number,
  ) {
    if (!this.add(dir, cls, timeMs)) return undefined;
    this.lastAlong = this.alongOf(s.x, s.y);
    this.lastExtent = this.extentAlong(s.w, s.h);
    const crossing: LineCrossing = {
      type: 'line_crossing',
      cameraId: this.cameraId,
      lineId: this.id,
      direction: this.directions[dir]!,
      cls,
      trackId,
      timeMs,
      ptsMs,
    };
    return crossing;
  }

  /**
   * The track ended: its state is kept a while for a fragment that continues it (inherit). A crossing it
   * made on its last observations, by a track seen long enough (a vehicle that crossed and left the view
   * or the detector's sight), is counted now: a person's or a still road user's once past STILL_MARGIN, or
   * whatever the margin when the stream ended (`streamEnd`: no later frame could take it further), and an
   * unseen one unless the track went back toward the line since (AWAY_MARGIN); returned like observe()'s.
   */
  forget(trackId: number, ptsMs = 0, streamEnd = false): LineCrossing | undefined {
    const s = this.tracks.end(trackId);
    if (!s) return undefined;
    let crossing: LineCrossing | undefined;
    if (
      !s.counted &&
      s.pending > 0 &&
      (s.pendingAway || !wentBack(this, s)) &&
      s.pendingLevel > 1 &&
      flowAllows(
        this.against(s.pending - 1, trackId, s.x, s.y, s.w, s.h),
        s.lastPts - s.bornPts,
        s.pendingGap >= UNSEEN_MS,
        false,
        movedOnPast(this, s, s.side, s.w, s.h),
      ) &&
      !s.duplicate &&
      !s.pendingJump &&
      (streamEnd ||
        Math.abs(s.side) / this.len >=
          marginOf(false, s.pendingCls, stillAt(this, s, s.x, s.y, s.w, s.h, s.lastPts)) * s.extent)
    ) {
      this.tracks.markCounted(s);
      crossing = this.count(s.pending - 1, s.pendingCls, trackId, s, s.pendingTime, s.pendingPts);
      s.pending = 0;
    }
    this.tracks.keep(s, ptsMs);
    return crossing;
  }

  /**
   * The track, seen long enough, ended where its motion took it (`x`, `y`: its anchor as the tracker had
   * it at stream ms `ptsMs`, epoch ms `timeMs`) out of the picture across this line, with nothing pending
   * (line-exit.ts): a crossing, made when its path met the line, or undefined. Call before forget().
   */
  exited(
    trackId: number,
    cls: TrafficClass,
    x: number,
    y: number,
    timeMs: number,
    ptsMs: number,
  ): LineCrossing | undefined {
    const s = this.tracks.live.get(trackId);
    if (!s) return undefined;
    const dir = exitedAcross(this, s, x, y, ptsMs);
    // Not seen crossing: against the flow, never.
    if (dir < 0 || !flowAllows(this.against(dir, trackId, s.x, s.y, s.w, s.h), s.lastPts - s.bornPts, true)) {
      return undefined;
    }
    const pts = exitPts(s, sideOf(this.ax, this.ay, this.bx, this.by, x, y), ptsMs);
    this.tracks.markCounted(s);
    return this.count(dir, cls, trackId, s, timeMs - (ptsMs - pts), pts);
  }

  /** Takes back a crossing this line returned (the same vehicle was counted by another track). */
  uncount(crossing: LineCrossing): void {
    const dir = this.directions.indexOf(crossing.direction);
    const k = dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(crossing.cls);
    if (dir < 0 || this.totals[k]! <= 0) return;
    this.totals[k] = this.totals[k]! - 1;
    this.counts.remove(k, crossing.timeMs);
  }

  /**
   * A crossing this line returned turned out to be of class `cls` (its track's class settled later): it
   * moves there. False when this line does not count `cls`: the crossing is taken back.
   */
  reclass(crossing: LineCrossing, cls: TrafficClass): boolean {
    if (cls === crossing.cls) return true;
    this.uncount(crossing);
    if (!this.add(this.directions.indexOf(crossing.direction), cls, crossing.timeMs)) return false;
    crossing.cls = cls;
    return true;
  }

  /**
   * One crossing more in direction `dir` (0 or 1) for `cls`, made at epoch ms `timeMs`; false when this
   * line does not count `cls`.
   */
  private add(dir: number, cls: TrafficClass, timeMs: number): boolean {
    if (!this.classes.includes(cls)) return false;
    const k = dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(cls);
    this.counts.add(k, timeMs);
    this.totals[k] = this.totals[k]! + 1;
    return true;
  }

  /**
   * Whether the latest crossing this line returned (in `direction`) is against the flow: nearly all of the
   * line's crossings went the other way, and its lane carries no traffic its way (line-flow.ts).
   */
  againstFlow(direction: string, trackId: number): boolean {
    return this.flow.against(this.directions.indexOf(direction), this.lastAlong, this.lastExtent, trackId);
  }

  /** Whether a crossing in direction `dir` by track `trackId` at (x, y), `w` x `h`, is against the flow. */
  private against(dir: number, trackId: number, x: number, y: number, w: number, h: number): boolean {
    return this.flow.against(dir, this.alongOf(x, y), this.extentAlong(w, h), trackId);
  }

  /** Total crossings since start for a direction name and class. */
  total(direction: string, cls: TrafficClass): number {
    const dir = this.directions.indexOf(direction);
    if (dir < 0) return 0;
    return this.totals[dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(cls)]!;
  }
}
