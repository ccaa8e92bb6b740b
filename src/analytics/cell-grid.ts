import type { FrameGeometry } from '../camera/frame.js';
import { blockRow, CELL, frameWords } from '../vision/block-sums.js';
import { inAnyPolygon, type Polygon } from '../vision/polygon.js';

/**
 * The grey cell grid of a camera's whole picture (tile 0) that the static-object model keeps its state on:
 * its size, the cells a box covers, the grey means of a frame's blocks. Allocation-free per frame.
 */
export class CellGrid {
  cols = 0;
  rows = 0;
  private stride = 0;
  private width = 0;
  private height = 0;
  /** The cell indices of the last box given to boxCells (reused; as long as the grid). */
  box = new Int32Array(0);
  /**
   * The cells measured and kept up: first and last column and row of the watched cells (mask), grown by one
   * cell each way, for the boxes the rules read are those of watched cells, edges included. The whole grid
   * until mask() is called.
   */
  readonly span = new Int32Array(4);

  /** Fits the grid to a frame's geometry; true when its size changed (the cell state must be re-made). */
  fit(g: FrameGeometry): boolean {
    const cols = Math.max(1, Math.floor(g.contentWidth / CELL));
    const rows = Math.max(1, Math.floor(g.contentHeight / CELL));
    if (cols === this.cols && rows === this.rows && g.width === this.width && g.height === this.height)
      return false;
    this.cols = cols;
    this.rows = rows;
    this.width = g.width;
    this.height = g.height;
    this.stride = g.width * 3;
    this.span.set([0, 0, cols - 1, rows - 1]);
    this.box = new Int32Array(cols * rows);
    return true;
  }

  /** Lists in `box` the cells a box (fractions) covers, row by row; returns how many (0 before fit()). */
  boxCells(x1: number, y1: number, x2: number, y2: number): number {
    const { cols, rows, box } = this;
    const c1 = Math.max(0, Math.floor(x1 * cols));
    const c2 = Math.min(cols - 1, Math.floor(x2 * cols));
    const r2 = Math.min(rows - 1, Math.floor(y2 * rows));
    let n = 0;
    for (let r = Math.max(0, Math.floor(y1 * rows)); r <= r2; r++) {
      for (let i = r * cols + c1, end = r * cols + c2; i <= end; i++) box[n++] = i;
    }
    return n;
  }

  /**
   * Marks with 1 in `out` the cells whose centre lies in `zones` and not in `excluded`; returns how many.
   * Sets the span around them.
   */
  mask(zones: readonly Polygon[], excluded: readonly Polygon[], out: Uint8Array): number {
    const { cols, rows } = this;
    let n = 0;
    let c1 = cols;
    let r1 = rows;
    let c2 = -1;
    let r2 = -1;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const x = (c + 0.5) / cols;
        const y = (r + 0.5) / rows;
        if (inAnyPolygon(x, y, zones) && !inAnyPolygon(x, y, excluded)) {
          out[r * cols + c] = 1;
          n++;
          c1 = Math.min(c1, c);
          r1 = Math.min(r1, r);
          c2 = Math.max(c2, c);
          r2 = Math.max(r2, r);
        }
      }
    }
    if (n === 0) this.span.set([0, 0, -1, -1]);
    else
      this.span.set([
        Math.max(0, c1 - 1),
        Math.max(0, r1 - 1),
        Math.min(cols - 1, c2 + 1),
        Math.min(rows - 1, r2 + 1),
      ]);
    return n;
  }

  /** Grey block means (R + 2G + B) / 4 of the span's cells (BGR or RGB alike) into `out`; the rest as they were. */
  measure(data: Uint8Array, out: Float32Array): void {
    const { cols, span, stride } = this;
    const words = frameWords(data, stride);
    const n = span[2]! - span[0]! + 1;
    for (let r = span[1]!; r <= span[3]!; r++) {
      blockRow(data, words, r * CELL * stride + span[0]! * CELL * 3, stride, n, out, r * cols + span[0]!);
    }
  }
}
