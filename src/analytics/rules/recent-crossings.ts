// The crossings one line counted lately: whether a new one is a vehicle counted already (two boxes on one
// vehicle, a track that jumped off it), and faint parts of a vehicle that crossed ahead of it.
import type { TrafficClass } from '../../domain/traffic.js';
import { classGroup, type Track } from '../../tracking/track.js';
import { TWO_WHEELER_GROUP } from '../../vision/class-map.js';
import type { CrossingClasses } from '../crossing-classes.js';
import type { LineCrossing } from '../events.js';
import { intersectionArea } from '../geometry.js';
import type { LineCounter } from '../line-counter.js';
import { aboutAsWide, seenApart, seenOnOne, seenStacked, stacked } from './track-relations.js';

/**
 * Two tracks crossing a line the same way within DUP_MS of each other, their boxes overlapping DUP_OVERLAP
 * of the narrower along the line, are one vehicle with two boxes (a motorcycle and its lower half, a
 * head-on motorcycle also called a car): counted once. Not so a two-wheeler or person and a car-group
 * box far wider (more than SIZE_STEP): a motorcycle just in front of a car lies within the car's span and
 * crosses with it. (Two vehicles one behind the other cross it further apart in time.)
 */
const DUP_MS = 300;
/**
 * ... or, for a track first seen past the line, crossing within this long and within a box along it, its
 * box about as wide (SIZE_STEP): a rider beside a car, or a car behind a rider, are two road users.
 */
const BIRTH_DUP_MS = 1000;
const DUP_OVERLAP = 0.6;
/**
 * ... or, two-wheelers both seen crossing within BIRTH_DUP_MS, the other track matched now on the same box
 * (their intersection ONE_BOX or more of the larger box): one rider's two tracks. A track on the torso of
 * the rider ahead came off it onto the lower part of the one behind, crossed there, and sat on that
 * rider's box with its own track 0.3 s later when that one crossed (Jakarta, lines at 0.7 and 0.8 on one
 * camera, 10 fps); three tracks on one rider crossed 0.7 within 0.9 s (every frame). Not a box over two
 * riders, one of them this one (it is not the same box), nor a crossing made unseen or first seen past
 * the line (a track lost beside a rider and found on that rider's box is another rider's: Jakarta 0.9,
 * every frame, two riders side by side).
 */
const ONE_BOX = 0.6;
/**
 * ... or on a box in its column, the two together no taller than STACKED riders' heights at their row
 * (learnt from the two-wheelers' boxes), both now and when the earlier one crossed: the rider's torso and
 * bike, or the whole and a part. On Jakarta at 0.8, every frame, a track on a rider's upper part slid onto
 * the bike and crossed 0.32 s after the track on the whole. Stacked now alone is not enough: in a chain of
 * riders a track slides onto the rider behind after crossing (two riders joined at 18 s). Two riders nose
 * to tail span 1.5 riders or more.
 */
const STACKED = 1.2;
/**
 * A crossing by a faint track (its boxes scored below FAINT_PART on average) lying PART_INSIDE or more
 * inside the box of a sure track (SURE_HOST or more) of its class group that crosses the same way less than
 * BIRTH_DUP_MS later, while the faint one is still held for its class, was a part of that vehicle: taken
 * back. A "car" box on the lower left of a white car, scoring 0.1-0.2, crossed 0.6-0.7 s before the car's
 * own track (Jakarta at 0.8: every frame with three lines on the camera, one line at 10 fps); the two boxes
 * overlap too little along the line to be joined as one vehicle's two boxes. Not a faint track seen apart
 * from the sure one when that crosses: a faint rider ahead of another, in the same lane, crosses where the
 * one behind crosses later (Jakarta played backwards, 0.9 every frame). On the hand-counted lines of the
 * three clips nothing else is joined so.
 */
const FAINT_PART = 0.2;
const SURE_HOST = 0.3;
const PART_INSIDE = 0.4;
/** Crossings remembered per line (a camera's other lines, however busy, do not push them out). */
const RECENT = 16;

