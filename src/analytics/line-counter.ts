import type { LineConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES, type TrafficClass } from '../domain/traffic.js';
import type { LineCrossing } from './events.js';
import { segmentsCross, sideOf } from './geometry.js';

/**
 * A track first seen past the line, at most this many box extents (the box's size across the line) from
 * it and moving away, crossed it just before the detector saw it (far or small vehicles come out of the
 * detector's noise only near the line, or out of an occlusion): it is counted, back-projected to the line.
 * Further out it may have come from anywhere (a side road, a parking space): not counted.
 */
export const BIRTH_GATE = 1;
/**
 * Nothing is back-projected for tracks first seen this soon after the line's first observation (ms): what
 * is in view when a stream starts may have crossed long before.
 */
const WARM_UP_MS = 1000;
/**
 * A crossing counts once the track has stayed on the new side this long (ms): a detection box that jumps
 * across the line and back (a rider's box joining its motorcycle's, a partly hidden vehicle) is no
 * crossing. At 10 detector frames per second: the next frame.
 */
const HOLD_MS = 75;
/** `firstSide` of a track first seen exactly on the line. */
const ON_LINE = Number.MIN_VALUE;
/** A track first seen past the line is judged once it has moved this many box extents across it. */
const DECIDE_MOVE = 0.2;
/** ... while its edge nearer the line came back at most this many box extents ... */
const NEAR_EDGE_BACK = 0.1;
/**
 * A track crossing straight from its first box moved at most this many box extents per 100 ms: faster is a
 * new track leaping to another vehicle, not a crossing.
 */
const BIRTH_LEAP = 0.6;
/** ... and its box size changed by at most this factor ... */
const SIZE_JUMP = 1.5;
/** ... within this time after it was first seen (ms), or never. */
const DECIDE_WITHIN_MS = 2000;
/** The back-projected crossing must lie within the segment, up to this fraction of its length beyond. */
const SEGMENT_SLACK = 0.02;
/** Ended tracks whose state a continuing fragment may take over: how many, and for how long (ms). */
const ENDED_KEPT = 32;
export const ENDED_TTL_MS = 3000;

/** Per-track state of one line. Objects are reused (pooled). */
interface LineTrackState {
  id: number;
  x: number;
  y: number;
  side: number;
  counted: boolean;
  /**
   * Crossed (direction index + 1; 0: no): counted once the track is confirmed and still on the new side
   * HOLD_MS later; dropped when it comes back first.
   */
  pending: number;
  pendingPts: number;
  /** Wall clock, class and level of the track when it crossed (for a count at its end). */
  pendingTime: number;
  pendingCls: TrafficClass;
  pendingLevel: number;
  /** The box jumped in size as it crossed (a box change, not a move): not counted at the track's end. */
  pendingJump: boolean;
  /** Box extent across the line, and box size, at the latest observation. */
  extent: number;
  w: number;
  h: number;
  /** Observations so far, and the time of the latest. */
  n: number;
  lastPts: number;
  /**
   * First observation past the line: side (0: none or decided), distance in box extents, the extent, the
   * box's span across the line (signed distances of its two edges), position and time.
   */
  firstSide: number;
  firstDist: number;
  firstExtent: number;
  firstLo: number;
  firstHi: number;
  firstPts: number;
  /** Signed distance from the line at the first observation (0: on it). */
  firstD: number;
  firstX: number;
  firstY: number;
  /** Took over an ended or lost track's state: its history is known, nothing is back-projected. */
  inherited: boolean;
  /** A later fragment took this state over: this track counts nothing more. */
  superseded: boolean;
  /** Born on a vehicle already tracked (noBirth): no count for a crossing cut short by its end. */
  duplicate: boolean;
  /** Stream time of the end (ended list only). */
  endPts: number;
}

