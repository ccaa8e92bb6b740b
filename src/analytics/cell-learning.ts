import type { StaticCells } from './static-cells.js';

/** Time constants of the long-term background (the empty road) and the short-term one (what is there now), s. */
export const TAU_LONG_S = 30;
export const TAU_SHORT_S = 0.7;
/** Grey difference from the long-term background that makes a cell foreground; half of it: "same as now". */
export const DELTA = 22;
/** A vehicle that stood still on a cell keeps it out of the watch this long after it left (its ghost), ms. */
export const GHOST_MS = 2 * TAU_LONG_S * 1000;
/**
 * ... once it has covered the cell, still, this long without a break (ms): a still vehicle's box that
 * stretches for a frame or two over a neighbouring object (merged with a car passing it) leaves no ghost.
 */
const GHOST_AFTER_MS = 1000;
/**
 * A cell is empty road once it has looked like the long-term background, uncovered, this long in all (ms):
 * between the vehicles of a busy lane, not only for this long in a row.
 */
const LEARN_MS = 2000;
/** Time constant of a cell's restlessness (mean change from the short-term background while uncovered), s. */
const TAU_ACTIVITY_S = 10;
/** Restlessness above this (grey levels) marks a cell that changes by itself: a tree, a flag, a screen. */
const RESTLESS = 3;
/** What covers a cell this frame (`covered`; the highest wins): another road user's box, a vehicle's, a still vehicle's. */
export const Cover = { ROAD_USER: 1, VEHICLE: 2, STILL_VEHICLE: 3 } as const;
export type Cover = (typeof Cover)[keyof typeof Cover];

/**
 * One frame of the static-object model's learning on its cells, `cur` measured: the long-term background
 * (the empty road) and the short-term one (what is there now) follow the picture where nothing covers it,
 * a vehicle's still cover leaves its ghost, each cell's restlessness and when it last showed the empty
 * road are kept; a watched cell that differs from the first and matches the second is static. `dt`: s
 * since the last frame. Returns how many cells are static.
 */
export function learnFrame(c: StaticCells, pts: number, dt: number, first: boolean): number {
  const aLong = first ? 1 : 1 - Math.exp(-dt / TAU_LONG_S);
  const aShort = first ? 1 : 1 - Math.exp(-dt / TAU_SHORT_S);
  const {
    cur,
    long,
    short,
    staticSince,
    watched,
    covered,
    ghostUntil,
    stillCoverSince,
    frozen,
    learned,
    emptyMs,
    activity,
    emptyAt,
  } = c;
  const aAct = first ? 0 : 1 - Math.exp(-dt / TAU_ACTIVITY_S);
  let n = 0;
  // Only the span's cells are measured and kept up (the watched ones and one around): no rule reads others.
  const { cols, span } = c.grid;
  for (let r = span[1]!; r <= span[3]!; r++) {
    for (let i = r * cols + span[0]!, end = r * cols + span[2]!; i <= end; i++) {
      const v = cur[i]!;
      if (watched[i] === 0) {
        // Of a cell outside the zones (the span's rim, holes) only the long-term road is read (presentShare,
        // relearn).
        if (covered[i] === 0 && frozen[i] === 0) long[i] = long[i]! + aLong * (v - long[i]!);
        continue;
      }
      const fromShort = Math.abs(v - short[i]!);
      const fromLong = Math.abs(v - long[i]!);
      const cov = covered[i]!;
      // Under a vehicle what lies there is hidden, not gone (a car driving over a dropped load): neither
      // background learns the vehicle, and a cell static before stays so, since then.
      if (cov === Cover.STILL_VEHICLE) {
        if (Number.isNaN(stillCoverSince[i]!)) stillCoverSince[i] = pts;
        else if (pts - stillCoverSince[i]! >= GHOST_AFTER_MS) ghostUntil[i] = pts + GHOST_MS;
      } else stillCoverSince[i] = Number.NaN;
      if (cov >= Cover.VEHICLE) continue;
      short[i] = short[i]! + aShort * (v - short[i]!);
      if (cov === 0) {
        // Traffic going over the road does not teach the empty road; an open incident's object neither.
        if (frozen[i] === 0) long[i] = long[i]! + aLong * (v - long[i]!);
        if (fromLong <= DELTA) {
          // Restlessness of the background itself (not of something new on it).
          activity[i] = activity[i]! + aAct * (fromShort - activity[i]!);
          if (learned[i] === 0 && fromLong <= DELTA / 2) {
            emptyMs[i] = emptyMs[i]! + dt * 1000;
            if (emptyMs[i]! >= LEARN_MS) learned[i] = 1;
          }
          if (learned[i] === 1) emptyAt[i] = pts;
        }
      }
      const isStatic =
        cov === 0 &&
        fromLong > DELTA &&
        fromShort < DELTA / 2 &&
        learned[i] === 1 &&
        activity[i]! < RESTLESS &&
        pts >= ghostUntil[i]!;
      if (isStatic) {
        n++;
        if (Number.isNaN(staticSince[i]!)) staticSince[i] = pts;
      } else {
        staticSince[i] = Number.NaN;
      }
    }
  }
  return n;
}
