// A crossing a line saw, pending until it holds (LineCounter.observe and forget): when a step across the
// line starts one, when it was a leap or a box change instead, and how far past the line it must get.
import type { TrafficClass } from '../domain/traffic.js';
import { boxChanged, MOVED, twoWheeler } from './line-box-change.js';
import type { LineGeometry } from './line-geometry.js';
import type { LineTrackState } from './line-track-state.js';

/**
 * A crossing counts once the track has stayed on the new side this long (ms): a detection box that jumps
 * across the line and back (a rider's box joining its motorcycle's, a partly hidden vehicle) is no
 * crossing. At 10 detector frames per second: the next frame.
 */
export const HOLD_MS = 75;
/**
 * A track crossing straight from its first box moved at most this many box extents per 100 ms, across the
 * line or along it: faster is a new track leaping to another vehicle, not a crossing. Along it: in a clump
 * of riders a track born on a faint box beside one rider took the next rider's box, a box width to the
 * side, and with it the line (Jakarta, three lines, every frame: a motorcycle going up at 0.9).
 */
const BIRTH_LEAP = 0.6;
/**
 * A track that moved at least REVERSE_FROM box extents per 100 ms one way (its recent steps across the line,
 * averaged), and on the whole that way since it was first seen, and now crosses the line the other way by
 * more than REVERSE_LEAP box extents in one step leapt to another road user (in a clump of riders), it did
 * not turn round: no crossing. One box jumping back (a rider's box cut to the motorcycle) turns the average
 * but not the way the track came: the next step on across the line is a crossing (Jakarta, a line at 0.9:
 * a rider's step down over it was taken for a leap, and the box later sliding back over it counted up).
 * A fragment that took over a lost track's state (first sighting unknown, firstD 0) has its recent steps only.
 */
const REVERSE_FROM = 0.03;
const REVERSE_LEAP = 0.3;
/**
 * The reverse leap is a move between two looks a detector frame apart (100 ms at 10 fps, less at a higher
 * rate): a track found again after coasting longer has its move taken per LEAP_GAP_MS. A motorcycle in a
 * slow queue whose box had jumped back a little (its average step pointed backward), lost for 0.9 s and
 * found 0.6 box extents further on, past the line, had moved on, not leapt (Jakarta, a line at 0.6, every
 * frame: it went uncounted).
 */
const LEAP_GAP_MS = 100;
/**
 * A crossing made by a box that changed size rather than moved (changedSize: another detection taken for
 * the track, a box shrinking to a rider) counts only once the track is this many box extents past the line
 * and, but for a two-wheeler, both edges of its box went on AWAY_MARGIN beyond where they were
 * (movedOnWhole): a centre that merely slid over it on the change is no crossing. A step back across the
 * line undoes it and, but for a two-wheeler, is the track's own crossing, held the same way (stepAcross).
 */
const JUMP_MARGIN = 0.25;
/**
 * A person's crossing, or that of a road user standing where the line first saw it (seen STILL_MS or
 * longer, within STILL_MOVE box extents of there), counts only once it is this many box extents past the
 * line: someone waiting or sitting on the pavement under a full-width line, or a motorbike parked there,
 * whose box only flickers in size, has the centre dither across the line by a hundredth of its height and
 * was counted going the other way (Jakarta, a line at 0.6: a "person" going up). Someone walking through
 * gets that far within a detector frame or two, and the crossing keeps the time it was made. Moving
 * vehicles are left alone: a margin for every crossing moved the dense-traffic counts by ±1 either way.
 */
const STILL_MARGIN = 0.1;
const STILL_MS = 1000;
const STILL_MOVE = 0.5;

/**
 * A crossing still short of its margin (a person's or a still road user's, STILL_MARGIN) that
 * gets past it by one step of at least LEAP_STEP box extents, LEAP_RATIO times the track's recent steps
 * across the line (averaged), is a leap onto another road user, no crossing: in the UK spray a box on a
 * blur of tail lights sat on the line for three seconds and then jumped half its height down onto the car
 * behind it, against that carriageway's traffic.
 */
const LEAP_STEP = 0.4;
const LEAP_RATIO = 5;

/**
 * How far past the line (box extents) a crossing must get to count: JUMP_MARGIN for a box that changed
 * size across it, STILL_MARGIN for a person or a road user standing still.
 */
export function marginOf(jump: boolean, cls: TrafficClass, still: boolean): number {
  if (jump) return JUMP_MARGIN;
  return cls === 'person' || still ? STILL_MARGIN : 0;
}

/**
 * A track found past the line after this long without a box (ms), or found again only this long after it
 * crossed, was not seen crossing well (lastUnseen): two missed detector frames at 5 fps, four at 10 fps.
 */
export const UNSEEN_MS = 500;