/**
 * Counts tracks crossing one line segment, once per vehicle, named by the line's directions: crossing to
 * the right of a->b (y down) is `directions[0]`. A track counts when two of its observed positions lie on
 * both sides of the segment; a crossing seen while the track is still tentative counts once it is
 * confirmed. A track first seen just past the line, moving away, is counted too (BIRTH_GATE), unless it
 * continues another track (a fragment: `inherit` hands it the earlier track's state, so a vehicle whose
 * track broke up is still counted exactly once).
 */
export class LineCounter {
  readonly id: string;
  private readonly ax: number;
  private readonly ay: number;
  private readonly bx: number;
  private readonly by: number;
  /** Unit normal of a->b in image fractions (pointing to the right of a->b) and the segment length. */
  private readonly nx: number;
  private readonly ny: number;
  private readonly len: number;
  readonly directions: readonly [string, string];
  readonly anchor: 'center' | 'bottom';
  readonly classes: readonly TrafficClass[];
  private readonly state = new Map<number, LineTrackState>();
  /** States of recently ended tracks, newest last (a fragment of one may take its state over). */
  private readonly ended: LineTrackState[] = [];
  private readonly pool: LineTrackState[] = [];
  /** The latest crossing observe() returned was a track first seen past the line (back-projected). */
  lastBirth = false;
  /** Stream time of the first observation of any track (NaN before). */
  private startPts = Number.NaN;
  /** Crossings in the current interval: index = direction * classes + class index in TRAFFIC_CLASSES. */
  readonly counts = new Int32Array(2 * TRAFFIC_CLASSES.length);
  /** Crossings since start, same layout. */
  readonly totals = new Int32Array(2 * TRAFFIC_CLASSES.length);

  constructor(
    readonly cameraId: string,
    line: LineConfig,
  ) {
    this.id = line.id;
    const [a, b] = line.points;
    this.ax = a![0];
    this.ay = a![1];
    this.bx = b![0];
    this.by = b![1];
    this.len = Math.hypot(this.bx - this.ax, this.by - this.ay);
    this.nx = -(this.by - this.ay) / this.len;
    this.ny = (this.bx - this.ax) / this.len;
    this.directions = line.directions;
    this.anchor = line.anchor;
    this.classes = line.classes ?? TRAFFIC_CLASSES;
  }

  /**
   * The new track is no vehicle of its own at birth (it overlaps another live track): it does not count
   * for being first seen past the line.
   */
  noBirth(trackId: number): void {
    const s = this.state.get(trackId);
    if (!s) return;
    s.firstSide = 0;
    s.duplicate = true;
  }

