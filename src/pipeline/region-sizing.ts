import { type LineSize, SMALL_TWO_WHEELER_PX } from '../analytics/line-sizes.js';
import type { CameraConfig } from '../config/schema.js';
import { detectLayout, type LayoutModel, sameLayout } from '../vision/detect-layout.js';
import { START_REGION_WIDTH } from '../vision/detect-plan.js';

/**
 * Stream time (ms) from a camera's first frame before its lines' sizes are looked at, and between looks:
 * the first estimates rest on a handful of boxes.
 */
const DECIDE_AFTER_MS = 3000;
const CHECK_EVERY_MS = 1000;
/**
 * A line's size is the mean of its last LOOKS looks (one a second): the measure moves by ±3 px as boxes
 * come in, and the fit from the motorcycles' own boxes and the estimate from the cars' widths take turns.
 * On the Jakarta clip, a second apart: a line at 0.7 of the height 33-38 px, at 0.65 28-34, at 0.6 24-29.
 */
const LOOKS = 5;
/**
 * Lines whose motorcycles measure (LOOKS mean) under this many model pixels get larger regions. Below
 * SMALL_TWO_WHEELER_PX, the warning's threshold, with a margin: on the Jakarta clip the line at 0.7 (36-38
 * px over the clip, 20 of 22 counted) lost 1-3 motorcycles when sized up to 1216, and with two more lines
 * on its camera a single look read 33 after 3 s; lines at 0.65 (about 32 px: 16 / 19 counted at 10 fps /
 * every frame) and 0.6 (about 28 px: 15 / 14) gained (19 / 21 at 1280, 23 / 19 at 1472).
 */
const RESIZE_BELOW_PX = 33.5;
/** Most model pixels across the picture the gateway sizes regions to by itself (the schema's bound). */
const MAX_REGION_WIDTH = 3840;

/** The automatic regions re-sized for lines whose motorcycles were too small at the start width. */
export interface RegionResize {
  /** The new detect.regionWidth (the plan still keeps to detect.budget). */
  regionWidth: number;
  /** Stream time of the decision, ms from the camera's first frame. */
  afterMs: number;
  /** The lines it is for, as measured at the start width (`modelPx`: the LOOKS mean, rounded). */
  lines: LineSize[];
}

/**
 * Whether the sizer may grow the regions for a small line (one in an automatic region where larger
 * regions would help: LineSize.regionWidth) measuring `px`: its warning waits meanwhile.
 */
export function mayWantLargerRegions(s: LineSize, px = s.modelPx): boolean {
  return s.status === 'small' && typeof s.regionWidth === 'number' && px !== null && px < RESIZE_BELOW_PX;
}

/**
 * The regionWidth that lines measuring `px` (their LOOKS mean; null: not known long enough) need: the
 * largest a line mayWantLargerRegions asks for (its motorcycles at SUGGEST_PX), when above `current`.
 */
export function neededRegionWidth(
  sizes: readonly LineSize[],
  px: readonly (number | null)[],
  current: number,
): number | undefined {
  let width = current;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!;
    if (mayWantLargerRegions(s, px[i] ?? null))
      width = Math.max(width, Math.min(MAX_REGION_WIDTH, s.regionWidth!));
  }
  return width > current ? width : undefined;
}

/** `camera` with its automatic regions at `regionWidth` (the width a re-size asked for). */
export function withRegionWidth<C extends Pick<CameraConfig, 'detect'>>(camera: C, regionWidth: number): C {
  return { ...camera, detect: { ...camera.detect, regionWidth } };
}

/**
 * Whether `camera`'s automatic regions at `regionWidth` differ from those it has now on a `srcWidth` x
 * `srcHeight` picture: detect.budget may hold them where they are (ten lines over two thirds of the
 * picture), and then a re-size would change nothing but the log.
 */
export function regionsWouldChange(
  camera: Pick<CameraConfig, 'detect' | 'lines' | 'zones'>,
  model: LayoutModel,
  srcWidth: number,
  srcHeight: number,
  regionWidth: number,
): boolean {
  const now = detectLayout(camera, model, srcWidth, srcHeight).tiles;
  return !sameLayout(
    now,
    detectLayout(withRegionWidth(camera, regionWidth), model, srcWidth, srcHeight).tiles,
  );
}

/** What the technician reads in the log and in `analyze --explain`. */
export function describeResize(r: RegionResize): string {
  const lines = r.lines.map((s) => `${s.line} ${s.modelPx} px`).join(', ');
  return (
    `regions re-sized to ${r.regionWidth} model px across the picture after ${(r.afterMs / 1000).toFixed(1)} s: ` +
    `motorcycles at ${lines} at ${START_REGION_WIDTH} (${SMALL_TWO_WHEELER_PX} or more counts well); ` +
    'set detect.regionWidth to fix the size by hand'
  );
}

