import type { TrafficClass } from '../domain/traffic.js';
import type { Detection, DetectionResult } from '../vision/detection.js';
import { greedyAssign } from './association.js';
import { mayKeepOnLow } from './keep-low.js';
import { PairScore } from './pair-score.js';
import { correctClasses } from './reclassify.js';
import { markRiders } from './riders.js';
import { RowWidthModel } from './row-size.js';
import { SIZE_STEP, sizeRatio } from './size-step.js';
import { Track } from './track.js';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from './tracker-options.js';

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
  private readonly pair: PairScore;

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...opts };
    this.pair = new PairScore(this.opts, this.tracks);
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
    const pair = this.pair;
    for (let r = 0; r < rows; r++) {
      pair.row(this.tracks[this.rowsIdx[r]!]!, buffer);
      for (let c = 0; c < cols; c++) {
        const j = this.colsIdx[c]!;
        sim[r * cols + c] = pair.score(dets[j]!, this.detCls[j]!, this.detRatio[j]!, threshold, hit);
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
