import type { FrameGeometry } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import { inAnyPolygon, type Polygon } from './polygon.js';

export type MotionSettings = CameraConfig['detect']['motion'];

/** Side of the square pixel blocks averaged into one grey cell. */
const CELL = 4;

/**
 * Motion gate: a frame difference on a small grey copy (CELL x CELL block means of the letterboxed frame's
 * image area, so compression noise averages out). The reference is the frame of the latest inference, so
 * the question is "has anything changed since we last looked?": slow movers that change little from frame
 * to frame at a high detect fps still add up. Inference runs when enough cells changed, while tracks are
 * alive, on the first frame, and at least every `forceEvery` ms so stopped vehicles are still seen.
 * Cells whose centre lies in an ignore polygon do not count (swaying trees, timestamps).
 */
export class MotionGate {
  /** Frames for which inference was skipped. */
  skipped = 0;
  /** Fraction of cells that changed in the latest frame. */
  lastChange = 0;
  /** Grey cells per region (one region per detection tile, one for a plain frame). */
  private readonly regions: { cols: number; rows: number; firstRow: number; firstCell: number }[] = [];
  private readonly prev: Uint8Array;
  private readonly cur: Uint8Array;
  private readonly mask: Uint8Array;
  private readonly counted: number;
  private hasPrev = false;
  private lastInferMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly geometry: FrameGeometry,
    private readonly settings: MotionSettings,
    ignore: readonly Polygon[] = [],
  ) {
    // Each inferred tile's picture area (a plain frame: one tile, the whole image) and how its pixels map
    // back to camera fractions, for the ignore mask. Motion elsewhere (in a tile kept for its pixels
    // only) is not what detection is about.
    const all = geometry.tiles ?? [
      {
        cropX: 0,
        cropY: 0,
        tileHeight: geometry.height,
        byteOffset: 0,
        scale: geometry.scale,
        contentWidth: geometry.contentWidth,
        contentHeight: geometry.contentHeight,
        infer: true,
      },
    ];
    const tiles = all.some((t) => t.infer) ? all.filter((t) => t.infer) : all;
    let n = 0;
    for (const t of tiles) {
      const cols = Math.max(1, Math.floor(t.contentWidth / CELL));
      const rows = Math.max(1, Math.floor(t.contentHeight / CELL));
      this.regions.push({ cols, rows, firstRow: t.byteOffset / (geometry.width * 3), firstCell: n });
      n += cols * rows;
    }
    this.prev = new Uint8Array(n);
    this.cur = new Uint8Array(n);
    this.mask = new Uint8Array(n).fill(1);
    let counted = n;
    if (ignore.length > 0) {
      tiles.forEach((t, ti) => {
        const { cols, rows, firstCell } = this.regions[ti]!;
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const x = (t.cropX + ((c + 0.5) * CELL) / t.scale) / geometry.srcWidth;
            const y = (t.cropY + ((r + 0.5) * CELL) / t.scale) / geometry.srcHeight;
            if (inAnyPolygon(x, y, ignore)) {
              this.mask[firstCell + r * cols + c] = 0;
              counted--;
            }
          }
        }
      });
    }
    this.counted = Math.max(1, counted);
  }

  /** Decides whether to run inference on this frame; an inferred frame becomes the new reference. */
  shouldInfer(data: Uint8Array, ptsMs: number, activeTracks: boolean): boolean {
    return this.decide(this.measureFrame(data), ptsMs, activeTracks);
  }

  /**
   * Step one of shouldInfer, for callers that look up the track count only when it matters: this frame's
   * change (-1: no reference yet; NaN: the gate is off). Call decide() for the same frame before the next
   * frame's measureFrame().
   */
  measureFrame(data: Uint8Array): number {
    return this.settings.enabled ? this.measure(data, this.settings.pixelDelta) : Number.NaN;
  }

  /** Whether live tracks would change the decision for a frame with this change (motion alone says no). */
  needsTracks(change: number, ptsMs: number): boolean {
    const { enabled, threshold, forceEvery } = this.settings;
    return enabled && !(change < 0 || change >= threshold || ptsMs - this.lastInferMs >= forceEvery);
  }

  /** Step two: the decision for the frame measured last; an inferred frame becomes the new reference. */
  decide(change: number, ptsMs: number, activeTracks: boolean): boolean {
    const { enabled, threshold, forceEvery } = this.settings;
    if (!enabled) {
      this.lastInferMs = ptsMs;
      return true;
    }
    const infer = change < 0 || change >= threshold || activeTracks || ptsMs - this.lastInferMs >= forceEvery;
    if (infer) {
      this.lastInferMs = ptsMs;
      this.prev.set(this.cur);
    } else {
      this.skipped++;
    }
    return infer;
  }

  /**
   * Fills `cur` with this frame's grey cells and returns the fraction of unmasked cells that differ from the
   * reference by more than `pixelDelta`; -1 when there is no reference yet.
   */
  private measure(data: Uint8Array, pixelDelta: number): number {
    const { cur, prev, mask } = this;
    const stride = this.geometry.width * 3;
    const norm = 1 / (CELL * CELL * 4);
    // Rows start 4-byte aligned when the stride is a multiple of 4 (detector sizes are multiples of 32).
    const words =
      data.byteOffset % 4 === 0 && stride % 4 === 0
        ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2)
        : undefined;
    for (let t = 0; t < this.regions.length; t++) {
      const { cols, rows, firstRow, firstCell } = this.regions[t]!;
      if (words) cellSums(words, stride, norm, cols, rows, firstRow * stride, this.cur, firstCell);
      else this.measureRegion(data, stride, norm, cols, rows, firstRow * stride, firstCell);
    }
    const changed = changedCells(cur, prev, mask, pixelDelta);
    if (!this.hasPrev) {
      this.hasPrev = true;
      this.lastChange = 0;
      return -1;
    }
    this.lastChange = changed / this.counted;
    return this.lastChange;
  }

  private measureRegion(
    data: Uint8Array,
    stride: number,
    norm: number,
    cols: number,
    rows: number,
    base: number,
    firstCell: number,
  ): void {
    const cur = this.cur;
    for (let r = 0; r < rows; r++) {
      const rowBase = base + r * CELL * stride;
      for (let c = 0; c < cols; c++) {
        let sum = 0;
        let o = rowBase + c * CELL * 3;
        for (let y = 0; y < CELL; y++, o += stride) {
          for (let x = 0, p = o; x < CELL; x++, p += 3) {
            // grey ≈ (B + 2G + R) / 4, summed over the block
            sum += data[p]! + 2 * data[p + 1]! + data[p + 2]!;
          }
        }
        cur[firstCell + r * cols + c] = (sum * norm) | 0;
      }
    }
  }
}

