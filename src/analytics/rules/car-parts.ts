import { classGroup, type Track } from '../../tracking/track.js';
import { TWO_WHEELER_GROUP, VEHICLE_GROUP } from '../../vision/class-map.js';
import { intersectionArea } from '../geometry.js';

/** A two-wheeler box this much inside a car-group box (of its own area) lies on that vehicle. */
const ON_HOST = 0.6;
/**
 * Looks (matched frames) and stream ms before a two-wheeler track can be judged a part, and the share of
 * the looks on one host. A rider just in front of a car near the camera lies inside the car's box too, but
 * not for long: at Jakarta's 0.95, every frame, one did on all its 7 looks as a motorcycle (0.28 s).
 */
const PART_LOOKS = 5;
const PART_MS = 1000;
const PART_SHARE = 0.9;

/** One two-wheeler track's tally: the car-group track its box lay on lately, and how often. */
interface Tally {
  host: number;
  onHost: number;
  looks: number;
  /** Stream ms of its first and latest look. */
  firstPts: number;
  lastPts: number;
}

/**
 * Tallies, frame by frame, how often each two-wheeler track's box lies ON_HOST inside the box of one and
 * the same car-group track: one that does so on PART_SHARE of its looks, over PART_MS or more, is a part
 * of that vehicle (the detector calls a taxi's front corner, or its grille, a motorcycle: Jakarta, 0.8 at
 * 10 fps, the taxi in lane 1 at 14.5 s, 13 of 13 looks), not a road user of its own.
 */
export class CarParts {
  private readonly tallies = new Map<number, Tally>();
  private readonly spare: Tally[] = [];

  /** The matched tracks of an inferred frame at stream ms `pts`. */
  update(tracks: readonly Track[], pts: number): void {
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      if (!t.matched || classGroup(t.cls) !== TWO_WHEELER_GROUP) continue;
      const area = (t.x2 - t.x1) * (t.y2 - t.y1);
      let host = 0;
      let best = ON_HOST * area;
      for (let j = 0; j < tracks.length; j++) {
        const o = tracks[j]!;
        if (!o.matched || o === t || classGroup(o.cls) !== VEHICLE_GROUP) continue;
        const inside = intersectionArea(t.x1, t.y1, t.x2, t.y2, o.x1, o.y1, o.x2, o.y2);
        if (inside > 0 && inside >= best) {
          best = inside;
          host = o.id;
        }
      }
      let s = this.tallies.get(t.id);
      if (!s) {
        s = this.spare.pop() ?? ({} as Tally);
        s.host = 0;
        s.onHost = 0;
        s.looks = 0;
        s.firstPts = pts;
        this.tallies.set(t.id, s);
      }
      s.looks++;
      s.lastPts = pts;
      if (host === 0) continue;
      if (host === s.host) s.onHost++;
      else if (s.onHost === 0) {
        s.host = host;
        s.onHost = 1;
      }
    }
  }

  /** Whether track `id` is a part of a car-group vehicle (see the class). */
  isPart(id: number): boolean {
    const s = this.tallies.get(id);
    return (
      s !== undefined &&
      s.looks >= PART_LOOKS &&
      s.lastPts - s.firstPts >= PART_MS &&
      s.onHost >= PART_SHARE * s.looks
    );
  }

  /** Track `id` ended (after its crossings were settled). */
  forget(id: number): void {
    const s = this.tallies.get(id);
    if (!s) return;
    this.tallies.delete(id);
    this.spare.push(s);
  }
}
