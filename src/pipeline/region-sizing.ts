import { type LineSize, SMALL_TWO_WHEELER_PX } from '../analytics/line-sizes.js';
import type { CameraConfig } from '../config/schema.js';
import { START_REGION_WIDTH } from '../vision/detect-plan.js';

/**
 * Stream time (ms) from a camera's first frame before its regions may be re-sized, and between looks at
 * its lines' sizes after that: the first estimates rest on a handful of boxes.
 */
const DECIDE_AFTER_MS = 3000;
const CHECK_EVERY_MS = 1000;
/**
 * Lines whose motorcycles are measured (from their own boxes, not estimated from the cars') below this
 * many model pixels get larger regions. Below SMALL_TWO_WHEELER_PX, the warning's threshold, with a
 * margin: on the Jakarta clip a line at 0.7 of the height (38 px, 20 of 22 counted) lost 1-3 motorcycles
 * when sized up to 1216, while lines at 0.65 (33 px: 16 / 19 counted at 10 fps / every frame) and 0.6
 * (29 px: 15 / 14) gained (19 / 20 at 1280, 23 / 19 at 1472); the cars' estimate read 34 px at 0.7 after
 * 3 s, where the motorcycles' own boxes later said 38.
 */
const RESIZE_BELOW_PX = 34;
/** Most model pixels across the picture the gateway sizes regions to by itself (the schema's bound). */
const MAX_REGION_WIDTH = 3840;

/** The automatic regions re-sized for lines whose motorcycles were too small at the start width. */
export interface RegionResize {
  /** The new detect.regionWidth (the plan still keeps to detect.budget). */
  regionWidth: number;
  /** Stream time of the decision, ms from the camera's first frame. */
  afterMs: number;
  /** The small lines it is for, as measured at the start width. */
  lines: LineSize[];
}

/**
 * Whether a line's motorcycles call for larger regions: measured from their own boxes below
 * RESIZE_BELOW_PX, on a line in an automatic region where larger regions would help (LineSize.regionWidth).
 */
export function wantsLargerRegions(s: LineSize): boolean {
  return (
    s.status === 'small' &&
    s.from === 'two-wheelers' &&
    s.modelPx !== null &&
    s.modelPx < RESIZE_BELOW_PX &&
    typeof s.regionWidth === 'number'
  );
}

/**
 * Whether the sizer may still grow the regions for a small line: measured under RESIZE_BELOW_PX, or so far
 * only estimated from the cars (the two-wheelers' own boxes will tell). Its warning waits meanwhile.
 */
export function mayWantLargerRegions(s: LineSize): boolean {
  return (
    s.status === 'small' &&
    typeof s.regionWidth === 'number' &&
    (s.from === 'cars' || (s.modelPx !== null && s.modelPx < RESIZE_BELOW_PX))
  );
}

/**
 * The regionWidth a camera's lines need: the largest that a line wantsLargerRegions asks for (its
 * motorcycles at SUGGEST_PX), when above `current`; undefined when none does.
 */
export function neededRegionWidth(sizes: readonly LineSize[], current: number): number | undefined {
  let width = current;
  for (const s of sizes) {
    if (wantsLargerRegions(s)) width = Math.max(width, Math.min(MAX_REGION_WIDTH, s.regionWidth!));
  }
  return width > current ? width : undefined;
}

/** What the technician reads in the log and in `analyze --explain`. */
export function describeResize(r: RegionResize): string {
  const lines = r.lines
    .filter(wantsLargerRegions)
    .map((s) => `${s.line} ${s.modelPx} px`)
    .join(', ');
  return (
    `regions re-sized to ${r.regionWidth} model px across the picture after ${(r.afterMs / 1000).toFixed(1)} s: ` +
    `motorcycles at ${lines} at ${START_REGION_WIDTH} (${SMALL_TWO_WHEELER_PX} or more counts well); ` +
    'set detect.regionWidth to fix the size by hand'
  );
}

/**
 * Sizes one camera's automatic detection regions to the motorcycles it sees, once: the regions start at
 * START_REGION_WIDTH, and when a line turns out to be where motorcycles are too small to be counted well
 * (line-sizes.ts), they grow to what that line needs, within detect.budget. Only while the regions are
 * automatic: detect.regionWidth or detect.tiles set by hand turn it off.
 */
export class RegionSizer {
  private done: boolean;
  private startPts = Number.NaN;
  private nextPts = 0;

  /** `decideWithinMs`: stream time from the first frame after which it stops looking (a clip's events wait). */
  constructor(
    camera: Pick<CameraConfig, 'detect' | 'lines'>,
    private readonly decideWithinMs = Number.POSITIVE_INFINITY,
  ) {
    this.done =
      camera.detect.regionWidth !== undefined ||
      camera.detect.tiles !== undefined ||
      camera.lines.length === 0;
  }

  /** Whether it may still re-size the regions. */
  get active(): boolean {
    return !this.done;
  }

  /**
   * Looks at the lines' sizes (`sizes`, called at most once a second of stream time `ptsMs`): the re-size
   * when one is due (then never again), else undefined (and `active` false once past `decideWithinMs`).
   */
  check(ptsMs: number, sizes: () => readonly LineSize[]): RegionResize | undefined {
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
    const width = neededRegionWidth(now, START_REGION_WIDTH);
    if (width === undefined) return undefined;
    this.done = true;
    return { regionWidth: width, afterMs: ptsMs - this.startPts, lines: now.slice() };
  }
}
