/**
 * The size of a kind of road user at each row of one camera's picture, learned from the detector's
 * confident boxes of that kind. On a road seen from a fixed camera, a vehicle's box grows about linearly
 * with how far down the picture its bottom edge is (perspective), so size ≈ a + b·y2.
 *
 * Cars' widths (RowWidthModel, the tracker's): buses and lorries are wider than cars at the same row (2.5 m
 * against 1.8 m, more when seen at an angle); a "bus" or "truck" box no wider than the cars around it is a
 * car the small model misnamed: a car with its spray plume in the rain, a van. Two-wheelers' heights
 * (analytics/line-sizes.ts): how many model pixels a motorcycle gets where a counting line is drawn.
 *
 * Robust and allocation-free: running sums of the boxes that fit the current line (within INLIER), an
 * exponentially weighted share of confident boxes that fit (views where sizes do not follow one line — a
 * junction with cars crossing at every angle — never become ready), sums halved when large so a moved
 * camera is relearned.
 */

export interface RowSizeOptions {
  /** Which side of the box is measured (fractions of the picture's width or height). */
  measure: 'width' | 'height';
  /** Boxes scored below this are left out (weak ones are often parts of a road user or two in one box). */
  minScore: number;
  /** Share of confident boxes that must fit the line for it to be used. */
  minFitShare: number;
  /** Boxes fitted before the model is used. */
  minSamples: number;
}

/** Confident car boxes only. */
export const WIDTH_SCORE = 0.5;
const CAR_WIDTH: RowSizeOptions = {
  measure: 'width',
  minScore: WIDTH_SCORE,
  minFitShare: 0.85,
  // 6.8 s of the UK motorway in rain at 10 fps (200 took 13.8 s): until then, two cars one behind the
  // other far off, seen as one tall "bus" box for seconds, make a car track voted bus.
  minSamples: 100,
};
/** A box within this fraction of the predicted size fits the line. */
const INLIER = 0.2;
/** Boxes further off than this are left out of the fit (motorcycles called cars, two cars in one box). */
const OUTLIER = 0.35;
/** Weight of each new box in the fitting share (about the last 200 boxes). */
const SHARE_ALPHA = 1 / 200;
/** Rows spanned (standard deviation of y2, fraction of the height) needed to fit a slope. */
const MIN_ROW_SPREAD = 0.04;
/** Sums are halved when this many boxes are in them. */
const HALVE_AT = 20000;
/** Boxes touching the frame edge have no meaningful size. */
const EDGE = 0.005;

export class RowSizeModel {
  private n = 0;
  private sy = 0;
  private syy = 0;
  private sw = 0;
  private syw = 0;
  private a = 0;
  private b = 0;
  private fitted = false;
  /** Exponentially weighted share of fitting boxes, and the weight it has gathered (bias correction). */
  private share = 0;
  private shareWeight = 0;
  private readonly height: boolean;

  constructor(private readonly opts: RowSizeOptions) {
    this.height = opts.measure === 'height';
  }

  /** Whether the fit is trusted (enough boxes, over enough rows, that mostly follow it). */
  get ready(): boolean {
    return (
      this.fitted && this.n >= this.opts.minSamples && this.share >= this.opts.minFitShare * this.shareWeight
    );
  }

  /** Adds a box (fractions of the picture); weak ones and ones cut by the edge are ignored. */
  add(score: number, x1: number, y1: number, x2: number, y2: number): void {
    if (score < this.opts.minScore || this.cut(x1, y1, x2, y2)) return;
    const w = this.height ? y2 - y1 : x2 - x1;
    if (this.fitted) {
      const p = this.a + this.b * y2;
      const off = p > 0 ? Math.abs(w / p - 1) : 1;
      this.share += SHARE_ALPHA * ((off <= INLIER ? 1 : 0) - this.share);
      this.shareWeight += SHARE_ALPHA * (1 - this.shareWeight);
      if (off > OUTLIER) return;
    }
    this.n++;
    this.sy += y2;
    this.syy += y2 * y2;
    this.sw += w;
    this.syw += y2 * w;
    if (this.n >= HALVE_AT) {
      this.n /= 2;
      this.sy /= 2;
      this.syy /= 2;
      this.sw /= 2;
      this.syw /= 2;
    }
    this.refit();
  }

  /** The size at bottom row `y2`; NaN when not ready, 0 at and above the horizon the fit puts there. */
  at(y2: number): number {
    return this.ready ? this.fitAt(y2) : Number.NaN;
  }

  /**
   * The size at bottom row `y2` the fit gives once it has its boxes, whether or not most boxes follow it
   * now (where many are parts of road users, the fit, made of boxes near it, still holds the whole ones);
   * NaN before.
   */
  fitAt(y2: number): number {
    if (!this.fitted || this.n < this.opts.minSamples) return Number.NaN;
    const p = this.a + this.b * y2;
    return p > 0 ? p : 0;
  }

  /** A box's size over the size at its bottom row; NaN when unknown (not ready, box cut by the edge). */
  ratio(x1: number, y1: number, x2: number, y2: number): number {
    if (!this.ready || this.cut(x1, y1, x2, y2)) return Number.NaN;
    const p = this.a + this.b * y2;
    return p > 0 ? (this.height ? y2 - y1 : x2 - x1) / p : Number.NaN;
  }

  /** Cut by the frame edge across the measured side. */
  private cut(x1: number, y1: number, x2: number, y2: number): boolean {
    return y1 <= EDGE || y2 >= 1 - EDGE || (!this.height && (x1 <= EDGE || x2 >= 1 - EDGE));
  }

  private refit(): void {
    const n = this.n;
    if (n < 50) return;
    const my = this.sy / n;
    const vy = this.syy / n - my * my;
    if (vy < MIN_ROW_SPREAD * MIN_ROW_SPREAD) return;
    this.b = (this.syw / n - my * (this.sw / n)) / vy;
    this.a = this.sw / n - this.b * my;
    this.fitted = true;
  }
}

/** The width of a car at each row of the picture (the tracker's: buses, lorries and motorcycles by width). */
export class RowWidthModel extends RowSizeModel {
  constructor() {
    super(CAR_WIDTH);
  }
}
