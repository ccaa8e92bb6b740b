import { TRAFFIC_CLASSES } from '../domain/traffic.js';
import type { LineGeometry } from './line-geometry.js';
import type { LineTrackState } from './line-track-state.js';

/**
 * Where nearly all of a line's traffic has crossed one way (FLOW_MIN crossings, FLOW_RATIO times the other
 * way plus one), a crossing the other way counts only for a track seen at least this long (ms). In a queue,
 * a young weak track hops from one car's box onto the box of the car behind, against the traffic and across
 * the line; a vehicle really going the wrong way has been in sight longer than that when it crosses.
 */
const AGAINST_FLOW_SEEN_MS = 500;
/**
 * ... and this long for a track born as a second box on a road user already tracked (LineCounter.noBirth):
 * in dense traffic such a track slides off its rider onto the one behind, against the flow and across the
 * line (Jakarta, 0.7 with the carriageway zone at 10 fps: a "motorcycle" born on a rider just past the line,
 * its box doubled and went back up over it, counted going up 600 ms after it was born). A road user
 * really going the wrong way comes from far off and is in sight for seconds before the line.
 */
const AGAINST_FLOW_SECOND_SEEN_MS = 1500;
const FLOW_MIN = 5;
const FLOW_RATIO = 4;

/**
 * A track whose boxes scored below this on average does not count against a line's flow at all, however
 * long it was seen: in a queue a faint track re-found again and again on low-score boxes wanders back
 * from car to car (Jakarta, a line at 0.6: a "car" going up after 3.6 s of that). A vehicle really going
 * the wrong way is seen clearly.
 */
export const AGAINST_FLOW_SCORE = 0.3;

/** Whether a track's boxes scored below AGAINST_FLOW_SCORE on average. */
export function faintTrack(t: { readonly meanScore: number }): boolean {
  return t.meanScore < AGAINST_FLOW_SCORE;
}

/**
 * Until FLOW_MIN crossings are made, the flow is read from the tracks in view: one whose centre moved at
 * least MOVE_MIN of its box extent across the line since it was first seen, over MOVE_SEEN observations,
 * moves that way (not a fragment that took over a lost track's state: where it was first seen is
 * unknown). In the first second after a start a line knows no traffic, and a box growing over the rider
 * ahead, or a young track hopping between riders, crosses against it (Jakarta, lines at 0.75 and 0.8: a
 * "motorcycle" counted going up at 0.4 s and 1.2 s, dozens of riders coming down).
 */
const MOVE_MIN = 0.25;
const MOVE_SEEN = 3;

/** Crossings kept per line for the flow of its lanes (LineFlow): the latest, counted or not. */
const RECENT = 64;

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
 * Where along a line tracks crossed it lately, and which way: the flow of the lane a crossing is made in.
 * A line across both carriageways of a road, or a two-way street, has nearly all its traffic one way
 * whenever one side is busier (tidal flow: 4 to 1 is common at rush hour); the quieter side's vehicles
 * are not going the wrong way, and must not be held to the proof asked of a wrong-way crossing (seen for
 * AGAINST_FLOW_SEEN_MS, boxes scoring AGAINST_FLOW_SCORE: in low sun or rain few tracks give it). A lane
 * carries traffic a way when, within a vehicle's width of the crossing, other tracks crossed that way
 * lately (counted or not: the first of the quieter side is held to the proof, but its track's moves are
 * evidence for the next), and not FLOW_RATIO times fewer than the other way (a queue's lane, where a
 * track hopping back onto the car behind is now and then seen crossing against it).
 */
export class LineFlow {
  /** Position along the line (image fractions, LineGeometry.alongOf) of each recent crossing. */
  private readonly along = new Float32Array(RECENT);
  /** Its vehicle's extent along the line. */
  private readonly extent = new Float32Array(RECENT);
  /** Its direction (0 or 1; -1: a free entry) and track. */
  private readonly dir = new Int8Array(RECENT).fill(-1);
  private readonly track = new Int32Array(RECENT);
  private next = 0;

  /**
   * `totals`: the line's crossings since start (LineCounter.totals), read as they grow; `states`: the
   * line's live tracks (LineCounter's), where `g` is the line; `faint(trackId)`: the live track's boxes
   * scored below AGAINST_FLOW_SCORE on average so far.
   */
  constructor(
    private readonly totals: Int32Array,
    private readonly states: ReadonlyMap<number, LineTrackState>,
    private readonly g: LineGeometry,
    private readonly faint: (trackId: number) => boolean = () => false,
  ) {}

  /**
   * Whether a crossing in direction `dir` at `along` (`extent` wide along the line) by track `trackId` is
   * against the flow: nearly all of the line's crossings went the other way, and its lane carries no
   * traffic its way; or, before FLOW_MIN crossings, nearly all tracks in view move the other way and none
   * in its lane moves its way.
   */
  against(dir: number, along: number, extent: number, trackId: number): boolean {
    if (againstFlow(this.totals, dir)) return !this.carries(dir, along, extent, trackId);
    let made = 0;
    for (let k = 0; k < this.totals.length; k++) made += this.totals[k]!;
    return made < FLOW_MIN && this.movingAgainst(dir, along, extent, trackId);
  }

