import { TRAFFIC_CLASSES } from '../domain/traffic.js';

/**
 * Where nearly all of a line's traffic has crossed one way (FLOW_MIN crossings, FLOW_RATIO times the other
 * way plus one), a crossing the other way counts only for a track seen at least this long (ms). In a queue,
 * a young weak track hops from one car's box onto the box of the car behind, against the traffic and across
 * the line; a vehicle really going the wrong way has been in sight longer than that when it crosses.
 */
const AGAINST_FLOW_SEEN_MS = 500;
const FLOW_MIN = 5;
const FLOW_RATIO = 4;

/**
 * A track whose boxes scored below this on average does not count against a line's flow at all, however
 * long it was seen: in a queue a faint track re-found again and again on low-score boxes wanders back
 * from car to car (Jakarta, a line at 0.6: a "car" going up after 3.6 s of that). A vehicle really going
 * the wrong way is seen clearly.
 */
export const AGAINST_FLOW_SCORE = 0.3;

/**
 * Whether nearly all of a line's crossings so far (`totals`, index = direction * classes + class index in
 * TRAFFIC_CLASSES) went the other way than direction `dir` (0 or 1).
 */
export function againstFlow(totals: Int32Array, dir: number): boolean {
  const n = TRAFFIC_CLASSES.length;
  let mine = 0;
  let other = 0;
  for (let k = 0; k < n; k++) {
    mine += totals[dir * n + k]!;
    other += totals[(1 - dir) * n + k]!;
  }
  return other >= FLOW_MIN && other >= FLOW_RATIO * (mine + 1);
}

/**
 * Whether a track seen for `seenMs` may count a crossing in direction `dir` (0 or 1) of a line; `unseen`:
 * the track crossed without a box (found past the line UNSEEN_MS or more after its last box: it coasted
 * across, or it is a fragment continuing a track lost that long). Against the flow, an unseen crossing
 * never counts, however long the track was seen: in a queue a lost track coasts on the velocity of a jump
 * between two boxes and is found on a vehicle across the line, going back (Jakarta at 1920x1080, a line
 * at 0.7: a "car" counted going up after coasting 1.7 s). A vehicle really going the wrong way is seen as
 * it crosses.
 */
export function flowAllows(totals: Int32Array, dir: number, seenMs: number, unseen = false): boolean {
  return !againstFlow(totals, dir) || (seenMs >= AGAINST_FLOW_SEEN_MS && !unseen);
}
