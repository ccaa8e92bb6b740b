import { type FrameStats, STATS_H, STATS_W } from './frame-stats.js';

export type TamperKind = 'black' | 'covered' | 'blur' | 'moved';

export interface TamperOptions {
  /** Time the reference view is learnt before checks start, ms. */
  learnMs: number;
  /** A condition must hold this long to raise, and be gone this long to clear, ms. */
  holdMs: number;
  /** Mean grey below this is a black frame. */
  blackMean: number;
  /** Grey standard deviation below this is a covered lens (uniform view). */
  coveredStd: number;
  /** Sharpness below this fraction of the reference is blur. */
  blurRatio: number;
  /** Correlation with the reference view below this is a moved camera. */
  movedCorrelation: number;
  /** After this long in "moved", the new view becomes the reference and the incident ends, ms. */
  relearnMs: number;
}

export const DEFAULT_TAMPER: TamperOptions = {
  learnMs: 3000,
  holdMs: 3000,
  blackMean: 16,
  coveredStd: 5,
  blurRatio: 0.35,
  movedCorrelation: 0.45,
  relearnMs: 60_000,
};

/**
 * Camera tamper check from frame statistics: black frame, covered lens, blur (sharpness far below the
 * reference) or scene moved (the tiny grey view no longer correlates with the reference). The reference
 * is a slow running average of the view, frozen while something looks wrong.
 */
export class TamperDetector {
  private readonly ref = new Float32Array(STATS_W * STATS_H);
  private refSharpness = 0;
  private refFrames = 0;
  private startPts: number | undefined;
  private badKind: TamperKind | undefined;
  private badSince = 0;
  private goodSince = 0;
  /** The tamper currently raised, if any. */
  active: TamperKind | undefined;
  private activeSince = 0;
  /** Correlation of the latest frame with the reference (for diagnostics and tests). */
  correlation = 1;

  constructor(readonly opts: TamperOptions = DEFAULT_TAMPER) {}

  /** Feeds one frame's statistics; returns 'start' or 'end' when the tamper state changes. */
  step(stats: FrameStats, pts: number): 'start' | 'end' | undefined {
    if (this.startPts === undefined) this.startPts = pts;
    const o = this.opts;
    const learning = pts - this.startPts < o.learnMs;
    let kind: TamperKind | undefined;
    if (stats.mean < o.blackMean) kind = 'black';
    else if (stats.std < o.coveredStd) kind = 'covered';
    else if (this.refFrames > 0) {
      this.correlation = this.correlate(stats.grey);
      if (!learning && stats.sharpness < o.blurRatio * this.refSharpness) kind = 'blur';
      else if (!learning && this.correlation < o.movedCorrelation) kind = 'moved';
    }
    if (!kind) this.learn(stats, learning);

    if (kind) {
      if (this.badKind !== kind) {
        this.badKind = kind;
        this.badSince = pts;
      }
      if (!this.active && pts - this.badSince >= o.holdMs) {
        this.active = kind;
        this.activeSince = pts;
        return 'start';
      }
      if (this.active === 'moved' && kind === 'moved' && pts - this.activeSince >= o.relearnMs) {
        // The camera now looks somewhere else for good: take the new view as the reference.
        this.ref.set(stats.grey);
        this.refSharpness = stats.sharpness;
        this.badKind = undefined;
        this.active = undefined;
        return 'end';
      }
      this.goodSince = pts;
      return undefined;
    }
    this.badKind = undefined;
    if (this.active && pts - this.goodSince >= o.holdMs) {
      this.active = undefined;
      return 'end';
    }
    if (!this.active) this.goodSince = pts;
    return undefined;
  }

  private learn(stats: FrameStats, learning: boolean): void {
    const a = this.refFrames === 0 ? 1 : learning ? 0.2 : 0.01;
    const g = stats.grey;
    for (let i = 0; i < this.ref.length; i++) this.ref[i] = this.ref[i]! + a * (g[i]! - this.ref[i]!);
    this.refSharpness += a * (stats.sharpness - this.refSharpness);
    this.refFrames++;
  }

  /** Normalised cross-correlation of the tiny view with the reference (1 = same scene). */
  private correlate(g: Float32Array): number {
    const r = this.ref;
    const n = r.length;
    let mg = 0;
    let mr = 0;
    for (let i = 0; i < n; i++) {
      mg += g[i]!;
      mr += r[i]!;
    }
    mg /= n;
    mr /= n;
    let sgr = 0;
    let sgg = 0;
    let srr = 0;
    for (let i = 0; i < n; i++) {
      const a = g[i]! - mg;
      const b = r[i]! - mr;
      sgr += a * b;
      sgg += a * a;
      srr += b * b;
    }
    const d = Math.sqrt(sgg * srr);
    return d > 0 ? sgr / d : 0;
  }
}
