import type { TrafficClass } from '../domain/traffic.js';
import { VEHICLE_GROUP } from '../vision/class-map.js';
import type { Detection, DetectionResult } from '../vision/detection.js';
import { iou } from '../vision/nms.js';
import { bufferedIou, greedyAssign, overlapAlongMotion } from './association.js';
import { KEEP_LOW_SIZE, mayKeepOnLow } from './keep-low.js';
import { correctClasses } from './reclassify.js';
import { markRiders } from './riders.js';
import { RowWidthModel } from './row-size.js';
import { nearingAhead, SIZE_STEP, sizeRatio } from './size-step.js';
import { followedByTentative } from './tentative-claim.js';
import { classGroup, Track } from './track.js';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from './tracker-options.js';

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
 * ByteTrack-style multi-object tracker: Kalman-predicted boxes, association of high-score detections
 * first and low-score ones second (which keeps IDs through partial occlusion, when the detector's score
 * drops), a lost-track buffer for re-identification after full occlusion, and a class vote per track.
 *
 * Motion-gated frames (`inferred: false`) mean "not looked", not "nothing there": tracks are kept as
 * they are, and the gated time counts neither as motion nor as lost time.
 */
export class ByteTracker {
  readonly opts: TrackerOptions;
  /** Live tracks (tentative, tracked and lost). Mutated in place on every update. */
  readonly tracks: Track[] = [];
  /** Tracks removed by the latest update (valid until the next update). */
  readonly removed: Track[] = [];
  private readonly pool: Track[] = [];
  private nextId = 1;
  /** Camera image width / height, for shape-based class correction. */
  aspect = 16 / 9;
  /** Class of each detection of the current frame after correction. */
  private readonly detCls: TrafficClass[] = [];
  /** A car's width at each row of this camera's picture (names buses and trucks as wide as a car cars). */
  readonly rowWidth = new RowWidthModel();
  private lastPts: number | undefined;

  // Scratch, grown on demand.
  private sim = new Float64Array(64 * 64);
  private keys = new Float64Array(64 * 64);
  private rowMatch = new Int32Array(64);
  private colTaken = new Uint8Array(64);
  private rider = new Uint8Array(64);
  /** Each detection's width over a car's at its row (RowWidthModel.ratio; NaN: unknown), this frame. */
  private detRatio = new Float64Array(64);
  private detUsed = new Uint8Array(64);
  private rowsIdx = new Int32Array(64);
  private colsIdx = new Int32Array(64);

