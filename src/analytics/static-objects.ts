import type { Frame } from '../camera/frame.js';
import type { Polygon } from '../vision/polygon.js';
import { Cover, DELTA, GHOST_MS, learnFrame, TAU_SHORT_S } from './cell-learning.js';
import { type StaticBlob, staticBlobs } from './static-blobs.js';
import { roadShowsThrough, StaticCells } from './static-cells.js';

export { Cover } from './cell-learning.js';
export type { StaticBlob } from './static-blobs.js';

/** More than this share of the watched cells static at once is a light change or a moved camera, not an object. */
const GLOBAL_CHANGE = 0.3;
/**
 * One blob of more than this share of the watched cells is a change of light over a part of the view (a
 * cloud's shadow), not an object: a car is 1-2 % of a motorway camera's view near the camera.
 */
const LIGHT_SHARE = 0.08;
/** presentShare: a box this much under road users' boxes shows nothing of what lies there. */
const HIDDEN_SHARE = 0.7;
/** appearedShare: the road seen empty this recently (ms) before a track's birth is where it appeared. */
const APPEAR_MS = 2000;
/** ... or at least this many of its cells hold a static object (StaticObjects.appearedShare). */
const LAY_CELLS = 8;

/**
 * Where a new object lies still on the road, whatever it is (a fallen person or bicycle the detector does
 * not see, debris, a dropped load): a dual background model on a grey cell grid of the whole picture
 * (tile 0). The long-term background learns the empty road slowly, the short-term one follows the view
 * within a second; a cell that differs from the first but matches the second holds something that arrived
 * and stopped. Only cells of the watched zones count (only their span is measured: CellGrid.span), never
 * under a tracked vehicle (moving traffic does not teach the backgrounds, a queue is not an obstacle) nor
 * where a vehicle stood still recently (the road it uncovers when it leaves is no new object).
 * Allocation-free per frame; blobs are recomputed on demand.
 */
export class StaticObjects {
  private readonly c = new StaticCells();
  private lastPts = Number.NaN;
  /** Static cells this frame (light change detection, diagnostics). */
  staticCells = 0;

  /** Cells in `zones` and not in `excluded` (parking and sidewalk zones) are watched. */
  constructor(
    private readonly zones: readonly Polygon[],
    private readonly excluded: readonly Polygon[] = [],
  ) {}

  /** The grid's size in cells (0 before the first frame). */
  get cols(): number {
    return this.c.grid.cols;
  }
  get rows(): number {
    return this.c.grid.rows;
  }

  /** Whether the model has learnt the empty road long enough to judge. */
  ready(pts: number): boolean {
    return !Number.isNaN(this.lastPts) && pts - this.startPts >= TAU_SHORT_S * 4000;
  }
  private startPts = 0;

  /**
   * Marks cells under a road user's box this frame (fractions) with what covers them; under a vehicle's
   * (a car, truck or bus: what it drives over is hidden, not gone), notes when.
   */
  cover(x1: number, y1: number, x2: number, y2: number, kind: Cover, pts: number): void {
    const { covered, vehicleAt, grid } = this.c;
    const vehicle = kind >= Cover.VEHICLE;
    for (let k = 0, n = grid.boxCells(x1, y1, x2, y2); k < n; k++) {
      const i = grid.box[k]!;
      if (covered[i]! < kind) covered[i] = kind;
      if (vehicle) vehicleAt[i] = pts;
    }
  }

  /** Clears the per-frame cover marks (call before cover() for the frame's tracks). */
  beginFrame(): void {
    this.c.covered.fill(0);
  }

  /**
   * Takes what lies under a box (fractions) now as the short-term background, where no object was static
   * before: for a track left to the model after it covered its place, still, for a while (what it covered
   * has lain there since), so that the model sees it static at once rather than a second later.
   */
  settle(x1: number, y1: number, x2: number, y2: number): void {
    const { staticSince, short, cur, grid } = this.c;
    for (let k = 0, n = grid.boxCells(x1, y1, x2, y2); k < n; k++) {
      const i = grid.box[k]!;
      if (Number.isNaN(staticSince[i]!)) short[i] = cur[i]!;
    }
  }

  /**
   * Keeps (on) or releases (off) the road under a box as it was learnt (an open incident's object). Counted
   * per cell: where the boxes of several open incidents overlap, the road stays kept until each released it.
   */
  freeze(x1: number, y1: number, x2: number, y2: number, on: boolean): void {
    const { frozen: f, grid } = this.c;
    for (let k = 0, n = grid.boxCells(x1, y1, x2, y2); k < n; k++) {
      const i = grid.box[k]!;
      if (on) f[i] = Math.min(255, f[i]! + 1);
      else if (f[i]! > 0) f[i] = f[i]! - 1;
    }
  }

