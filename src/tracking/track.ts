import { TRAFFIC_CLASSES, type TrafficClass } from '../domain/traffic.js';
import { CLASS_GROUP, CLS } from '../vision/class-map.js';
import { KalmanBox } from './kalman-box.js';

export type TrackState = 'tentative' | 'tracked' | 'lost';

/** Centres kept per track for trails in evidence pictures. */
export const TRAIL_LENGTH = 32;

const N_CLASSES = TRAFFIC_CLASSES.length;
const PERSON = TRAFFIC_CLASSES.indexOf('person');
const MOTORCYCLE = TRAFFIC_CLASSES.indexOf('motorcycle');
const BICYCLE = TRAFFIC_CLASSES.indexOf('bicycle');
const CAR = TRAFFIC_CLASSES.indexOf('car');
const BUS = TRAFFIC_CLASSES.indexOf('bus');
const TRUCK = TRAFFIC_CLASSES.indexOf('truck');

/**
 * A track voted bus or truck whose boxes were on average no wider than this many times a car at their
 * rows (RowWidthModel) is a car: buses and lorries are 1.3-1.6x a car's width, cars 0.87-1.15x (5th-95th
 * percentile of confident car boxes on the motorway and city clips).
 */
export const LARGE_VEHICLE_WIDTH = 1.2;
/**
 * A track voted car whose boxes were on average no wider than this many times a car at their rows is a
 * two-wheeler (a motorcycle, unless voted bicycle more): motorcycles measure 0.31-0.50 of a car's width
 * there, while a car is never that narrow unless more than half hidden for most of its track. What the
 * detector calls a car that narrow is the front or lower half of a motorcycle ridden toward the camera.
 */
export const SMALL_VEHICLE_WIDTH = 0.5;
/**
 * A track voted car, but only faintly (car votes under WIDE_CAR_SCORE a detection), whose boxes were on average
 * at least this many times a car's width at their rows is a lorry (or a bus, if voted bus more than truck):
 * a tanker's rear in spray at the frame's edge is a "car" scored 0.1-0.4, 1.6x a car's width. A car seen
 * at an angle measures up to 1.4x, but the model is sure of it (0.7-0.9 on the Jakarta clip).
 */
export const WIDE_VEHICLE_WIDTH = 1.4;
export const WIDE_CAR_SCORE = 0.5;
/** Width ratios a track needs before LARGE_, SMALL_ or WIDE_VEHICLE_WIDTH applies. */
const WIDTH_SAMPLES = 3;
/**
 * ... WIDE_VEHICLE_WIDTH five: on the residential demo clip a faint track born on the merged box of a car
 * passing a parked one (2x a car) was a "truck" on its third box, as it crossed the line, and a car by the
 * tenth.
 */
const WIDE_SAMPLES = 5;

/**
 * Score-weighted two-wheeler votes (about two confident detections, or several weak ones) that make a
 * "person" track a rider: a pedestrian is never seen as a motorcycle or bicycle, while a rider far away or
 * with the bike hidden behind a car is often seen as a person only, for seconds, before the bike shows.
 */
export const RIDER_EVIDENCE = 0.8;

/** Class groups: association across groups is penalised (a person is not a car's next position). */
export function classGroup(cls: TrafficClass): number {
  return CLASS_GROUP[CLS[cls]]!;
}

/** The track with id `id` among `tracks`, if there. */
export function findTrack(tracks: readonly Track[], id: number): Track | undefined {
  for (let i = 0; i < tracks.length; i++) if (tracks[i]!.id === id) return tracks[i];
  return undefined;
}

/** A track coasts along its history (coastAlongHistory) once it moved this many of its box heights. */
const HISTORY_MOVE = 0.5;

/**
 * One tracked object. Objects are long-lived and mutated in place; read them during the frame they are
 * handed out and copy what must be kept.
 */