  /** Whether the line has seen this track. */
  knows(trackId: number): boolean {
    return this.state.has(trackId);
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
    let s = this.state.get(trackId);
    if (!s) {
      if (Number.isNaN(this.startPts)) this.startPts = ptsMs;
      s = this.fresh(trackId, x, y, side);
      // Distance from the line in box extents across it: how far past the line it was first seen.
      const extent = Math.abs(this.nx) * w + Math.abs(this.ny) * h;
      s.extent = extent;
      s.w = w;
      s.h = h;
      s.n = 1;
      s.lastPts = ptsMs;
      if (extent > 0 && ptsMs - this.startPts >= WARM_UP_MS) {
        // Exactly on the line: past it on whichever side it moves to.
        s.firstSide = side === 0 ? ON_LINE : side;
        s.firstDist = Math.abs(side) / this.len / extent;
        s.firstExtent = extent;
        const c = this.centreDistance(side, h);
        s.firstLo = c - extent / 2;
        s.firstHi = c + extent / 2;
        s.firstPts = ptsMs;
        s.firstD = side / this.len;
      }
      this.state.set(trackId, s);
      return undefined;
    }
    let dir = -1;
    this.lastBirth = false;
    if (!s.counted) {
      if (
        side !== 0 &&
        s.side !== 0 &&
        Math.sign(side) !== Math.sign(s.side) &&
        segmentsCross(this.ax, this.ay, this.bx, this.by, s.x, s.y, x, y)
      ) {
        // Crossed: counted once the new side holds (a box that jumps across and back is no crossing).
        if (s.pending > 0) s.pending = 0;
        else {
          s.pending = side > 0 ? 1 : 2;
          s.pendingPts = ptsMs;
          s.pendingTime = timeMs;
          s.pendingCls = cls;
          s.pendingLevel = level;
          const ext = Math.abs(this.nx) * w + Math.abs(this.ny) * h;
          const rw = s.w > 0 ? w / s.w : 1;
          const rh = s.h > 0 ? h / s.h : 1;
          s.pendingJump = Math.max(rw, 1 / rw, rh, 1 / rh) > SIZE_JUMP;
          // Straight from the track's first box: a new track that leapt (to another vehicle, in dense
          // traffic) is no crossing.
          if (s.n === 1) {
            const moved = Math.abs((side - s.side) / this.len) / Math.max(ext, s.extent);
            const dt = Math.max(1, ptsMs - s.lastPts) / 100;
            if (s.pendingJump || moved / dt > BIRTH_LEAP) s.pending = 0;
          }
        }
      }
      if (s.pending > 0) {
        if (level > 0 && ptsMs - s.pendingPts >= HOLD_MS) dir = s.pending - 1;
      } else if (level > 1 && !s.inherited && s.firstSide !== 0 && side !== 0) {
        if (s.firstSide === ON_LINE) s.firstSide = side;
        dir = this.backProjected(s, x, y, side, w, h, ptsMs);
        this.lastBirth = dir >= 0;
      }
    }
    if (
      side !== 0 &&
      s.firstSide !== 0 &&
      s.firstSide !== ON_LINE &&
      Math.sign(side) !== Math.sign(s.firstSide)
    ) {
      s.firstSide = 0;
    }
    // Points exactly on the line keep the previous side, so touching the line and going back is no crossing.
    if (side !== 0) s.side = side;
    s.x = x;
    s.y = y;
    s.extent = Math.abs(this.nx) * w + Math.abs(this.ny) * h;
    s.w = w;
    s.h = h;
    s.n++;
    s.lastPts = ptsMs;
    if (dir < 0 || s.superseded) return undefined;
    s.counted = true;
    const held = s.pending > 0;
    s.pending = 0;
    // A held crossing happened when the track crossed, not when it was found to hold.
    return held
      ? this.count(dir, cls, trackId, s.pendingTime, s.pendingPts)
      : this.count(dir, cls, trackId, timeMs, ptsMs);
  }

  /**
   * A track first seen past the line (within BIRTH_GATE box extents of it): once its centre has moved
   * DECIDE_MOVE box extents across the line, the direction it crossed in when it moved away as a whole —
   * its edge nearer the line did not come back, and the box did not change size by more than SIZE_JUMP (a
   * box that only grows at one end, a rider joining a motorcycle or a vehicle coming out from behind
   * another, does not move) — and the straight path back from its first position meets the segment; else
   * -1. Decided once, within DECIDE_WITHIN_MS.
   */
  private backProjected(
    s: LineTrackState,
    x: number,
    y: number,
    side: number,
    w: number,
    h: number,
    ptsMs: number,
  ): number {
    const first = s.firstSide;
    const e = s.firstExtent;
    const c = this.centreDistance(side, h);
    const extent = Math.abs(this.nx) * w + Math.abs(this.ny) * h;
    const sign = first > 0 ? 1 : -1;
    const c0 = (s.firstLo + s.firstHi) / 2;
    const moved = (c - c0) * sign;
    if (Math.abs(moved) < DECIDE_MOVE * e) {
      if (ptsMs - s.firstPts > DECIDE_WITHIN_MS) s.firstSide = 0;
      return -1;
    }
    s.firstSide = 0;
    // The edge nearer the line: lo on the positive side, hi on the negative one.
    const near = sign > 0 ? (c - extent / 2 - s.firstLo) * sign : (c + extent / 2 - s.firstHi) * sign;
    const ratio = extent / e;
    if (
      s.firstDist > BIRTH_GATE ||
      moved < 0 ||
      near < -NEAR_EDGE_BACK * e ||
      ratio > SIZE_JUMP ||
      ratio < 1 / SIZE_JUMP
    ) {
      return -1;
    }
    // Back along the motion from the first position to the line.
    const d0 = s.firstD;
    const d1 = side / this.len;
    const k = d0 / (d0 - d1);
    const px = s.firstX + (x - s.firstX) * k;
    const py = s.firstY + (y - s.firstY) * k;
    const t =
      ((px - this.ax) * (this.bx - this.ax) + (py - this.ay) * (this.by - this.ay)) / (this.len * this.len);
    if (t < -SEGMENT_SLACK || t > 1 + SEGMENT_SLACK) return -1;
    return first > 0 ? 0 : 1;
  }