/**
 * Cells of `cur` set in `mask` that differ from `prev` by more than `delta`. A function of its own so that
 * V8 optimizes the loop with its own type feedback: inside measure() it was compiled on the first frame
 * (on-stack replacement) before the rest of measure() had run, then thrown away and often left
 * unoptimized for the rest of a run (~0.5 ms a tiled frame).
 */
function changedCells(cur: Uint8Array, prev: Uint8Array, mask: Uint8Array, delta: number): number {
  let n = 0;
  for (let i = 0; i < cur.length; i++) if (mask[i] && Math.abs(cur[i]! - prev[i]!) > delta) n++;
  return n;
}

/**
 * `measureRegion` on 32-bit words, the same cells to the bit (CELL = 4): a cell's 4 pixels of a row are
 * 12 bytes, three little-endian words [B0 G0 R0 B1] [G1 R1 B2 G2] [R2 B3 G3 R3]. Every byte is summed two
 * at a time in 16-bit lanes (at most 24 bytes of 255 per lane a cell: no carry), the four G bytes once more.
 */
function cellSums(
  words: Uint32Array,
  stride: number,
  norm: number,
  cols: number,
  rows: number,
  base: number,
  cur: Uint8Array,
  firstCell: number,
): void {
  const rowWords = stride >> 2;
  for (let r = 0; r < rows; r++) {
    const first = (base + r * CELL * stride) >> 2;
    for (let c = 0, at = firstCell + r * cols; c < cols; c++, at++) {
      let lanes = 0;
      let g = 0;
      for (let y = 0, w = first + c * 3; y < CELL; y++, w += rowWords) {
        const w0 = words[w]!;
        const w1 = words[w + 1]!;
        const w2 = words[w + 2]!;
        lanes +=
          (w0 & 0xff00ff) +
          ((w0 >>> 8) & 0xff00ff) +
          (w1 & 0xff00ff) +
          ((w1 >>> 8) & 0xff00ff) +
          (w2 & 0xff00ff) +
          ((w2 >>> 8) & 0xff00ff);
        g += ((w0 >>> 8) & 255) + (w1 & 255) + (w1 >>> 24) + ((w2 >>> 16) & 255);
      }
      cur[at] = (((lanes & 0xffff) + (lanes >>> 16) + g) * norm) | 0;
    }
  }
}