export class Track {
  readonly kf = new KalmanBox();
  /** Score-weighted class votes over the track's history, indexed like TRAFFIC_CLASSES. */
  private readonly votes = new Float64Array(N_CLASSES);
  /** Ring buffer of recent centres (x, y pairs) for trails. */
  readonly trail = new Float64Array(TRAIL_LENGTH * 2);
  trailLen = 0;
  private trailHead = 0;

  id = 0;
  cls: TrafficClass = 'car';
  score = 0;
  state: TrackState = 'tentative';
  /** Mostly seen as a person, but with enough two-wheeler detections to be a rider (`cls` is the bike). */
  rider = false;
  /** Detections matched so far. */
  hits = 0;
  /**
   * Started from a detection below the tracker's newTrackScore, or kept alive on a low-score box while
   * tentative (keep-low.ts): confirmed later, and only when moving.
   */
  weak = false;
  /** Detections recorded (observe), low-score ones included. */
  private observed = 0;
  /** Sum and count of the track's box widths over a car's width at their rows (RowWidthModel). */
  private widthSum = 0;
  private widthN = 0;
  /** Centre of the first detection, for moved(). */
  private x0 = 0;
  private y0 = 0;
  private h0 = 0;
  /** True when a detection was matched in the latest inferred frame. */
  matched = false;
  /** Observed (not motion-gated) time since the last match, ms. */
  lostMs = 0;
  /** Observed time since the track started, ms. */
  ageMs = 0;
  /** Inferred frames in a row without a match. */
  misses = 0;
  /** Last matched detection box (raw, not filtered), fractions. */
  x1 = 0;
  y1 = 0;
  x2 = 0;
  y2 = 0;