/**
 * A crossing made unseen (UNSEEN_MS: a track found past the line after coasting, a fragment continuing a
 * lost track) counts once the track has moved on this many box extents further from the line than where
 * it was found past it, or at its end if it did not come back as far toward the line. A fragment going
 * back toward the line is another vehicle coming the other way (UK rain, re-encoded: an oncoming car found
 * where a lost car of the other carriageway was predicted, 2 s after it was last seen, counted that car's
 * direction). Its own crossing back still undoes the pending one and is not counted. Counting it instead
 * was tried: it found the oncoming car there and a passing car on the residential demo, but the demo's
 * `analyze` at 5 fps then counted 5 cars leftward where 4 pass (one is counted twice by a track born on
 * two cars' merged box that jumps onto the parked one), so not kept.
 */
const AWAY_MARGIN = 0.1;

/*
 * FIRST_STEP: a crossing straight from the track's first box counts only once the track has moved on
 * AWAY_MARGIN further, as an unseen one does: a track born on the box of the rider behind (or on two
 * riders' box) takes the rider's own box next, just across the line, and then goes on with the traffic,
 * back over the line (Jakarta, a line at 0.75, 10 fps: two motorcycles counted going up in the first
 * second, against all the traffic). Its step back undoes the first crossing and is the track's own
 * crossing, which also counts only once it has moved on (a box that jumped there and back has not; and a
 * big step back against the way the track came since its first box is a leap, REVERSE_LEAP) — unless the
 * track was born as a second box on a road user already tracked (Jakarta, three lines, every frame: a box
 * over a rider and the pillion, the rider counted, crossed 0.8 back and forth).
 */

/**
 * The track stepped across the line, from `s.side` to `side` (`step`: its move across per 100 ms, `gap`
 * ms since its last observation, `change`: whether its box changed rather than moved, see changedSize): a
 * crossing pending until the new side holds. A second step across undoes a pending one (a box that jumps across and back is no
 * crossing), and so does a leap: straight from the track's first box (a new track that leapt to another
 * vehicle, in dense traffic), or back against the way it was going (BIRTH_LEAP, REVERSE_LEAP).
 */
export function stepAcross(
  g: LineGeometry,
  s: LineTrackState,
  x: number,
  y: number,
  side: number,
  step: number,
  gap: number,
  change: number,
  cls: TrafficClass,
  level: number,
  w: number,
  h: number,
  timeMs: number,
  ptsMs: number,
): void {
  // A crossing straight from the first box that the track undoes is that box's (see FIRST_STEP): the step
  // back is the track's own crossing, unless the track was born as a second box on a road user already
  // tracked (its steps are that road user's). So is the step back from a crossing made by a box change
  // (changedSize), held as a box change itself (UK rain at 0.5, every frame: a car of the other carriageway,
  // its box grown up over the line and back, was counted coming down), unless the step back changed the
  // box too, over two steps (the box coming back). Not a two-wheeler's (twoWheeler).
  const resized = boxChanged(change, cls);
  const jumpBack = s.pending > 0 && s.pendingJump && change === MOVED && !s.duplicate && !twoWheeler(cls);
  const first = s.pending > 0 && s.pendingFirst && !s.duplicate;
  if (s.pending > 0) {
    s.pending = 0;
    s.pendingFirst = false;
    if (!first && !jumpBack) return;
  }
  s.pending = side > 0 ? 1 : 2;
  s.pendingPts = ptsMs;
  s.pendingTime = timeMs;
  s.pendingCls = cls;
  s.pendingLevel = level;
  s.pendingJump = resized || jumpBack;
  s.pendingGap = gap;
  s.pendingFirst = s.n === 1;
  s.pendingAway = gap < UNSEEN_MS && !s.pendingFirst && !first && !jumpBack;
  s.pendingSide = side;
  const c = g.centreDistance(side, h);
  const across = g.extentAcross(w, h);
  s.pendingLo = c - across / 2;
  s.pendingHi = c + across / 2;
  const e = Math.max(across, s.extent);
  if (s.n === 1 && (s.pendingJump || Math.abs(step) / e > BIRTH_LEAP || leaptAlong(g, s, x, y, w, h, gap)))
    s.pending = 0;
  if (
    s.step * step < 0 &&
    Math.abs(s.step) >= REVERSE_FROM * e &&
    (s.side - s.firstD * g.len) * step < 0 &&
    Math.abs(side - s.side) / g.len / Math.max(1, gap / LEAP_GAP_MS) > REVERSE_LEAP * e
  )
    s.pending = 0;
}

/**
 * Whether the track moved more than BIRTH_LEAP box extents (the wider box's) along the line to (x, y), box
 * `w` x `h`: in one step, or per 100 ms when found again after a longer gap. A box width in one step is a
 * leap at any frame rate; scaled up from a 33 ms step, a rider weaving at 30 fps would leap.
 */