/** A crossing counted lately, with the box of its track then. */
interface RecentCount {
  dir: string;
  trackId: number;
  pts: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Counted for being first seen past the line. */
  birth: boolean;
  cls: TrafficClass;
  ev: LineCrossing | undefined;
  /** Mean score of its track's boxes when it counted (-1: counted at the track's end). */
  score: number;
  /** Tracks seen stacked with its track when it counted (STACKED), up to PARTNERS of them; -1: none. */
  partners: Int32Array;
}

/** Tracks remembered as stacked with a crossing's track (a rider's parts: two or three boxes). */
const PARTNERS = 3;
const NO_PARTNERS = new Int32Array(0);

/** One line's crossings counted lately, oldest first (RECENT of them). */
export class RecentCrossings {
  private readonly recent: RecentCount[] = [];
  /**
   * Tracks whose crossing was taken back, each standing for the vehicle counted (its time, box and class),
   * oldest first (RECENT of them).
   */
  private readonly aliases: RecentCount[] = [];
  /** How tall one rider's parts may span together at a row (STACKED riders' heights). */
  private readonly oneRiderTall: (y2: number) => number;

  constructor(
    /** Height of a two-wheeler with its rider whose box ends on row y2 (NaN: not known yet). */
    riderHeight: (y2: number) => number = () => Number.NaN,
  ) {
    this.oneRiderTall = (y2) => STACKED * riderHeight(y2);
  }