  private readonly isHigh = (d: Detection) => d.score >= this.opts.highScore;
  private readonly isLow = (d: Detection) => d.score < this.opts.highScore;
  private readonly isWeak = (d: Detection) => d.score >= this.opts.weakTrackScore;
  private readonly isBelowWeak = (d: Detection) => d.score < this.opts.weakTrackScore;
  private readonly keepsOnLow = (t: Track) => mayKeepOnLow(t, this.tracks);

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...opts };
  }

  /** Feeds one detector result; returns the live tracks. */
  update(result: DetectionResult): readonly Track[] {
    for (const t of this.removed) this.pool.push(t);
    this.removed.length = 0;
    const pts = result.ptsMs;
    if (!result.inferred) {
      this.lastPts = pts;
      for (const t of this.tracks) t.matched = false;
      return this.tracks;
    }
    const prev = this.lastPts;
    // Time since the previous frame, inferred or gated: gated time (lastPts moves on) counts as standing still.
    const dtMs = prev === undefined ? 0 : Math.max(0, pts - prev);
    this.lastPts = pts;
    const dt = dtMs / 1000;

    const dets = result.detections;
    const nd = dets.length;
    this.ensure(Math.max(nd, this.tracks.length));
    const o = this.opts;
    const detCls = this.detCls;
    if (o.correctClasses) correctClasses(dets, this.aspect, detCls);
    else {
      detCls.length = nd;
      for (let j = 0; j < nd; j++) detCls[j] = dets[j]!.cls;
    }
    for (let j = 0; j < nd; j++) {
      const d = dets[j]!;
      if (d.cls === 'car') this.rowWidth.add(d.score, d.x1, d.y1, d.x2, d.y2);
    }
    for (let j = 0; j < nd; j++) {
      const d = dets[j]!;
      this.detRatio[j] = this.rowWidth.ratio(d.x1, d.y1, d.x2, d.y2);
    }
    if (o.suppressRiders) markRiders(dets, detCls, this.rider);
    else this.rider.fill(0, 0, nd);
    this.detUsed.fill(0, 0, nd);
    for (let j = 0; j < nd; j++) {
      if (this.rider[j] || dets[j]!.score < o.lowScore) this.detUsed[j] = 1;
    }

    for (const t of this.tracks) {
      t.kf.predict(dt, t.state === 'lost');
      t.matched = false;
      t.ageMs += dtMs;
    }

    // Stage 1: confirmed (tracked + lost) tracks vs high-score detections, buffered IoU.
    this.associate(dets, isConfirmed, this.isHigh, o.buffer, o.matchFirst);
    // Stage 2: still-unmatched tracks vs low-score detections. ByteTrack takes only tracked ones here;
    // lost ones too keeps a car whose score dipped for a few frames (shadow, occlusion) on its track.
    this.associate(dets, isUnmatched, this.isLow, o.buffer, o.matchSecond);
    // Stage 3: tentative tracks vs remaining detections a track may start from (weak ones too).
    this.associate(dets, isTentative, this.isWeak, o.bufferTentative, o.matchTentative);
    // Stage 4: still-unmatched tentative tracks vs the low-score rest: kept alive, not confirmed by them.
    if (o.tentativeKeepLow)
      this.associate(dets, this.keepsOnLow, this.isBelowWeak, o.bufferTentative, o.matchTentative, false);

    // Bookkeeping: confirm, lose, remove.
    let w = 0;
    for (let i = 0; i < this.tracks.length; i++) {
      const t = this.tracks[i]!;
      let keep = true;
      if (t.matched) {
        t.lostMs = 0;
        t.misses = 0;
        if (
          t.state === 'tentative' &&
          t.hits >= (t.weak ? o.weakHits : o.minHits) &&
          (!t.weak || t.moved())
        ) {
          t.state = 'tracked';
        } else if (t.state === 'lost') t.state = 'tracked';
      } else if (t.state === 'tentative') {
        t.lostMs += dtMs;
        // Not a person's: a rider seen as a person only now and then would become a "pedestrian".
        keep = (++t.misses <= o.tentativeMisses || t.lostMs <= o.tentativeLostMs) && t.cls !== 'person';
      } else {
        if (t.state !== 'lost') t.coastAlongHistory();
        t.state = 'lost';
        t.lostMs += dtMs;
        const cx = t.kf.cx;
        const cy = t.kf.cy;
        if (t.lostMs > o.lostBufferMs || cx < 0 || cx > 1 || cy < 0 || cy > 1) keep = false;
      }
      if (keep) this.tracks[w++] = t;
      else this.removed.push(t);
    }
    this.tracks.length = w;

    // New tracks from unmatched confident detections.
    for (let j = 0; j < nd; j++) {
      if (this.detUsed[j]) continue;
      const d = dets[j]!;
      if (d.score < o.weakTrackScore) continue;
      const t = this.pool.pop() ?? new Track();
      t.start(this.nextId++, detCls[j]!, d.score, d.x1, d.y1, d.x2, d.y2, this.detRatio[j]!);
      t.weak = d.score < o.newTrackScore;
      if (prev === undefined && o.minHits <= 1) t.state = 'tracked';
      this.tracks.push(t);
    }
    return this.tracks;
  }

  private associate(
    dets: readonly Detection[],
    trackOk: (t: Track) => boolean,
    detOk: (d: Detection) => boolean,
    buffer: number,
    threshold: number,
    hit = true,
  ): void {
    let cols = 0;
    for (let j = 0; j < dets.length; j++) {
      if (!this.detUsed[j] && detOk(dets[j]!)) this.colsIdx[cols++] = j;
    }
    if (cols === 0) return;
    let rows = 0;
    for (let i = 0; i < this.tracks.length; i++) {
      if (trackOk(this.tracks[i]!)) this.rowsIdx[rows++] = i;
    }
    if (rows === 0) return;
    const sim = this.sim;
    const o = this.opts;
    for (let r = 0; r < rows; r++) {
      const t = this.tracks[this.rowsIdx[r]!]!;
      const tx1 = t.bx1;
      const ty1 = t.by1;
      const tx2 = t.bx2;
      const ty2 = t.by2;
      const group = classGroup(t.cls);
      const rider = t.rider;
      const lost = t.state === 'lost';
      const kf = t.kf;
      // Matched on the previous detector frame (an unmatched confirmed track is lost).
      const fresh = t.state === 'tracked';
      const standing = Math.abs(kf.vx) < MOVING * kf.w && Math.abs(kf.vy) < MOVING * kf.h;
      // A coasting track's position gets less certain the longer it is lost: search wider. Not a car's, bus's
      // or lorry's lost standing still: it is where it stood (on the residential demo a parked car's track,
      // lost for 1.4 s, took a car driving past beside it). A two-wheeler's is: in a queue its velocity is
      // poorly known (held to its own spot, Jakarta lost a motorcycle at two lines).
      const grows = lost && !(standing && group === VEHICLE_GROUP);
      const buf = buffer > 0 && grows ? buffer + (o.lostGrowth * t.lostMs) / 1000 : buffer;
      for (let c = 0; c < cols; c++) {
        const d = dets[this.colsIdx[c]!]!;
        let s = bufferedIou(tx1, ty1, tx2, ty2, d.x1, d.y1, d.x2, d.y2, buf);
        const dg = classGroup(this.detCls[this.colsIdx[c]!]!);
        // A rider is seen as a person or as its two-wheeler: either continues the track.
        const crossClass = rider
          ? dg === VEHICLE_GROUP
          : dg !== group && !this.detectorAgrees(t, d, this.detRatio[this.colsIdx[c]!]!, group);
        if (crossClass) s *= o.crossClassFactor;
        // A coasting track is re-found on a box of about its own size only: a much larger or smaller one is
        // another object. Unless it is a vehicle nearing the camera, missed for a moment (nearingAhead).
        if (lost && sizeRatio(t, d) > SIZE_STEP && (standing || !nearingAhead(t, d))) s = 0;
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
          iou(tx1, ty1, tx2, ty2, d.x1, d.y1, d.x2, d.y2) < STILL_IOU
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
          this.otherTrackFits(t, d)
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
        sim[r * cols + c] = s;
      }
    }
    greedyAssign(sim, rows, cols, threshold, this.rowMatch, this.colTaken, this.keys);
    for (let r = 0; r < rows; r++) {
      const c = this.rowMatch[r]!;
      if (c < 0) continue;
      const t = this.tracks[this.rowsIdx[r]!]!;
      const j = this.colsIdx[c]!;
      const d = dets[j]!;
      this.detUsed[j] = 1;
      const cx = (d.x1 + d.x2) / 2;
      const cy = (d.y1 + d.y2) / 2;
      if (sizeRatio(t, d) > SIZE_STEP) t.kf.restartAt(cx, cy, d.x2 - d.x1, d.y2 - d.y1);
      else t.kf.update(cx, cy, d.x2 - d.x1, d.y2 - d.y1);
      t.observe(this.detCls[j]!, d.score, d.x1, d.y1, d.x2, d.y2, this.detRatio[j]!);
      if (hit) t.hits++;
      // Kept alive on a low-score box: confirmed as a weak track is, only once it has moved along.
      else t.weak = true;
      t.matched = true;
    }
  }

  /**
   * Whether a track other than `t` (one matched this frame, if `matchedOnly`), of about the detection's
   * size, overlaps it by TRACK_FITS.
   */
  private otherTrackFits(t: Track, d: Detection, matchedOnly = false): boolean {
    for (let i = 0; i < this.tracks.length; i++) {
      const o = this.tracks[i]!;
      if (o === t || (matchedOnly && !o.matched) || sizeRatio(o, d) > SIZE_STEP) continue;
      if (iou(o.bx1, o.by1, o.bx2, o.by2, d.x1, d.y1, d.x2, d.y2) >= TRACK_FITS) return true;
    }
    return false;
  }

  /**
   * Whether a detection the class correction (reclassify.ts) renamed out of the track's group by its shape
   * alone is still the track's kind: the detector named it in the track's group, and the box is as wide as
   * that (`ratio` of a car at its row, when this camera's car widths are known, else the track's own box).
   * A car close to the camera seen steeply from above is as tall as a head-on motorcycle, but as wide as
   * the car it is; a rider's box beside or in front of a car is much narrower, and keeps the cross-class
   * penalty.
   */
  private detectorAgrees(t: Track, d: Detection, ratio: number, group: number): boolean {
    if (classGroup(d.cls) !== group) return false;
    if (!Number.isNaN(ratio)) return ratio >= CAR_WIDE;
    return d.x2 - d.x1 >= t.kf.w;
  }

  private ensure(n: number): void {
    if (n <= this.rowMatch.length) return;
    const cap = Math.max(n, this.rowMatch.length * 2);
    this.sim = new Float64Array(cap * cap);
    this.keys = new Float64Array(cap * cap);
    this.rowMatch = new Int32Array(cap);
    this.colTaken = new Uint8Array(cap);
    this.rider = new Uint8Array(cap);
    this.detRatio = new Float64Array(cap);
    this.detUsed = new Uint8Array(cap);
    this.rowsIdx = new Int32Array(cap);
    this.colsIdx = new Int32Array(cap);
  }
}

const isConfirmed = (t: Track) => t.state !== 'tentative';
const isUnmatched = (t: Track) => t.state !== 'tentative' && !t.matched;
const isTentative = (t: Track) => t.state === 'tentative';
