import type { Candidates } from './candidates.js';
import { NOT_TRAFFIC } from './class-map.js';

/** Grid cell and stride of each YOLOX output row, rows ordered stride by stride, row-major within a stride. */
export interface YoloxGrid {
  rows: number;
  col: Float32Array;
  row: Float32Array;
  stride: Float32Array;
}

/** Detection heads of YOLOX and YOLOv8 see the image at these strides. */
const HEAD_STRIDES: readonly number[] = [8, 16, 32];

/** Fitted input sides are multiples of the heads' largest stride. */
export const MAX_STRIDE = 32;

/** Output rows (grid cells / anchors) of a head with `strides` at an input size. */
export function headRows(inputWidth: number, inputHeight: number, strides = HEAD_STRIDES): number {
  let rows = 0;
  for (const s of strides) rows += Math.floor(inputWidth / s) * Math.floor(inputHeight / s);
  return rows;
}

export function yoloxGrid(inputWidth: number, inputHeight: number, strides = HEAD_STRIDES) {
  const rows = headRows(inputWidth, inputHeight, strides);
  const grid: YoloxGrid = {
    rows,
    col: new Float32Array(rows),
    row: new Float32Array(rows),
    stride: new Float32Array(rows),
  };
  let i = 0;
  for (const s of strides) {
    const gw = Math.floor(inputWidth / s);
    const gh = Math.floor(inputHeight / s);
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        grid.col[i] = x;
        grid.row[i] = y;
        grid.stride[i] = s;
        i++;
      }
    }
  }
  return grid;
}

/**
 * Decodes a YOLOX output [1, rows, 5 + C] (x, y offsets and log w, h in grid units, objectness, C class
 * scores already sigmoid) into candidates in input pixels. Score = objectness * best class score; a row is
 * kept when its best class maps to a traffic class and the score reaches that class's threshold.
 */
export function decodeYolox(
  out: Float32Array,
  grid: YoloxGrid,
  classMap: Uint8Array,
  thresholds: Float32Array,
  into: Candidates,
): void {
  const nc = classMap.length;
  const width = 5 + nc;
  if (out.length !== grid.rows * width) {
    throw new Error(`YOLOX output has ${out.length} values, expected ${grid.rows} x ${width}`);
  }
  let minThr = 1;
  for (let i = 0; i < thresholds.length; i++) if (thresholds[i]! < minThr) minThr = thresholds[i]!;
  into.clear();
  for (let r = 0, o = 0; r < grid.rows; r++, o += width) {
    const obj = out[o + 4]!;
    if (obj < minThr) continue;
    let best = 0;
    let bestScore = out[o + 5]!;
    for (let c = 1; c < nc; c++) {
      const s = out[o + 5 + c]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    const cls = classMap[best]!;
    if (cls === NOT_TRAFFIC) continue;
    const score = obj * bestScore;
    if (score < thresholds[cls]!) continue;
    const s = grid.stride[r]!;
    const cx = (out[o]! + grid.col[r]!) * s;
    const cy = (out[o + 1]! + grid.row[r]!) * s;
    const hw = Math.exp(out[o + 2]!) * s * 0.5;
    const hh = Math.exp(out[o + 3]!) * s * 0.5;
    into.push(cls, score, cx - hw, cy - hh, cx + hw, cy + hh);
  }
}
