import type { TrafficClass } from '../domain/traffic.js';
import { classGroup, findTrack, type Track } from '../tracking/track.js';
import { TWO_WHEELER_GROUP } from '../vision/class-map.js';
import type { LineCrossing } from './events.js';
import type { LineCounter } from './line-counter.js';

/**
 * A crossing's class is the track's class this long (stream ms) after it counted, or when the track ends if
 * sooner: five more detector frames at the default 5 fps. A track's class is a vote over its detections
 * (Track.observe), and at the line it may rest on a few far, small boxes: a lorry seen head-on in spray is
 * "bus" on one box and "truck" on the next, a van a "truck" until it is close. Crossings move between
 * classes (LineCounter.reclass) before the count interval that holds them is published (it waits this long
 * after it ended: CountIntervals), so the counts stay whole.
 */
export const SETTLE_MS = 1000;

/** A crossing counted and not yet reported: its class may still change. */
interface Settling {
  ev: LineCrossing;
  line: LineCounter;
  untilPts: number;
  /** Stream ms when it counted. */
  countPts: number;
  /** A person crossing whose track the analytics took for a rider while it was held: its two-wheeler. */
  bike: TrafficClass | undefined;
  /**
   * Counted for being first seen past the line (LineCounter.lastBirth), by a track seen only just before,
   * or unseen, as its track left the picture (LineCounter.exited).
   */
  doubtful: boolean;
}

/**
 * A person track seen for less than this (stream ms, LineCounter.lastSeenMs) when it counted at a line is doubtful: someone
 * walking along the carriageway is seen for seconds before the line (1.4 m in this time), while in dense
 * traffic the detector finds a rider whose bike it misses as a "person" just before or past the line
 * (Jakarta, 0.7 line with the 0.8 and 0.9 lines on the camera, 10 fps: a rider seen as a person only for
 * 3 s, first 0.3 s before the line).
 */
export const SURE_PERSON_MS = 1000;

/**
 * A doubtful person crossing whose track was matched to a motorcycle or bicycle box already, but not often
 * enough to be a rider (RIDER_EVIDENCE), waits up to this long (stream ms after it counted, or until its
 * track ends) for the bike votes, rather than SETTLE_MS: at 10 fps in dense traffic a rider is seen on its
 * bike's box only now and then (the bike hidden by the vehicle ahead). The Jakarta rider that was taken back
 * at 10 fps was a rider by its speed (`Settling.bike`); this wait is for one found a rider by its votes.
 * Count intervals still publish on time: they settle every held crossing first.
 */
export const RIDER_WAIT_MS = 3000;

/**
 * Holds each crossing a line counted until its track's class has settled, then hands it on with that
 * class. A crossing never turns into a person (a rider's bike hidden again is no pedestrian); a person
 * crossing may turn into the two-wheeler the track turned out to ride. A doubtful person crossing (first
 * seen past the line, or seen for less than SURE_PERSON_MS) that is still a person then is taken back:
 * someone walking is seen crossing (0.3 m between detector frames at 5 fps), while what the detector
 * first finds at or past the line as a person only is a rider whose bike it does not see (the UK police
 * motorcyclist, a faint "person" in spray) or part of another road user. One motorcycle missed, rather
 * than a phantom person besides.
 */
export class CrossingClasses {
  private readonly held: Settling[] = [];
  private readonly spare: Settling[] = [];

  /** `partOfCar(trackId)`: the track is a two-wheeler box on a car-group vehicle (CarParts): no road user. */
  constructor(private readonly partOfCar: (trackId: number) => boolean = () => false) {}

  get size(): number {
    return this.held.length;
  }

  /**
   * Holds `ev`, just counted by `line`, until stream time `pts` + SETTLE_MS; `doubtful`: counted for
   * being first seen past the line, by a track seen for less than SURE_PERSON_MS, or unseen.
   */
  hold(ev: LineCrossing, line: LineCounter, pts: number, doubtful = false): void {
    const s = this.spare.pop() ?? ({} as Settling);
    s.ev = ev;
    s.line = line;
    s.untilPts = pts + SETTLE_MS;
    s.countPts = pts;
    s.bike = undefined;
    s.doubtful = doubtful;
    this.held.push(s);
  }

  /**
   * Hands on (into `out`) the crossings held until `pts` or earlier, and those made before epoch ms
   * `madeBefore` (Infinity: every one), each with the class `classes` gives its track among `tracks` (the
   * class it counted with if the track is not there).
   */
  release(
    pts: number,
    tracks: readonly Track[],
    classes: { classOf(t: Track): TrafficClass },
    out: { push(ev: LineCrossing): unknown },
    madeBefore = Number.NEGATIVE_INFINITY,
  ): void {
    const held = this.held;
    let kept = 0;
    for (let i = 0; i < held.length; i++) {
      const s = held[i]!;
      const due = s.untilPts <= pts || s.ev.timeMs < madeBefore;
      if (!due && (s.ev.cls !== 'person' || s.bike)) {
        held[kept++] = s;
        continue;
      }
      const t = findTrack(tracks, s.ev.trackId);
      const cls = t ? classes.classOf(t) : s.ev.cls;
      if (s.ev.cls === 'person' && !s.bike && (cls === 'motorcycle' || cls === 'bicycle')) s.bike = cls;
      if (!due || (s.ev.timeMs >= madeBefore && t && maybeRider(s, cls, t, pts))) {
        held[kept++] = s;
        continue;
      }
      this.settle(s, cls, out);
    }
    held.length = kept;
  }

  /** Drops `ev` if it is still held (not reported yet): true then. */
  drop(ev: LineCrossing): boolean {
    const held = this.held;
    for (let i = 0; i < held.length; i++) {
      const s = held[i]!;
      if (s.ev !== ev) continue;
      held.splice(i, 1);
      s.ev = undefined as unknown as LineCrossing;
      s.line = undefined as unknown as LineCounter;
      this.spare.push(s);
      return true;
    }
    return false;
  }

  /** Hands on the crossings of a track that ended, with its class at the end. */
  ended(trackId: number, cls: TrafficClass, out: { push(ev: LineCrossing): unknown }): void {
    const held = this.held;
    let kept = 0;
    for (let i = 0; i < held.length; i++) {
      const s = held[i]!;
      if (s.ev.trackId === trackId) this.settle(s, cls, out);
      else held[kept++] = s;
    }
    held.length = kept;
  }

  private settle(s: Settling, trackCls: TrafficClass, out: { push(ev: LineCrossing): unknown }): void {
    const ev = s.ev;
    const cls = trackCls === 'person' && s.bike ? s.bike : trackCls;
    if (s.doubtful && ev.cls === 'person' && cls === 'person') s.line.uncount(ev);
    else if (classGroup(cls) === TWO_WHEELER_GROUP && this.partOfCar(ev.trackId)) s.line.uncount(ev);
    else if (cls === 'person' || s.line.reclass(ev, cls)) out.push(ev);
    s.ev = undefined as unknown as LineCrossing;
    s.line = undefined as unknown as LineCounter;
    this.spare.push(s);
  }
}

/** A doubtful person crossing by a track seen on a bike now and then, still within RIDER_WAIT_MS. */
function maybeRider(s: Settling, cls: TrafficClass, t: Track, pts: number): boolean {
  return (
    s.doubtful &&
    !s.bike &&
    s.ev.cls === 'person' &&
    cls === 'person' &&
    t.twoWheelerVotes > 0 &&
    pts - s.countPts < RIDER_WAIT_MS
  );
}
