import { describe, expect, it } from 'vitest';
import { CellGrid } from '../../src/analytics/cell-grid.js';
import type { FrameGeometry } from '../../src/camera/frame.js';
import { CELL } from '../../src/vision/block-sums.js';

function geometry(
  width: number,
  height: number,
  contentWidth = width,
  contentHeight = height,
): FrameGeometry {
  return { srcWidth: width, srcHeight: height, width, height, scale: 1, contentWidth, contentHeight };
}

/** A picture of `width` x `height` BGR pixels of scattered values, at byte `offset` of its buffer. */
function scattered(width: number, height: number, offset: number): Buffer {
  const whole = Buffer.alloc(width * height * 3 + offset);
  for (let i = 0; i < whole.length; i++) whole[i] = Math.imul(i + 7, 2654435761) >>> 24;
  return whole.subarray(offset);
}

/** The grey mean (R + 2G + B) / 4 of each CELL x CELL block, pixel by pixel. */
function blockMeans(data: Uint8Array, width: number, cols: number, rows: number): number[] {
  const means: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let y = r * CELL; y < (r + 1) * CELL; y++) {
        for (let x = c * CELL; x < (c + 1) * CELL; x++) {
          const p = (y * width + x) * 3;
          sum += (data[p]! + 2 * data[p + 1]! + data[p + 2]!) / 4;
        }
      }
      means.push(sum / (CELL * CELL));
    }
  }
  return means;
}

describe('CellGrid.measure', () => {
  it('gives each block its grey mean: one colour, (R + 2G + B) / 4', () => {
    const data = Buffer.alloc(8 * 8 * 3);
    for (let p = 0; p < data.length; p += 3) data.set([10, 20, 30], p);
    const grid = new CellGrid();
    grid.fit(geometry(8, 8));
    const out = new Float32Array(4);
    grid.measure(data, out);
    expect([...out]).toEqual([20, 20, 20, 20]);
  });

  // Word reads where rows and buffer are 4-byte aligned, byte reads where not: the same means either way.
  it.each([
    ['640x360, aligned', 640, 360, 0, 640, 360],
    ['640x360 at an odd byte of its buffer', 640, 360, 1, 640, 360],
    ['638x358, rows not a whole number of words', 638, 358, 0, 638, 358],
    ['1280x720, letterboxed to 1280x540 of content', 1280, 720, 0, 1280, 540],
    ['636x358 at byte 4 of its buffer', 636, 358, 4, 636, 358],
  ])('%s: exact block means', (_name, width, height, offset, contentWidth, contentHeight) => {
    const data = scattered(width, height, offset);
    const grid = new CellGrid();
    grid.fit(geometry(width, height, contentWidth, contentHeight));
    const out = new Float32Array(grid.cols * grid.rows);
    grid.measure(data, out);
    const expected = blockMeans(data, width, grid.cols, grid.rows);
    let wrong = 0;
    for (let i = 0; i < out.length; i++) if (out[i] !== Math.fround(expected[i]!)) wrong++;
    expect(wrong).toBe(0);
    expect(out.length).toBe(Math.floor(contentWidth / CELL) * Math.floor(contentHeight / CELL));
  });
});

describe('CellGrid.mask and its span', () => {
  it('marks the cells in the zones, not in the excluded ones, and measures only those and one cell around', () => {
    // 160 x 90 cells; the zone is the lower right quarter, its left tenth excluded.
    const data = scattered(640, 360, 0);
    const grid = new CellGrid();
    grid.fit(geometry(640, 360));
    const watched = new Uint8Array(grid.cols * grid.rows);
    const zone: [number, number][] = [
      [0.5, 0.5],
      [1, 0.5],
      [1, 1],
      [0.5, 1],
    ];
    const kerb: [number, number][] = [
      [0.5, 0.5],
      [0.55, 0.5],
      [0.55, 1],
      [0.5, 1],
    ];
    const n = grid.mask([zone], [kerb], watched);
    expect(n).toBe(72 * 45);
    expect(watched[60 * 160 + 87]).toBe(0);
    expect(watched[60 * 160 + 88]).toBe(1);
    expect([...grid.span]).toEqual([87, 44, 159, 89]);

    const out = new Float32Array(grid.cols * grid.rows).fill(-1);
    grid.measure(data, out);
    const expected = blockMeans(data, 640, grid.cols, grid.rows);
    let wrong = 0;
    let untouched = 0;
    for (let r = 0; r < grid.rows; r++) {
      for (let c = 0; c < grid.cols; c++) {
        const i = r * grid.cols + c;
        const inSpan = c >= 87 && r >= 44;
        if (inSpan && out[i] !== Math.fround(expected[i]!)) wrong++;
        if (!inSpan && out[i] === -1) untouched++;
      }
    }
    expect(wrong).toBe(0);
    expect(untouched).toBe(160 * 90 - 73 * 46);
  });

  it('measures nothing when no cell is watched', () => {
    const grid = new CellGrid();
    grid.fit(geometry(64, 64));
    expect(grid.mask([], [], new Uint8Array(grid.cols * grid.rows))).toBe(0);
    const out = new Float32Array(grid.cols * grid.rows).fill(-1);
    grid.measure(scattered(64, 64, 0), out);
    expect(out.every((v) => v === -1)).toBe(true);
  });
});
