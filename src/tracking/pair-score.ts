import type { TrafficClass } from '../domain/traffic.js';
import { VEHICLE_GROUP } from '../vision/class-map.js';
import type { Detection } from '../vision/detection.js';
import { iou } from '../vision/nms.js';
import { bufferedIou, overlapAlongMotion } from './association.js';
import { KEEP_LOW_SIZE } from './keep-low.js';
import { cutByFrame, nearingAhead, SIZE_STEP, sizeRatio } from './size-step.js';
import { followedByTentative } from './tentative-claim.js';
import { classGroup, type Track } from './track.js';
import type { TrackerOptions } from './tracker-options.js';

/**
 * A track matched on the previous detector frame and moving at least MOVING lengths of its box a second is
 * not continued on a box that lies behind its predicted box along the motion, overlapping it by less than
 * BEHIND of its length: that is the road user following it (in the buffered IoU a confident box of the
 * next car takes the track of a faint one ahead; a follower close behind overlaps it a little in
 * perspective), and one track crossing a line for two road users counts one of them. A box of the whole
 * of a long vehicle whose track followed its cab, or of a vehicle's near half, overlaps more.
 */
const BEHIND = 0.3;
const MOVING = 0.5;

/**
 * A track matched on the previous detector frame and moving less than MOVING lengths of its box a second
 * (in both axes; a parked car's box jitters at 0.3 a second) is not continued on a box it overlaps by an
 * IoU under STILL_IOU: that is another road user passing it, whose own track is still tentative (the
 * first stage takes confirmed tracks only). A standing track's own next box overlaps it far more; at 0.3
 * the demo clip at 25 fps counted a pickup twice.
 */
const STILL_IOU = 0.1;

/** IoU at which a detection of about a track's size is that track's box (see otherTrackFits). */
const TRACK_FITS = 0.5;

/** A box at least this many times a car's width at its row (RowWidthModel) is car-wide: cars are 0.87-1.15x. */
const CAR_WIDE = 0.85;

/**
 * The association score of one track with one detection for ByteTracker's greedy assignment: the buffered
 * IoU, penalised across class groups, and vetoed (0) where the pair would be another road user. Set the
 * track with `row`, then score each detection; nothing is allocated per pair.
 */
export class PairScore {
  private t!: Track;
  private tx1 = 0;
  private ty1 = 0;
  private tx2 = 0;
  private ty2 = 0;
  private group = 0;
  private lost = false;
  private fresh = false;
  private standing = false;
  private buf = 0;

  constructor(
    private readonly opts: TrackerOptions,
    /** The tracker's live tracks (mutated in place by it). */
    private readonly tracks: readonly Track[],
  ) {}

  /** The track the next scores are for, with the stage's IoU buffer. */
  row(t: Track, buffer: number): void {
    this.t = t;
    this.tx1 = t.bx1;
    this.ty1 = t.by1;
    this.tx2 = t.bx2;
    this.ty2 = t.by2;
    this.group = classGroup(t.cls);
    this.lost = t.state === 'lost';
    const kf = t.kf;
    // Matched on the previous detector frame (an unmatched confirmed track is lost).
    this.fresh = t.state === 'tracked';
    this.standing = Math.abs(kf.vx) < MOVING * kf.w && Math.abs(kf.vy) < MOVING * kf.h;
    // A coasting track's position gets less certain the longer it is lost: search wider. Not a car's, bus's
    // or lorry's lost standing still: it is where it stood (on the residential demo a parked car's track,
    // lost for 1.4 s, took a car driving past beside it). A two-wheeler's is: in a queue its velocity is
    // poorly known (held to its own spot, Jakarta lost a motorcycle at two lines).
    const grows = this.lost && !(this.standing && this.group === VEHICLE_GROUP);
    this.buf = buffer > 0 && grows ? buffer + (this.opts.lostGrowth * t.lostMs) / 1000 : buffer;
  }

