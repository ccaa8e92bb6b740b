import type { FrameGeometry } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import { blockRow, CELL, frameWords } from './block-sums.js';
import { inAnyPolygon, type Polygon } from './polygon.js';

export type MotionSettings = CameraConfig['detect']['motion'];

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
    // Word reads where rows start 4-byte aligned (detector sizes are multiples of 32).
    const words = frameWords(data, stride);
    for (let t = 0; t < this.regions.length; t++) {
      const { cols, rows, firstRow, firstCell } = this.regions[t]!;
      regionCells(data, words, stride, cols, rows, firstRow, cur, firstCell);
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
 * The grey cells of one region (`rows` x `cols` blocks from pixel row `firstRow`) into `cur` from
 * `firstCell` on: block sums from `words` when given (frameWords), else from the bytes. A function of its
 * own, as changedCells is.
 */
function regionCells(
  data: Uint8Array,
  words: Int32Array | undefined,
  stride: number,
  cols: number,
  rows: number,
  firstRow: number,
  cur: Uint8Array,
  firstCell: number,
): void {
  for (let r = 0; r < rows; r++) {
    blockRow(data, words, (firstRow + r * CELL) * stride, stride, cols, cur, firstCell + r * cols, true);
  }
}
