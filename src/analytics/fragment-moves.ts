// A new track taken for a fragment of a lost or ended one (LineCrossings.stitch), and a lost track the
// tracker found again, are judged by their first moves: a road user going the other way is not the
// vehicle the track followed.
import type { Track } from '../tracking/track.js';

/**
 * A fragment is another road user once it has moved this many of its box sizes as a whole from where it
 * was first seen, against the motion of the track it continued (cosine below AGAINST), in two or more
 * moves and none along it: a car on the other carriageway born where a coasting track's prediction had
 * drifted to, which took over that track's state, "counted" included, and was never counted itself.
 */
const JUDGE_MOVE = 0.3;
const AGAINST = -0.5;
const AGAINST_MOVES = 2;
/** ... when the track it continued moved at least this many box sizes a second (else it has no direction). */
const MOVING = 0.3;
/** ... within this long after it was first seen (ms), or never. */
const JUDGE_MS = 1000;
/** Fragments followed at once, at most (a bound, never reached on real traffic). */
const MAX_OPEN = 64;
/**
 * A lost track found again is judged the same way when it was lost this long (ms) — the tracker's widened
 * search while it coasts may reach another road user's box: a coasting car of one carriageway took the box
 * of a car going the other way, and that car's crossing went uncounted (the track had counted) — and was
 * moving at least REFOUND_MOVING box sizes a second: creeping queues' tracks have no direction to go against.
 */
const REFOUND_MS = 300;
const REFOUND_MOVING = 1.5;
/** Lost tracks followed at once, at most. */
const MAX_COASTING = 256;

interface Fragment {
  /** Box when first seen, and when last seen. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  px1: number;
  py1: number;
  px2: number;
  py2: number;
  /** Motion of the track it continued, box sizes a second. */
  ux: number;
  uy: number;
  pts: number;
  against: number;
  along: number;
  /** Per line, whether the state it took over had counted. */
  counted: boolean[];
}

/** How far a box moved as a whole along one axis from its two edges' moves: the lesser, when they agree. */
function wholeMove(a: number, b: number): number {
  if (a > 0 && b > 0) return Math.min(a, b);
  if (a < 0 && b < 0) return Math.max(a, b);
  return 0;
}

export class FragmentMoves {
  private readonly open = new Map<number, Fragment>();
  /** Lost tracks: velocity (fractions a second) and stream time when first seen lost. */
  private readonly lostAt = new Map<number, [number, number, number]>();

  get size(): number {
    return this.open.size;
  }

  get coasting(): number {
    return this.lostAt.size;
  }

  /** Track `t` is lost (unmatched) at `pts`: its motion until then is kept from the first such frame. */
  lost(t: Track, pts: number): void {
    if (this.lostAt.has(t.id)) return;
    if (this.lostAt.size >= MAX_COASTING) this.lostAt.clear();
    this.lostAt.set(t.id, [t.kf.vx, t.kf.vy, pts]);
  }

  /** Lost track `t` was found again: judged by its next moves when lost long enough, moving fast enough. */
  found(t: Track, pts: number, lines: readonly { tracks: { counted(trackId: number): boolean } }[]): void {
    const v = this.lostAt.get(t.id);
    if (!v) return;
    this.lostAt.delete(t.id);
    if (pts - v[2] >= REFOUND_MS) this.stitched(t, v[0], v[1], pts, lines, REFOUND_MOVING);
  }

  /**
   * Track `t`, just born, took over the state of a track moving at `vx`, `vy` (fractions a second) on
   * `lines` (judged when that track moved `moving` box sizes a second or more). Stitches are rare: one
   * small object each.
   */
  stitched(
    t: Track,
    vx: number,
    vy: number,
    pts: number,
    lines: readonly { tracks: { counted(trackId: number): boolean } }[],
    moving = MOVING,
  ): void {
    const w = t.kf.w;
    const h = t.kf.h;
    const ux = vx / w;
    const uy = vy / h;
    if (!(Math.hypot(ux, uy) >= moving)) return;
    if (this.open.size >= MAX_OPEN) this.open.clear();
    const counted = lines.map((l) => l.tracks.counted(t.id));
    const x1 = t.bx1;
    const y1 = t.by1;
    const x2 = t.bx2;
    const y2 = t.by2;
    this.open.set(t.id, {
      x1,
      y1,
      x2,
      y2,
      px1: x1,
      py1: y1,
      px2: x2,
      py2: y2,
      ux,
      uy,
      pts,
      against: 0,
      along: 0,
      counted,
    });
  }

  /**
   * Fragment `t` observed again: the per-line `counted` it started with when its moves show it is another
   * road user (the caller starts it over on the lines, unless it has counted since), else undefined.
   */
  judge(t: Track, pts: number): boolean[] | undefined {
    const f = this.open.get(t.id);
    if (!f) return undefined;
    if (pts - f.pts > JUDGE_MS) {
      this.open.delete(t.id);
      return undefined;
    }
    const w = f.x2 - f.x1;
    const h = f.y2 - f.y1;
    // Moved as a whole: both edges the same way (a box that only grew or shrank at one end did not move).
    const step =
      (wholeMove(t.bx1 - f.px1, t.bx2 - f.px2) / w) * f.ux +
      (wholeMove(t.by1 - f.py1, t.by2 - f.py2) / h) * f.uy;
    if (step < 0) f.against++;
    else if (step > 0) f.along++;
    f.px1 = t.bx1;
    f.py1 = t.by1;
    f.px2 = t.bx2;
    f.py2 = t.by2;
    const dx = wholeMove(t.bx1 - f.x1, t.bx2 - f.x2) / w;
    const dy = wholeMove(t.by1 - f.y1, t.by2 - f.y2) / h;
    const moved = Math.hypot(dx, dy);
    if (moved < JUDGE_MOVE || f.against < AGAINST_MOVES) return undefined;
    this.open.delete(t.id);
    const cos = (dx * f.ux + dy * f.uy) / (moved * Math.hypot(f.ux, f.uy));
    return f.along === 0 && cos < AGAINST ? f.counted : undefined;
  }

  /** The track ended. */
  ended(id: number): void {
    if (this.open.size > 0) this.open.delete(id);
    if (this.lostAt.size > 0) this.lostAt.delete(id);
  }
}
