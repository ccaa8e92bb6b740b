// Counting a track that left the picture across a line it was last seen short of: near the camera, at a
// low detection rate, a fast vehicle is last seen before a line close to the frame's border, and next
// (were it seen) its box would be cut by the border or gone.
import { segmentsCross, sideOf } from './geometry.js';
import { BOTTOM, LEFT, type LineGeometry, RIGHT, TOP } from './line-geometry.js';
import type { LineTrackState } from './line-track-state.js';

/**
 * The path to the line must take at most this long from the last sighting (stream ms): a detector frame
 * and a half at 5 fps. Further on, the tracker's coasting is a guess.
 */
const EXIT_WITHIN_MS = 300;

/**
 * The direction (index) in which a track, ended at stream ms `endPts` with nothing pending on the line,
 * left the picture across it, or -1. It did when its last box touched the frame border its motion headed
 * for, beyond the line; its motion took its anchor from where it was last seen (`s.x`, `s.y`) to (`x`,
 * `y`), where the tracker had it when it ended, across the segment, inside the picture and within
 * EXIT_WITHIN_MS; and its latest steps across the line went that way too. A vehicle hidden for a while in
 * the middle of the picture is not gone, and one lost at the border while standing or turning back does
 * not cross.
 */
export function exitedAcross(
  g: LineGeometry,
  s: LineTrackState,
  x: number,
  y: number,
  endPts: number,
): number {
  if (s.counted || s.pending > 0 || s.duplicate || s.superseded || s.link !== 0 || s.side === 0) return -1;
  const side = sideOf(g.ax, g.ay, g.bx, g.by, x, y);
  if (side === 0 || Math.sign(side) === Math.sign(s.side) || Math.sign(s.step) !== Math.sign(side)) return -1;
  if (!atBorderPast(g, s, x, y, Math.sign(side))) return -1;
  if (!segmentsCross(g.ax, g.ay, g.bx, g.by, s.x, s.y, x, y)) return -1;
  const f = metAt(s, side);
  const mx = s.x + (x - s.x) * f;
  const my = s.y + (y - s.y) * f;
  if (mx < 0 || mx > 1 || my < 0 || my > 1 || (endPts - s.lastPts) * f > EXIT_WITHIN_MS) return -1;
  return side > 0 ? 0 : 1;
}

/**
 * Whether the last box touched a frame border its motion (toward `x`, `y`) headed for, beyond the line
 * (side `sign`): a vehicle leaving at the side of the picture before it reached the line, its box cut to a
 * sliver there, is not past it (UK rain: cars leaving at the right edge just above a line at 0.8).
 */
function atBorderPast(g: LineGeometry, s: LineTrackState, x: number, y: number, sign: number): boolean {
  const b = s.borders;
  const past = (px: number, py: number) => Math.sign(sideOf(g.ax, g.ay, g.bx, g.by, px, py)) === sign;
  return (
    ((b & BOTTOM) !== 0 && y > s.y && past(s.x, 1)) ||
    ((b & TOP) !== 0 && y < s.y && past(s.x, 0)) ||
    ((b & RIGHT) !== 0 && x > s.x && past(1, s.y)) ||
    ((b & LEFT) !== 0 && x < s.x && past(0, s.y))
  );
}

/**
 * When the track's path from its last sighting (`s.lastPts`) to where the tracker had it at `endPts`,
 * `side` past the line, met the line (stream ms).
 */
export function exitPts(s: LineTrackState, side: number, endPts: number): number {
  return s.lastPts + (endPts - s.lastPts) * metAt(s, side);
}

/** How far along the path from the last sighting to `side` past the line it meets the line (0..1). */
function metAt(s: LineTrackState, side: number): number {
  const before = Math.abs(s.side);
  return before / (before + Math.abs(side));
}