  /**
   * Nearly all tracks in view other than `trackId` move the other way than `dir` (MOVE_MIN), and none in
   * its lane its way.
   */
  private movingAgainst(dir: number, along: number, extent: number, trackId: number): boolean {
    const g = this.g;
    let mine = 0;
    let other = 0;
    for (const s of this.states.values()) {
      if (s.id === trackId || s.n < MOVE_SEEN) continue;
      const moved = this.moved(s);
      if (moved * s.step <= 0) continue;
      // A positive move is towards the right of a->b: directions[0].
      if ((moved > 0 ? 0 : 1) !== dir) {
        other++;
        continue;
      }
      // Moving this way is evidence once seen as long as a crossing against the flow must be.
      if (s.lastPts - s.bornPts < AGAINST_FLOW_SEEN_MS) continue;
      if (Math.abs(g.alongOf(s.x, s.y) - along) <= Math.max(extent, g.extentAlong(s.w, s.h))) return false;
      mine++;
    }
    return other >= FLOW_MIN && other >= FLOW_RATIO * (mine + 1);
  }

  /**
   * A track crossed the line in direction `dir` at `along`, its box `extent` wide along the line. A track
   * has one entry, its latest crossing: one jittering on the line in a stopped queue, across and back, is
   * one vehicle whichever way it went last, not traffic both ways.
   */
  add(trackId: number, dir: number, along: number, extent: number): void {
    let i = this.track.indexOf(trackId);
    if (i < 0 || this.dir[i]! < 0) {
      i = this.next;
      this.next = (i + 1) % RECENT;
    }
    this.along[i] = along;
    this.extent[i] = extent;
    this.dir[i] = dir;
    this.track[i] = trackId;
  }

  /**
   * Whether live track `id` has moved, since first seen, MOVE_MIN of its extent against direction `d`: its
   * crossing `d` was a step back (a box changing), not traffic going `d` (Jakarta at 0.8, 1.2 s in: a rider
   * coming down stepped back over the line, and a young track hopping up in that lane was counted).
   */
  private movesBack(id: number, d: number): boolean {
    const s = this.states.get(id);
    const moved = s ? this.moved(s) : 0;
    return moved !== 0 && (moved > 0 ? 0 : 1) !== d;
  }

  /**
   * How far the track moved across the line since it was first seen (signed, image fractions), or 0 when
   * that is under MOVE_MIN of its box or not known (a fragment that took over a lost track's state).
   */
  private moved(s: LineTrackState): number {
    if (!(s.extent > 0) || s.inherited) return 0;
    const moved = s.side / this.g.len - s.firstD;
    return Math.abs(moved) >= MOVE_MIN * s.extent ? moved : 0;
  }

  /**
   * Whether the lane at `along` (within the wider of two vehicles' extents along the line) carries traffic
   * in direction `dir`, by the recent crossings of tracks other than `trackId`. A faint track crossing
   * `dir` is no evidence for it: it could not count against the flow itself (AGAINST_FLOW_SCORE), and two
   * such tracks hopping back through a queue would vouch for each other (Jakarta, a line tilted from 0.78
   * at the left to 0.62 at the right, 10 fps: a "motorcycle" and a "car" crossed up 0.9 s apart in one
   * lane, each counted on the other's crossing).
   */
  private carries(dir: number, along: number, extent: number, trackId: number): boolean {
    let mine = 0;
    let other = 0;
    for (let i = 0; i < RECENT; i++) {
      const d = this.dir[i]!;
      if (d < 0 || this.track[i] === trackId) continue;
      if (Math.abs(this.along[i]! - along) > Math.max(extent, this.extent[i]!)) continue;
      if (d !== dir) other++;
      else if (!this.movesBack(this.track[i]!, d) && !this.faint(this.track[i]!)) mine++;
    }
    return mine > 0 && other < FLOW_RATIO * mine;
  }
}

/**
 * Whether a track seen for `seenMs` may count a crossing `against` the flow where it is made or not;
 * `unseen`: the track crossed without a box (found past the line UNSEEN_MS or more after its last box: it
 * coasted across, or it is a fragment continuing a track lost that long). Against the flow, an unseen crossing
 * never counts, however long the track was seen: in a queue a lost track coasts on the velocity of a jump
 * between two boxes and is found on a vehicle across the line, going back (Jakarta at 1920x1080, a line
 * at 0.7: a "car" counted going up after coasting 1.7 s). A vehicle really going the wrong way is seen as
 * it crosses. `second`: the track was born as a second box on a tracked road user (AGAINST_FLOW_SECOND_SEEN_MS).
 * `movedOn`: the track went on from where it was found past the line (line-pending.ts movedOnPast); against
 * the flow it must: waiting out AGAINST_FLOW_SEEN_MS, a box grown back over the line stays there (Jakarta,
 * three lines every frame, 0.9: a rider's box at the bottom of the picture grew up over the line for 0.2 s,
 * its track 0.4 s old, and was counted going up once the track was 0.5 s old). A vehicle going the wrong
 * way goes on.
 */
export function flowAllows(
  against: boolean,
  seenMs: number,
  unseen = false,
  second = false,
  movedOn = true,
): boolean {
  return (
    !against ||
    (seenMs >= (second ? AGAINST_FLOW_SECOND_SEEN_MS : AGAINST_FLOW_SEEN_MS) && !unseen && movedOn)
  );
}