  /** Feeds the frame's whole picture (tile 0) at stream time `pts`; call after cover(). */
  update(frame: Frame, pts: number): void {
    if (this.c.grid.fit(frame.geometry)) {
      this.c.resize(this.zones, this.excluded);
      this.lastPts = Number.NaN;
      this.startPts = pts;
    }
    this.c.grid.measure(frame.data, this.c.cur);
    const first = Number.isNaN(this.lastPts);
    const dt = first ? 0 : Math.max(0, (pts - this.lastPts) / 1000);
    this.lastPts = pts;
    const n = learnFrame(this.c, pts, dt, first);
    this.staticCells = n;
    if (!first && n > GLOBAL_CHANGE * this.c.watchedCount) {
      // The light changed, or the camera moved: learn the new view at once, nothing is an object.
      this.c.long.set(this.c.cur);
      this.c.staticSince.fill(Number.NaN);
      this.staticCells = 0;
    }
  }

  /**
   * The share of the cells in a box (fractions) not under a road user's box that hold something now: differ
   * from the long-term background (an open incident's object keeps it as the road was); -1 when HIDDEN_SHARE
   * or more of them lie under road users (nothing to tell).
   */
  presentShare(x1: number, y1: number, x2: number, y2: number): number {
    const { covered, cur, long, grid } = this.c;
    const n = grid.boxCells(x1, y1, x2, y2);
    let hidden = 0;
    let held = 0;
    for (let k = 0; k < n; k++) {
      const i = grid.box[k]!;
      if (covered[i] !== 0) hidden++;
      else if (Math.abs(cur[i]! - long[i]!) > DELTA) held++;
    }
    if (n === 0) return 0;
    return hidden >= HIDDEN_SHARE * n ? -1 : held / (n - hidden);
  }

  /**
   * The share of the watched cells in a box (fractions) that showed the learnt empty road, uncovered, at
   * most APPEAR_MS before stream time `pts`, under no vehicle since, or hold a static object now: what a
   * track born there now stands on appeared out of nothing there, or is the object lying there (a car
   * drives in and is seen before it covers its place; something the detector takes for a car lying where
   * the road was clear a moment ago does not). Or, where at least LAY_CELLS of them hold a static object,
   * the share of what the box shows (cells unlike the road) that is that object: a track that came to rest
   * on it (another's track that jumped onto it as it passed) stands on what lay there before it came. 0
   * before any frame.
   */
  appearedShare(x1: number, y1: number, x2: number, y2: number, pts: number): number {
    const { watched, emptyAt, vehicleAt, staticSince, cur, long, grid } = this.c;
    let n = 0;
    let appeared = 0;
    let shown = 0;
    let lay = 0;
    for (let k = 0, cells = grid.boxCells(x1, y1, x2, y2); k < cells; k++) {
      const i = grid.box[k]!;
      if (watched[i] !== 1) continue;
      n++;
      const at = emptyAt[i]!;
      const still = !Number.isNaN(staticSince[i]!);
      if ((pts - at <= APPEAR_MS && vehicleAt[i]! < at) || still) appeared++;
      if (Math.abs(cur[i]! - long[i]!) > DELTA) {
        shown++;
        if (still) lay++;
      }
    }
    if (n === 0) return 0;
    return lay >= LAY_CELLS ? Math.max(appeared / n, lay / shown) : appeared / n;
  }

  /**
   * Whether static cells this many together, in a box (fractions), are a change of light over the road
   * rather than an object on it: more of them than LIGHT_SHARE of the watched cells, and the road's pattern
   * still shows through (what they show now follows the learnt road's grey linearly: a shadow scales it,
   * a light adds to it; an object covers it), or a plain road (nothing to tell by).
   */
  isLightChange(cells: number, x1: number, y1: number, x2: number, y2: number): boolean {
    if (cells <= LIGHT_SHARE * this.c.watchedCount) return false;
    const n = this.c.grid.boxCells(x1, y1, x2, y2);
    return roadShowsThrough(this.c, this.c.grid.box, n);
  }

  /**
   * A change of light over a box (fractions): the road there is learnt as it looks now where it is in view,
   * and the box is kept out of the watch as a vehicle's ghost is (under the road users passing it, the road
   * is seen in the new light only once they have gone; the light may go as it came).
   */
  relearn(x1: number, y1: number, x2: number, y2: number, pts: number): void {
    const { ghostUntil, staticSince, covered, frozen, long, cur, grid } = this.c;
    for (let k = 0, n = grid.boxCells(x1, y1, x2, y2); k < n; k++) {
      const i = grid.box[k]!;
      ghostUntil[i] = Math.max(ghostUntil[i]!, pts + GHOST_MS);
      staticSince[i] = Number.NaN;
      if (covered[i] === 0 && frozen[i] === 0) long[i] = cur[i]!;
    }
  }

  /**
   * Groups of neighbouring cells static for at least `forMs` at stream time `pts`, with at least `minCells`
   * cells (allocates the result; call at most once per frame, only where a rule needs it).
   */
  blobs(pts: number, forMs: number, minCells: number): StaticBlob[] {
    if (this.staticCells < minCells) return [];
    return staticBlobs(
      this.c.grid.cols,
      this.c.grid.rows,
      this.c.staticSince,
      this.c.label,
      this.c.queue,
      pts,
      forMs,
      minCells,
    );
  }
}