  /**
   * The row's track with detection `d`, which the class correction named `dCls` and which is `dRatio` of a
   * car's width at its row. `hit`: a match counts towards confirmation (else it only keeps a tentative
   * track alive on a low-score box).
   */
  score(d: Detection, dCls: TrafficClass, dRatio: number, threshold: number, hit: boolean): number {
    const t = this.t;
    const { fresh, lost, standing, group } = this;
    const kf = t.kf;
    const o = this.opts;
    let s = bufferedIou(this.tx1, this.ty1, this.tx2, this.ty2, d.x1, d.y1, d.x2, d.y2, this.buf);
    const dg = classGroup(dCls);
    // A rider is seen as a person or as its two-wheeler: either continues the track.
    const crossClass = t.rider ? dg === VEHICLE_GROUP : dg !== group && !detectorAgrees(t, d, dRatio, group);
    if (crossClass) s *= o.crossClassFactor;
    // A coasting track is re-found on a box of about its own size only: a much larger or smaller one is
    // another object. Unless it is a vehicle nearing the camera, missed for a moment (nearingAhead).
    if (lost && sizeRatio(t, d) > SIZE_STEP && (standing || !nearingAhead(t, d))) s = 0;
    // Nor is a car's, bus's or lorry's, tracked or lost, on a faint box (ByteTrack's second stage) much
    // smaller than its own (smallerPart) that the picture's edge does not cut: that is another road user
    // beside it, or part of one. In a Jakarta queue a car's track went on along a rider's faint boxes at
    // half its width and crossed the line as a "car" with the rider.
    if (
      !t.rider &&
      group === VEHICLE_GROUP &&
      d.score < o.highScore &&
      smallerPart(t, d, standing) &&
      !cutByFrame(d)
    )
      s = 0;
    // Only where it could decide a pair: below the threshold the pair is never taken.
    if (
      fresh &&
      s >= threshold &&
      overlapAlongMotion(kf.cx, kf.cy, kf.w, kf.h, kf.vx, kf.vy, d.x1, d.y1, d.x2, d.y2, MOVING) < BEHIND
    )
      s = 0;
    // A track standing still is where it stood: a box it only reaches through the buffer is a road user
    // passing it (on the residential demo a parked car's track took the car driving past it, and
    // that car's crossing was never counted: the track had counted as it parked).
    if (
      fresh &&
      standing &&
      s >= threshold &&
      iou(this.tx1, this.ty1, this.tx2, this.ty2, d.x1, d.y1, d.x2, d.y2) < STILL_IOU
    )
      s = 0;
    // A faint vehicle's track (its boxes scored under the high score on average) does not jump to a box of
    // another size that another track fits: that is the larger vehicle beside or behind it, tracked already.
    // In the UK spray a faint car's track, just counted, went on with the crane lorry behind it, and the
    // lorry's own crossing was lost with it (a track counts once). Two-wheelers' boxes are left alone.
    if (
      fresh &&
      group === VEHICLE_GROUP &&
      s >= threshold &&
      sizeRatio(t, d) > SIZE_STEP &&
      t.meanScore < o.highScore &&
      this.otherTrackFits(t, d, false)
    )
      s = 0;
    // A lost car's, bus's or lorry's track is not found again on a second box of a road user matched this
    // frame already (the same size, IoU >= TRACK_FITS with its box): at 5 fps on the residential demo a
    // pickup's second track, lost, went on along the low-score duplicate boxes of the parked cars it
    // passed and crossed a line on them. Nor on a box a tentative track is following (tentative-claim.ts).
    // Not a two-wheeler's: in a Jakarta clump it lost a motorcycle.
    if (
      lost &&
      group === VEHICLE_GROUP &&
      s >= threshold &&
      (this.otherTrackFits(t, d, true) || followedByTentative(t, d, this.tracks))
    )
      s = 0;
    // A low-score box keeps a tentative track alive only when it is about the track's own box.
    if (!hit && sizeRatio(t, d) > KEEP_LOW_SIZE) s = 0;
    return s;
  }

  /**
   * Whether a track other than `t` (one matched this frame, if `matchedOnly`), of about the detection's
   * size, overlaps it by TRACK_FITS.
   */
  private otherTrackFits(t: Track, d: Detection, matchedOnly: boolean): boolean {
    for (let i = 0; i < this.tracks.length; i++) {
      const o = this.tracks[i]!;
      if (o === t || (matchedOnly && !o.matched) || sizeRatio(o, d) > SIZE_STEP) continue;
      if (iou(o.bx1, o.by1, o.bx2, o.by2, d.x1, d.y1, d.x2, d.y2) >= TRACK_FITS) return true;
    }
    return false;
  }
}

/**
 * Whether a detection the class correction (reclassify.ts) renamed out of the track's group by its shape
 * alone is still the track's kind: the detector named it in the track's group, and the box is as wide as
 * that (`ratio` of a car at its row, when this camera's car widths are known, else the track's own box).
 * A car close to the camera seen steeply from above is as tall as a head-on motorcycle, but as wide as
 * the car it is; a rider's box beside or in front of a car is much narrower, and keeps the cross-class
 * penalty.
 */
function detectorAgrees(t: Track, d: Detection, ratio: number, group: number): boolean {
  if (classGroup(d.cls) !== group) return false;
  if (!Number.isNaN(ratio)) return ratio >= CAR_WIDE;
  return d.x2 - d.x1 >= t.kf.w;
}

/**
 * Whether detection `d` is smaller than track `t`'s box by more than SIZE_STEP: narrower (a road user
 * beside the vehicle, or a part of one), or, for a track not `standing`, shorter. A standing vehicle's
 * shorter box of its width is the vehicle itself with its shadow no longer in it: at the junction a
 * stopped car's track whose box had grown with its shadow lost its car, whose place then looked like a
 * new object on the road.
 */
function smallerPart(t: Track, d: Detection, standing: boolean): boolean {
  return (d.x2 - d.x1) * SIZE_STEP < t.kf.w || (!standing && (d.y2 - d.y1) * SIZE_STEP < t.kf.h);
}