/**
 * Sizes one camera's automatic detection regions to the motorcycles it sees, once: the regions start at
 * START_REGION_WIDTH, and when a line turns out to be where motorcycles are too small to be counted well
 * (line-sizes.ts; the mean of its last LOOKS looks under RESIZE_BELOW_PX), they grow to what that line
 * needs, within detect.budget. Only while the regions are automatic: detect.regionWidth or detect.tiles set
 * by hand turn it off.
 */
export class RegionSizer {
  private done: boolean;
  private startPts = Number.NaN;
  private nextPts = 0;
  /** Each line's last LOOKS looks (model px; NaN: unknown then), a ring at `look % LOOKS`. */
  private readonly looks: Float64Array;
  private look = 0;
  private readonly lines: number;
  /** Each line's LOOKS mean at the latest look (NaN: not LOOKS looks known yet). */
  private readonly means: Float64Array;

  /** `decideWithinMs`: stream time from the first frame after which it stops looking (a clip's events wait). */
  constructor(
    camera: Pick<CameraConfig, 'detect' | 'lines'>,
    private readonly decideWithinMs = Number.POSITIVE_INFINITY,
  ) {
    this.lines = camera.lines.length;
    this.looks = new Float64Array(this.lines * LOOKS).fill(Number.NaN);
    this.means = new Float64Array(this.lines).fill(Number.NaN);
    this.done = !RegionSizer.applies(camera);
  }

  /** Whether a camera's regions are the gateway's to size: automatic, not set by hand, and serving lines. */
  static applies(camera: Pick<CameraConfig, 'detect' | 'lines'>): boolean {
    return (
      camera.detect.regionWidth === undefined && camera.detect.tiles === undefined && camera.lines.length > 0
    );
  }

  /** Whether it may still re-size the regions. */
  get active(): boolean {
    return !this.done;
  }

  /**
   * Whether it is still making up its mind about line `i` (by index in the camera's lines): active, and
   * not yet LOOKS looks of it known. Past that, a line measuring (LOOKS mean) 33.5 px or more is not
   * re-sized for unless it comes down later.
   */
  deciding(i: number): boolean {
    return !this.done && Number.isNaN(this.means[i] ?? 0);
  }

  /**
   * Looks at the lines' sizes (`sizes`, called at most once a second of stream time `ptsMs`; `fromCars`:
   * the same estimated from the cars' widths, which bounds them from below): the re-size when one is due
   * (then never again), else undefined (and `active` false once past `decideWithinMs`).
   */
  check(
    ptsMs: number,
    sizes: () => readonly LineSize[],
    fromCars?: () => readonly LineSize[],
  ): RegionResize | undefined {
    if (this.done) return undefined;
    if (Number.isNaN(this.startPts)) {
      this.startPts = ptsMs;
      this.nextPts = ptsMs + DECIDE_AFTER_MS;
    }
    if (ptsMs < this.nextPts) return undefined;
    this.nextPts = ptsMs + CHECK_EVERY_MS;
    if (ptsMs - this.startPts > this.decideWithinMs) {
      this.done = true;
      return undefined;
    }
    const now = sizes();
    const cars = fromCars?.();
    const slot = this.look++ % LOOKS;
    const means: (number | null)[] = [];
    for (let i = 0; i < this.lines; i++) {
      // The cars' estimate bounds the two-wheelers' own fit from below: early on, on boxes of a few
      // rows, the fit extrapolates low (a line at 0.7 with a zone above it: fit 30-35 px over 3-10 s
      // where the cars' widths said 37-39 throughout, and the fit itself 38 by the end).
      this.looks[i * LOOKS + slot] = Math.max(now[i]?.modelPx ?? Number.NaN, cars?.[i]?.modelPx ?? 0);
      let sum = 0;
      for (let k = 0; k < LOOKS; k++) sum += this.looks[i * LOOKS + k]!;
      this.means[i] = sum / LOOKS;
      means.push(Number.isNaN(sum) ? null : sum / LOOKS);
    }
    const width = neededRegionWidth(now, means, START_REGION_WIDTH);
    if (width === undefined) return undefined;
    this.done = true;
    const lines = now
      .map((s, i) => ({ ...s, modelPx: Math.round(means[i] ?? 0) }))
      .filter((_, i) => mayWantLargerRegions(now[i]!, means[i] ?? null));
    return { regionWidth: width, afterMs: ptsMs - this.startPts, lines };
  }
}