  /** Signed distance of the box centre from the line, for an anchor at signed distance side / len. */
  private centreDistance(side: number, h: number): number {
    const d = side / this.len;
    // A bottom-centre anchor is h / 2 below the centre: the centre is that much against the normal's y.
    return this.anchor === 'bottom' ? d - (this.ny * h) / 2 : d;
  }

  private count(dir: number, cls: TrafficClass, trackId: number, timeMs: number, ptsMs: number) {
    if (!this.classes.includes(cls)) return undefined;
    const k = dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(cls);
    this.counts[k] = this.counts[k]! + 1;
    this.totals[k] = this.totals[k]! + 1;
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
   * A new track `trackId` continues track `fromId` (live but lost, or ended within ENDED_TTL_MS): it takes
   * over the earlier track's side and whether it was counted, and the earlier track counts nothing more.
   * Call before the new track's first observe(). Returns false when the line knows nothing of `fromId`.
   */
  inherit(trackId: number, fromId: number): boolean {
    let from = this.state.get(fromId);
    if (!from) {
      const i = this.ended.findIndex((e) => e.id === fromId);
      if (i < 0) return false;
      from = this.ended[i]!;
      this.ended.splice(i, 1);
      this.pool.push(from);
    } else {
      from.superseded = true;
    }
    const s = this.fresh(trackId, from.x, from.y, from.side);
    s.counted = from.counted;
    s.pending = from.pending;
    s.pendingPts = from.pendingPts;
    s.pendingTime = from.pendingTime;
    s.pendingCls = from.pendingCls;
    s.pendingLevel = from.pendingLevel;
    s.pendingJump = from.pendingJump;
    s.extent = from.extent;
    s.w = from.w;
    s.h = from.h;
    s.n = from.n;
    s.lastPts = from.lastPts;
    s.inherited = true;
    this.state.set(trackId, s);
    return true;
  }

  /** Ids of ended tracks a new track could continue (stream time `ptsMs`), newest first. */
  *endedIds(ptsMs: number): Generator<number> {
    for (let i = this.ended.length - 1; i >= 0; i--) {
      const e = this.ended[i]!;
      if (ptsMs - e.endPts <= ENDED_TTL_MS) yield e.id;
    }
  }

  /**
   * The track ended: its state is kept a while for a fragment that continues it (inherit). A crossing it
   * made on its last observations, by a track seen long enough (a vehicle that crossed and left the view
   * or the detector's sight), is counted now; returned like observe()'s.
   */
  forget(trackId: number, ptsMs = 0): LineCrossing | undefined {
    const s = this.state.get(trackId);
    if (!s) return undefined;
    this.state.delete(trackId);
    if (s.superseded) {
      this.pool.push(s);
      return undefined;
    }
    let crossing: LineCrossing | undefined;
    if (!s.counted && s.pending > 0 && s.pendingLevel > 1 && !s.duplicate && !s.pendingJump) {
      s.counted = true;
      crossing = this.count(s.pending - 1, s.pendingCls, trackId, s.pendingTime, s.pendingPts);
      s.pending = 0;
    }
    s.endPts = ptsMs;
    this.ended.push(s);
    // Drop the oldest beyond the bound, and those too old to continue.
    while (
      this.ended.length > ENDED_KEPT ||
      (this.ended.length > 0 && ptsMs - this.ended[0]!.endPts > ENDED_TTL_MS)
    ) {
      this.pool.push(this.ended.shift()!);
    }
    return crossing;
  }

  /** Overlap of two boxes' extents along the line, over the narrower one (0..1). */
  alongOverlap(
    ax1: number,
    ay1: number,
    ax2: number,
    ay2: number,
    bx1: number,
    by1: number,
    bx2: number,
    by2: number,
  ): number {
    // Along a->b: u = (ny, -nx) up to sign; a box projects onto [min, max] of u over its corners.
    const ux = this.ny;
    const uy = -this.nx;
    const a0 = Math.min(ux * ax1, ux * ax2) + Math.min(uy * ay1, uy * ay2);
    const a1 = Math.max(ux * ax1, ux * ax2) + Math.max(uy * ay1, uy * ay2);
    const b0 = Math.min(ux * bx1, ux * bx2) + Math.min(uy * by1, uy * by2);
    const b1 = Math.max(ux * bx1, ux * bx2) + Math.max(uy * by1, uy * by2);
    const inter = Math.min(a1, b1) - Math.max(a0, b0);
    const narrow = Math.min(a1 - a0, b1 - b0);
    return inter > 0 && narrow > 0 ? inter / narrow : 0;
  }

  /** Distance between two boxes' centres along the line, over the wider box's extent along it. */
  alongDistance(
    ax1: number,
    ay1: number,
    ax2: number,
    ay2: number,
    bx1: number,
    by1: number,
    bx2: number,
    by2: number,
  ): number {
    const ux = this.ny;
    const uy = -this.nx;
    const ca = (ux * (ax1 + ax2) + uy * (ay1 + ay2)) / 2;
    const cb = (ux * (bx1 + bx2) + uy * (by1 + by2)) / 2;
    const wide = Math.max(
      Math.abs(ux) * (ax2 - ax1) + Math.abs(uy) * (ay2 - ay1),
      Math.abs(ux) * (bx2 - bx1) + Math.abs(uy) * (by2 - by1),
    );
    return wide > 0 ? Math.abs(ca - cb) / wide : Number.POSITIVE_INFINITY;
  }

  /** Takes back a crossing this line returned (the same vehicle was counted by another track). */
  uncount(crossing: LineCrossing): void {
    const dir = this.directions.indexOf(crossing.direction);
    const k = dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(crossing.cls);
    if (dir < 0 || this.totals[k]! <= 0) return;
    this.totals[k] = this.totals[k]! - 1;
    if (this.counts[k]! > 0) this.counts[k] = this.counts[k]! - 1;
  }

  /** Total crossings since start for a direction name and class. */
  total(direction: string, cls: TrafficClass): number {
    const dir = this.directions.indexOf(direction);
    if (dir < 0) return 0;
    return this.totals[dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(cls)]!;
  }

  private fresh(id: number, x: number, y: number, side: number): LineTrackState {
    const s = this.pool.pop() ?? ({} as LineTrackState);
    s.id = id;
    s.x = x;
    s.y = y;
    s.side = side;
    s.counted = false;
    s.pending = 0;
    s.pendingPts = 0;
    s.pendingTime = 0;
    s.pendingCls = 'car';
    s.pendingLevel = 0;
    s.pendingJump = false;
    s.extent = 0;
    s.w = 0;
    s.h = 0;
    s.n = 0;
    s.lastPts = 0;
    s.firstSide = 0;
    s.firstDist = 0;
    s.firstExtent = 0;
    s.firstLo = 0;
    s.firstHi = 0;
    s.firstPts = 0;
    s.firstD = 0;
    s.firstX = x;
    s.firstY = y;
    s.inherited = false;
    s.superseded = false;
    s.duplicate = false;
    s.endPts = 0;
    return s;
  }
}