  start(
    id: number,
    cls: TrafficClass,
    score: number,
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    widthRatio = Number.NaN,
  ) {
    this.id = id;
    this.votes.fill(0);
    this.observed = 0;
    this.widthSum = 0;
    this.widthN = 0;
    this.trailLen = 0;
    this.trailHead = 0;
    this.hits = 1;
    this.matched = true;
    this.state = 'tentative';
    this.lostMs = 0;
    this.ageMs = 0;
    this.misses = 0;
    this.kf.init((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1);
    this.x0 = (x1 + x2) / 2;
    this.y0 = (y1 + y2) / 2;
    this.h0 = y2 - y1;
    this.weak = false;
    this.observe(cls, score, x1, y1, x2, y2, widthRatio);
  }

  /** Whether the track's latest detection is at least a quarter of its first box height from its first. */
  moved(): boolean {
    const dx = (this.x1 + this.x2) / 2 - this.x0;
    const dy = (this.y1 + this.y2) / 2 - this.y0;
    return Math.hypot(dx, dy) >= 0.25 * Math.max(this.h0, this.y2 - this.y1);
  }

  /**
   * Called as the track goes lost: it coasts at its mean velocity since it was first seen when the filter's
   * velocity points against that motion (a box that stepped back a little left the filter moving
   * backwards: road users do not reverse), or is none (restarted on a box change, KalmanBox.restartAt).
   * In a dense clump, a motorcycle's track counted at a line coasted 0.1 of the picture back up the road
   * in 1.5 s and took the rider behind, whose crossing then went uncounted. Only for a track that moved
   * HISTORY_MOVE of its box height or more.
   */
  coastAlongHistory(): void {
    const dx = (this.x1 + this.x2) / 2 - this.x0;
    const dy = (this.y1 + this.y2) / 2 - this.y0;
    if (this.ageMs <= 0 || Math.hypot(dx, dy) < HISTORY_MOVE * Math.max(this.h0, this.y2 - this.y1)) return;
    if (this.kf.vx * dx + this.kf.vy * dy > 0) return;
    this.kf.setVelocity((dx * 1000) / this.ageMs, (dy * 1000) / this.ageMs);
  }

  /**
   * Records a matched detection (after the Kalman update); `widthRatio` is its width over a car's at its
   * row, NaN when unknown.
   */
  observe(
    cls: TrafficClass,
    score: number,
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    widthRatio = Number.NaN,
  ): void {
    this.score = score;
    this.x1 = x1;
    this.y1 = y1;
    this.x2 = x2;
    this.y2 = y2;
    const ci = TRAFFIC_CLASSES.indexOf(cls);
    this.votes[ci] = this.votes[ci]! + score;
    this.observed++;
    let best = 0;
    for (let i = 1; i < N_CLASSES; i++) if (this.votes[i]! > this.votes[best]!) best = i;
    // Votes only grow, so once a rider, the track stays one (the rider's person detections keep outvoting
    // the bike while it is hidden again).
    const bike = this.votes[MOTORCYCLE]! >= this.votes[BICYCLE]! ? MOTORCYCLE : BICYCLE;
    this.rider = this.votes[bike]! >= RIDER_EVIDENCE && this.votes[PERSON]! >= RIDER_EVIDENCE;
    if (best === PERSON && this.rider) best = bike;
    if (widthRatio > 0) {
      this.widthSum += widthRatio;
      this.widthN++;
    }
    if (this.widthN >= WIDTH_SAMPLES) {
      if ((best === BUS || best === TRUCK) && this.widthSum <= LARGE_VEHICLE_WIDTH * this.widthN) best = CAR;
      else if (best === CAR && this.widthSum <= SMALL_VEHICLE_WIDTH * this.widthN) best = bike;
      else if (
        best === CAR &&
        this.widthN >= WIDE_SAMPLES &&
        this.widthSum >= WIDE_VEHICLE_WIDTH * this.widthN &&
        this.votes[CAR]! < WIDE_CAR_SCORE * this.observed
      )
        best = this.votes[BUS]! > this.votes[TRUCK]! ? BUS : TRUCK;
    }
    this.cls = TRAFFIC_CLASSES[best]!;
    this.trail[this.trailHead * 2] = (x1 + x2) / 2;
    this.trail[this.trailHead * 2 + 1] = (y1 + y2) / 2;
    this.trailHead = (this.trailHead + 1) % TRAIL_LENGTH;
    if (this.trailLen < TRAIL_LENGTH) this.trailLen++;
  }

  /** Trail points oldest first (allocates; for evidence pictures only). */
  trailPoints(): [number, number][] {
    const out: [number, number][] = [];
    const start = (this.trailHead - this.trailLen + TRAIL_LENGTH) % TRAIL_LENGTH;
    for (let i = 0; i < this.trailLen; i++) {
      const j = (start + i) % TRAIL_LENGTH;
      out.push([this.trail[j * 2]!, this.trail[j * 2 + 1]!]);
    }
    return out;
  }

  /** The latest detection box's width per height in pixels; `aspect`: the picture's width / height. */
  boxAspect(aspect: number): number {
    return ((this.x2 - this.x1) * aspect) / Math.max(1e-6, this.y2 - this.y1);
  }

  /** Filtered box, fractions. */
  get bx1(): number {
    return this.kf.cx - this.kf.w / 2;
  }
  get by1(): number {
    return this.kf.cy - this.kf.h / 2;
  }
  get bx2(): number {
    return this.kf.cx + this.kf.w / 2;
  }
  get by2(): number {
    return this.kf.cy + this.kf.h / 2;
  }
  /** Mean score of the detections the track was matched to (0 before any). */
  get meanScore(): number {
    if (this.observed === 0) return 0;
    let sum = 0;
    for (let i = 0; i < N_CLASSES; i++) sum += this.votes[i]!;
    return sum / this.observed;
  }
  /** Score-weighted motorcycle and bicycle votes so far (RIDER_EVIDENCE of them make a person track a rider). */
  get twoWheelerVotes(): number {
    return this.votes[MOTORCYCLE]! + this.votes[BICYCLE]!;
  }
  get confirmed(): boolean {
    return this.state !== 'tentative';
  }
}
