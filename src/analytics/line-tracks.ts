import { copyFirstSighting } from './line-birth.js';
import { EndedTracks } from './line-fragments.js';
import { LineTrackPool, type LineTrackState } from './line-track-state.js';

/**
 * One line's per-track states: the live tracks', those of tracks ended lately (a fragment of one may take
 * its state over: inherit), and the links between a fragment and the lost track it continued.
 */
export class LineTracks {
  /** Live tracks' states by track id. */
  readonly live = new Map<number, LineTrackState>();
  private readonly pool = new LineTrackPool();
  private readonly ended = new EndedTracks(this.pool);

  /** A state for a track first seen at (x, y), on `side` of the line (its other fields the caller's). */
  start(trackId: number, x: number, y: number, side: number): LineTrackState {
    const s = this.pool.take(trackId, x, y, side);
    this.live.set(trackId, s);
    return s;
  }

  /**
   * The track ended: its live state, to be kept (keep) once its last crossing is judged, or undefined
   * (unknown, or superseded by the fragment that continues it: released).
   */
  end(trackId: number): LineTrackState | undefined {
    const s = this.live.get(trackId);
    if (!s) return undefined;
    this.live.delete(trackId);
    if (!s.superseded) return s;
    this.pool.release(s);
    return undefined;
  }

  /** Keeps an ended track's state a while (ENDED_TTL_MS) for a fragment that continues it. */
  keep(s: LineTrackState, ptsMs: number): void {
    this.ended.keep(s, ptsMs);
  }

  /**
   * `s` counted: it counts nothing more, nor does the track linked to it (see inherit: a fragment and the
   * lost track it continued, which the tracker found again, are one vehicle).
   */
  markCounted(s: LineTrackState): void {
    s.counted = true;
    if (s.link === 0) return;
    const l = this.live.get(s.link) ?? this.ended.find(s.link);
    if (l) l.counted = true;
  }

  /**
   * A new track `trackId` continues track `fromId` (live but lost, or ended within ENDED_TTL_MS): it takes
   * over the earlier track's side and whether it was counted. A lost track the tracker finds again goes on
   * beside the fragment (the new track was a second box on its vehicle, or another vehicle): whichever of
   * the two counts first counts for both (a rider whose track was lost for a moment in a clump used to go
   * uncounted when the fragment never crossed). Call before the new track's first observe(). Returns
   * false when the line knows nothing of `fromId`.
   */
  inherit(trackId: number, fromId: number): boolean {
    const live = this.live.get(fromId);
    const from = live ?? this.ended.take(fromId);
    if (!from) return false;
    const s = this.pool.take(trackId, from.x, from.y, from.side);
    if (live) {
      live.superseded = true;
      live.link = trackId;
      s.link = fromId;
    }
    s.counted = from.counted;
    s.pending = from.pending;
    s.pendingPts = from.pendingPts;
    s.pendingTime = from.pendingTime;
    s.pendingCls = from.pendingCls;
    s.pendingLevel = from.pendingLevel;
    s.pendingJump = from.pendingJump;
    s.pendingGap = from.pendingGap;
    s.pendingAway = from.pendingAway;
    s.pendingSide = from.pendingSide;
    s.pendingLo = from.pendingLo;
    s.pendingHi = from.pendingHi;
    s.pendingFirst = from.pendingFirst;
    s.extent = from.extent;
    s.w = from.w;
    s.h = from.h;
    s.borders = from.borders;
    s.prevSide = from.prevSide;
    s.prevExtent = from.prevExtent;
    s.prevW = from.prevW;
    s.prevH = from.prevH;
    s.prevBorders = from.prevBorders;
    s.changed = from.changed;
    s.n = from.n;
    s.bornPts = from.bornPts;
    s.step = from.step;
    s.lastPts = from.lastPts;
    // An earlier track first seen past the line and not yet judged: the fragment carries the judging on.
    s.inherited = from.firstSide === 0;
    if (!s.inherited) copyFirstSighting(s, from);
    this.live.set(trackId, s);
    // Released only now: taken from the pool before the copy, it was the very object handed out above.
    if (!live) this.pool.release(from);
    return true;
  }

  /**
   * Track `trackId` is another road user than the one its state followed (a fragment taken for another
   * track's continuation, see inherit, or a lost track the tracker found on someone else's box): it starts
   * over as a track first seen where it is now, and a live track it was linked to is its own again. Nothing
   * it counted since is taken back (callers disown only tracks that have not).
   */
  disown(trackId: number): void {
    const s = this.live.get(trackId);
    if (!s) return;
    if (s.link !== 0) {
      const l = this.live.get(s.link);
      if (l && l.link === trackId) {
        l.link = 0;
        l.superseded = false;
      }
    }
    this.live.delete(trackId);
    this.pool.release(s);
  }

  /** Whether the line counted this track (or a track it continued). */
  counted(trackId: number): boolean {
    return this.live.get(trackId)?.counted === true;
  }

  /** The track linked to this one (a fragment and the lost track it continued; 0: none, or counted). */
  linkOf(trackId: number): number {
    const s = this.live.get(trackId);
    return s && !s.counted ? s.link : 0;
  }

  /**
   * The track and the one it is linked to (see inherit) were seen at once on separate boxes: two road
   * users, not one vehicle's fragments. Neither has counted; each counts for its own crossing from now on
   * (a crossing the lost one made before the fragment took its state over stays the fragment's).
   */
  unlink(trackId: number): void {
    const s = this.live.get(trackId);
    if (!s || s.link === 0 || s.counted) return;
    const l = this.live.get(s.link);
    s.link = 0;
    if (l && l.link === trackId) l.link = 0;
  }

  /** Ids of ended tracks a new track could continue (stream time `ptsMs`), newest first. */
  endedIds(ptsMs: number): Generator<number> {
    return this.ended.ids(ptsMs);
  }
}