function leaptAlong(
  g: LineGeometry,
  s: LineTrackState,
  x: number,
  y: number,
  w: number,
  h: number,
  gap: number,
): boolean {
  const w0 = s.w / 2;
  const h0 = s.h / 2;
  const apart = g.alongDistance(
    s.x - w0,
    s.y - h0,
    s.x + w0,
    s.y + h0,
    x - w / 2,
    y - h / 2,
    x + w / 2,
    y + h / 2,
  );
  return apart / Math.max(1, gap / 100) > BIRTH_LEAP;
}

/** A pending crossing still short of its margin that gets past it by one leap (LEAP_STEP) was none. */
export function dropLeapPast(
  g: LineGeometry,
  s: LineTrackState,
  side: number,
  step: number,
  cls: TrafficClass,
): void {
  if (
    s.pending > 0 &&
    Math.abs(s.side) / g.len <
      marginOf(false, cls, stillAt(g, s, s.x, s.y, s.w, s.h, s.lastPts)) * s.extent &&
    Math.abs(side - s.side) / g.len >= LEAP_STEP * s.extent &&
    Math.abs(step) >= LEAP_RATIO * Math.abs(s.step)
  )
    s.pending = 0;
}

/**
 * Whether the pending crossing holds at this observation (`side`, box `w` x `h` at (x, y)): made seen (or
 * moved on AWAY_MARGIN since, noted here), the track confirmed (`level`), HOLD_MS on the new side, and
 * its margin past the line. The line's flow (`allowed`) is the caller's.
 */
export function pendingHolds(
  g: LineGeometry,
  s: LineTrackState,
  side: number,
  cls: TrafficClass,
  level: number,
  x: number,
  y: number,
  w: number,
  h: number,
  ptsMs: number,
): boolean {
  const e = g.extentAcross(w, h);
  if (!s.pendingAway && awayBy(g, s, side) >= AWAY_MARGIN * e) s.pendingAway = true;
  return (
    s.pendingAway &&
    (!s.pendingJump || twoWheeler(cls) || g.bordersOf(x, y, w, h) !== 0 || movedOnWhole(g, s, side, w, h)) &&
    level > 0 &&
    ptsMs - s.pendingPts >= HOLD_MS &&
    Math.abs(side) / g.len >= marginOf(s.pendingJump, cls, stillAt(g, s, x, y, w, h, ptsMs)) * e
  );
}

/**
 * Whether both edges of the box (now at `side`, `w` x `h`) lie AWAY_MARGIN box extents or more beyond
 * where they were when the track crossed: the road user went on, where a crossing made by a box changing
 * size may only have a box that changed again (UK rain at 0.5, 10 fps: a car's box grew onto the lorry
 * behind it, over the line, then shrank to the lorry; its centre went on up, the lorry's top edge came down).
 * Not asked of a box the frame's border cuts (its edge there stays put as the vehicle leaves: NL, every
 * frame, a car at 0.75).
 */
function movedOnWhole(g: LineGeometry, s: LineTrackState, side: number, w: number, h: number): boolean {
  const e = g.extentAcross(w, h);
  const c = g.centreDistance(side, h);
  const sign = s.pending === 1 ? 1 : -1;
  return Math.min((c - e / 2 - s.pendingLo) * sign, (c + e / 2 - s.pendingHi) * sign) >= AWAY_MARGIN * e;
}

/**
 * Whether the track, now at `side` with a box `w` x `h`, lies AWAY_MARGIN box extents or more beyond where
 * it was found past the line on its pending crossing: it moved on (a crossing against the line's flow must,
 * line-flow.ts flowAllows).
 */
export function movedOnPast(g: LineGeometry, s: LineTrackState, side: number, w: number, h: number): boolean {
  return awayBy(g, s, side) >= AWAY_MARGIN * g.extentAcross(w, h);
}

/** How far (image fractions) `side` lies beyond where the track was found past the line on its pending crossing. */
function awayBy(g: LineGeometry, s: LineTrackState, side: number): number {
  return ((side - s.pendingSide) * (s.pending === 1 ? 1 : -1)) / g.len;
}

/** The track came back toward the line, AWAY_MARGIN or more, since it was found past it. */
export function wentBack(g: LineGeometry, s: LineTrackState): boolean {
  return awayBy(g, s, s.side) <= -AWAY_MARGIN * s.extent;
}

/**
 * Whether a track at (x, y), box `w` x `h`, at stream time `ptsMs`, stands where the line first saw it:
 * seen STILL_MS or longer, and within STILL_MOVE box extents (across the line) of there.
 */
export function stillAt(
  g: LineGeometry,
  s: LineTrackState,
  x: number,
  y: number,
  w: number,
  h: number,
  ptsMs: number,
): boolean {
  if (ptsMs - s.bornPts < STILL_MS) return false;
  return Math.hypot(x - s.firstX, y - s.firstY) < STILL_MOVE * g.extentAcross(w, h);
}