  /**
   * Whether a crossing the line just counted for `t` is a vehicle another track counted the same way less
   * than DUP_MS ago, on an overlapping box, or — when either was counted for being first seen past the
   * line — less than BIRTH_DUP_MS ago within a box width along the line, unless that track is seen at once
   * apart from `t`, or, two-wheelers both seen crossing, less than BIRTH_DUP_MS ago by a track on the same
   * box as `t` now (ONE_BOX) or stacked with it now and then (STACKED) (then the count is taken back);
   * else it is remembered (`classes` holds the crossings whose class settles: a faint part's, FAINT_PART,
   * is dropped there). No `t`: counted at the track's end. A person track is never seen apart: a rider
   * whose bike a car hides is seen as a person only, and a person counted at a carriageway line must be
   * sure.
   */
  countedTwice(
    line: LineCounter,
    ev: LineCrossing,
    id: number,
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    classes: CrossingClasses,
    t?: Track,
    tracks?: readonly Track[],
  ): boolean {
    const ended = t === undefined;
    const recent = this.recent;
    const dir = ev.direction;
    const pts = ev.ptsMs;
    // A track first seen past the line, where another track crossed just before, is most likely that
    // vehicle again (the other track jumped off it): a wider window, and near is enough. So is a track
    // that crossed unseen (a second box on a rider, coasting until it is found on them past the line).
    const birth = (line.lastBirth || line.lastUnseen) && !ended;
    const wide = line.extentAlong(x2 - x1, y2 - y1);
    const group = classGroup(ev.cls);
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i]!;
      if (r.dir !== dir || r.trackId === id) continue;
      const dt = Math.abs(pts - r.pts);
      // Both windows below are within BIRTH_DUP_MS (the wider).
      if (dt > BIRTH_DUP_MS) continue;
      const alike = aboutAsWide(wide, line.extentAlong(r.x2 - r.x1, r.y2 - r.y1));
      const again =
        (birth || r.birth) &&
        dt <= BIRTH_DUP_MS &&
        alike &&
        line.alongDistance(x1, y1, x2, y2, r.x1, r.y1, r.x2, r.y2) <= 1 &&
        !(t && tracks && t.cls !== 'person' && seenApart(t, r.trackId, tracks));
      // Where each box lies along the line (what moving across it does not change).
      const twoBoxes =
        dt <= DUP_MS &&
        (alike || classGroup(r.cls) === group) &&
        line.alongOverlap(x1, y1, x2, y2, r.x1, r.y1, r.x2, r.y2) >= DUP_OVERLAP;
      if (again || twoBoxes || oneRider(r, birth, group, t, tracks, this.oneRiderTall)) {
        line.uncount(ev);
        this.standsFor(r, id);
        return true;
      }
    }
    // A third box on a two-wheeler whose second box's crossing was taken back as the first's (a track on
    // the rider's torso, on the whole, on the bike; Jakarta at 0.8, three lines on the camera, every
    // frame): on that second box now, it is that two-wheeler again.
    for (const a of this.aliases) {
      if (a.dir !== dir || a.trackId === id || pts - a.pts > BIRTH_DUP_MS) continue;
      if (!oneRider(a, birth, group, t, tracks)) continue;
      line.uncount(ev);
      this.standsFor(a, id);
      return true;
    }
    if (t && t.meanScore >= SURE_HOST)
      this.takeBackParts(line, ev, group, x1, y1, x2, y2, classes, t, tracks);
    const r: RecentCount = recent.length >= RECENT ? recent.shift()! : ({} as RecentCount);
    r.dir = dir;
    r.trackId = id;
    r.pts = pts;
    r.x1 = x1;
    r.y1 = y1;
    r.x2 = x2;
    r.y2 = y2;
    r.birth = birth;
    r.cls = ev.cls;
    r.ev = ev;
    r.score = t ? t.meanScore : -1;
    r.partners ??= new Int32Array(PARTNERS);
    r.partners.fill(-1);
    if (t && tracks && group === TWO_WHEELER_GROUP && t.matched) {
      let n = 0;
      for (let i = 0; i < tracks.length && n < PARTNERS; i++) {
        const o = tracks[i]!;
        if (o !== t && o.matched && stacked(t, o, DUP_OVERLAP, this.oneRiderTall)) r.partners[n++] = o.id;
      }
    }
    recent.push(r);
    return false;
  }

  /** Remembers track `id`, whose crossing was taken back, as standing for the vehicle `r` counted. */
  private standsFor(r: RecentCount, id: number): void {
    const a: RecentCount = this.aliases.length >= RECENT ? this.aliases.shift()! : ({} as RecentCount);
    Object.assign(a, r);
    a.trackId = id;
    a.ev = undefined;
    // Not `r`'s array (refilled when `r` is reused): an alias is never judged stacked (oneRider).
    a.partners = NO_PARTNERS;
    this.aliases.push(a);
  }

  /**
   * The crossing `ev` a sure track just counted on `line`, its box (x1, y1)-(x2, y2): crossings the same
   * way just before by faint tracks of its class group lying inside that box, still held and not seen apart
   * from `t` now, are taken back (FAINT_PART).
   */
  private takeBackParts(
    line: LineCounter,
    ev: LineCrossing,
    group: number,
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    classes: CrossingClasses,
    t: Track,
    tracks: readonly Track[] | undefined,
  ): void {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const q = recent[i]!;
      if (q.dir !== ev.direction || q.score < 0 || q.score >= FAINT_PART || !q.ev) continue;
      if (ev.ptsMs - q.pts > BIRTH_DUP_MS || classGroup(q.cls) !== group) continue;
      const inside = intersectionArea(q.x1, q.y1, q.x2, q.y2, x1, y1, x2, y2);
      if (inside <= 0 || inside < PART_INSIDE * (q.x2 - q.x1) * (q.y2 - q.y1)) continue;
      if (tracks && seenApart(t, q.trackId, tracks)) continue;
      if (!classes.drop(q.ev)) continue;
      line.uncount(q.ev);
      q.ev = undefined;
    }
  }
}

/**
 * Whether a two-wheeler crossing the line seen (not `birth`), of class group `group`, by `t` is the rider
 * counted as `r` (also crossed seen): `r`'s track is matched now on the same box as `t` (ONE_BOX), or,
 * given `tall` (how tall one rider's parts may span at a row), stacked with `t` now and when `r` counted
 * (`r.partners`, STACKED).
 */
function oneRider(
  r: RecentCount,
  birth: boolean,
  group: number,
  t: Track | undefined,
  tracks: readonly Track[] | undefined,
  tall?: (y2: number) => number,
): boolean {
  return (
    !birth &&
    !r.birth &&
    t !== undefined &&
    tracks !== undefined &&
    group === TWO_WHEELER_GROUP &&
    classGroup(r.cls) === group &&
    (seenOnOne(t, r.trackId, tracks, ONE_BOX) ||
      (tall !== undefined &&
        r.partners.includes(t.id) &&
        seenStacked(t, r.trackId, tracks, DUP_OVERLAP, tall)))
  );
}
