import type { TrafficClass } from '../domain/traffic.js';

/** Per-track state of one line. Objects are reused (pooled). */
export interface LineTrackState {
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
  /** Time since the observation before the crossing (ms): long when the track coasted across unseen. */
  pendingGap: number;
  /**
   * The track moved on away from the line after crossing: a crossing made unseen (over UNSEEN_MS without
   * a box, a fragment continuing a lost track) counts only then, and yields to a crossing back before.
   */
  pendingAway: boolean;
  /** Signed distance from the line where the track was found past it (the side's scale). */
  pendingSide: number;
  /** Signed distances (image fractions) of that box's two edges across the line (a box change's crossing). */
  pendingLo: number;
  pendingHi: number;
  /** The pending crossing is the track's first step, from its first box (line-pending.ts stepAcross). */
  pendingFirst: boolean;
  /** Box extent across the line, and box size, at the latest observation. */
  extent: number;
  w: number;
  h: number;
  /** Frame borders the latest box touched (line-geometry.ts borders() bits). */
  borders: number;
  /** Side, box extent, size and borders at the observation before the latest (a box change over two steps). */
  prevSide: number;
  prevExtent: number;
  prevW: number;
  prevH: number;
  prevBorders: number;
  /** The latest observation's step was a box change (changedSize), not a move. */
  changed: boolean;
  /** Signed move across the line per 100 ms (image fractions), its latest steps averaged (halved each step); 0: none. */
  step: number;
  /** Observations so far, and the time of the first (a fragment's: the track it continued) and latest. */
  n: number;
  bornPts: number;
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
  /** Frame borders the first box touched (bits, see line-birth.ts): a vehicle entering the picture there. */
  firstBorders: number;
  /** Took over an ended or lost track's state: its history is known, nothing is back-projected. */
  inherited: boolean;
  /**
   * A later fragment took this state over while this track was lost (it keeps no state for stitching when
   * it ends).
   */
  superseded: boolean;
  /**
   * The other track of a fragment and the lost track it continued (0: none): the tracker may find the lost
   * one again, and both go on; once either counts, the other does not.
   */
  link: number;
  /** Born on a vehicle already tracked (noBirth): no count for a crossing cut short by its end. */
  duplicate: boolean;
  /** Stream time of the end (ended list only). */
  endPts: number;
}

/** Recycles the per-track states of one line: no allocation per track once the pool is warm. */
export class LineTrackPool {
  private readonly free: LineTrackState[] = [];

  release(s: LineTrackState): void {
    this.free.push(s);
  }

  /** A state for a track seen first at (x, y), `side` of the line; every field reset. */
  take(id: number, x: number, y: number, side: number): LineTrackState {
    const s = this.free.pop() ?? ({} as LineTrackState);
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
    s.pendingGap = 0;
    s.pendingAway = false;
    s.pendingSide = 0;
    s.pendingLo = 0;
    s.pendingHi = 0;
    s.pendingFirst = false;
    s.extent = 0;
    s.w = 0;
    s.h = 0;
    s.borders = 0;
    s.prevSide = side;
    s.prevExtent = 0;
    s.prevW = 0;
    s.prevH = 0;
    s.prevBorders = 0;
    s.changed = false;
    s.step = 0;
    s.n = 0;
    s.bornPts = 0;
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
    s.firstBorders = 0;
    s.inherited = false;
    s.superseded = false;
    s.link = 0;
    s.duplicate = false;
    s.endPts = 0;
    return s;
  }
}
