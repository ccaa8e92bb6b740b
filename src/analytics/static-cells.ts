import type { Polygon } from '../vision/polygon.js';
import { CellGrid } from './cell-grid.js';

/** A change of light lets the road show through: what its cells show now follows the road this well (r²). */
const LIGHT_FIT = 0.5;
/** ... or the road there is this plain (grey variance): nothing to tell by. */
const PLAIN_ROAD_VAR = 36;

/**
 * The static-object model's state, one value per cell of the grey cell grid (StaticObjects keeps it up):
 * the backgrounds, what covers each cell, what it has shown and when. Typed arrays, re-made only when the
 * picture's size changes.
 */
export class StaticCells {
  readonly grid = new CellGrid();
  /** The grey of each cell now, its long-term background (the empty road), its short-term one (now). */
  cur = new Float32Array(0);
  long = new Float32Array(0);
  short = new Float32Array(0);
  /** Stream time since which each cell has been static (NaN: it is not). */
  staticSince = new Float64Array(0);
  /** 1 for cells inside a watched zone. */
  watched = new Uint8Array(0);
  watchedCount = 0;
  /** What covers each cell this frame (Cover, 0: nothing); until when a still vehicle's ghost lasts. */
  covered = new Uint8Array(0);
  ghostUntil = new Float64Array(0);
  /** Since when each cell has been under a still vehicle without a break (NaN: it is not). */
  stillCoverSince = new Float64Array(0);
  /** Open incidents keeping each cell (freeze): the long-term background keeps the road as it was under it. */
  frozen = new Uint8Array(0);
  /** 1 once a cell has been seen as empty road; for how long it has looked like it in all (ms). */
  learned = new Uint8Array(0);
  emptyMs = new Float32Array(0);
  /** Mean change from the short-term background while uncovered (trees, flags). */
  activity = new Float32Array(0);
  /** When each cell last showed the learnt empty road, uncovered; when it was last under a vehicle's box. */
  emptyAt = new Float64Array(0);
  vehicleAt = new Float64Array(0);
  /** Scratch for the blobs' flood fill. */
  label = new Int32Array(0);
  queue = new Int32Array(0);

  /** Re-makes the state for the grid's size (after grid.fit); cells in `zones`, not in `excluded`, are watched. */
  resize(zones: readonly Polygon[], excluded: readonly Polygon[]): void {
    const n = this.grid.cols * this.grid.rows;
    this.cur = new Float32Array(n);
    this.long = new Float32Array(n);
    this.short = new Float32Array(n);
    this.staticSince = new Float64Array(n).fill(Number.NaN);
    this.watched = new Uint8Array(n);
    this.covered = new Uint8Array(n);
    this.ghostUntil = new Float64Array(n);
    this.stillCoverSince = new Float64Array(n).fill(Number.NaN);
    this.frozen = new Uint8Array(n);
    this.learned = new Uint8Array(n);
    this.emptyMs = new Float32Array(n);
    this.activity = new Float32Array(n);
    this.emptyAt = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.vehicleAt = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.label = new Int32Array(n);
    this.queue = new Int32Array(n);
    this.watchedCount = Math.max(1, this.grid.mask(zones, excluded, this.watched));
  }
}

/**
 * Whether the road's pattern shows through the static cells among the first `count` of `cells`: what they
 * show now follows the learnt road's grey linearly (a shadow scales it, a light adds to it; an object
 * covers it), or the road there is plain (nothing to tell by).
 */
export function roadShowsThrough(c: StaticCells, cells: Int32Array, count: number): boolean {
  let n = 0;
  let sl = 0;
  let sc = 0;
  let sll = 0;
  let scc = 0;
  let slc = 0;
  for (let k = 0; k < count; k++) {
    const i = cells[k]!;
    if (Number.isNaN(c.staticSince[i]!)) continue;
    const l = c.long[i]!;
    const v = c.cur[i]!;
    n++;
    sl += l;
    sc += v;
    sll += l * l;
    scc += v * v;
    slc += l * v;
  }
  if (n === 0) return true;
  const varL = sll / n - (sl / n) ** 2;
  const varC = scc / n - (sc / n) ** 2;
  const cov = slc / n - (sl / n) * (sc / n);
  if (varL < PLAIN_ROAD_VAR) return true;
  return cov > 0 && (cov * cov) / (varL * Math.max(varC, 1e-6)) >= LIGHT_FIT;
}
