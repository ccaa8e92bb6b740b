import { TRAFFIC_CLASSES } from '../domain/traffic.js';

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

  /** `totals`: the line's crossings since start (LineCounter.totals), read as they grow. */
  constructor(private readonly totals: Int32Array) {}

  /**
   * Whether a crossing in direction `dir` at `along` (`extent` wide along the line) by track `trackId` is
   * against the flow: nearly all of the line's crossings went the other way, and its lane carries no
   * traffic its way.
   */
  against(dir: number, along: number, extent: number, trackId: number): boolean {
    return againstFlow(this.totals, dir) && !this.carries(dir, along, extent, trackId);
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
   * Whether the lane at `along` (within the wider of two vehicles' extents along the line) carries traffic
   * in direction `dir`, by the recent crossings of tracks other than `trackId`.
   */
  private carries(dir: number, along: number, extent: number, trackId: number): boolean {
    let mine = 0;
    let other = 0;
    for (let i = 0; i < RECENT; i++) {
      const d = this.dir[i]!;
      if (d < 0 || this.track[i] === trackId) continue;
      if (Math.abs(this.along[i]! - along) > Math.max(extent, this.extent[i]!)) continue;
      if (d === dir) mine++;
      else other++;
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
 */
export function flowAllows(against: boolean, seenMs: number, unseen = false, second = false): boolean {
  return !against || (seenMs >= (second ? AGAINST_FLOW_SECOND_SEEN_MS : AGAINST_FLOW_SEEN_MS) && !unseen);
}
