import type { FrameGeometry, FrameTile } from '../camera/frame.js';
import type { DetectorConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES } from '../domain/traffic.js';
import { Candidates } from './candidates.js';
import { CLASS_GROUP, TWO_WHEELER_GROUP, VEHICLE_GROUP } from './class-map.js';
import { decodeYolov8 } from './decode-yolov8.js';
import { decodeYolox, headRows, type YoloxGrid, yoloxGrid } from './decode-yolox.js';
import type { Detection } from './detection.js';
import { nms, suppressAcrossClasses, suppressNested } from './nms.js';
import { inAnyPolygon, type Polygon } from './polygon.js';
import { mergeRiders, suppressTwinBikes } from './riders.js';
import { mergeAcrossTiles, TILE_EDGE_PX } from './tile-merge.js';
import { TileSet } from './tile-set.js';

/** Boxes of confusable classes overlapping this much are one object. */
const CROSS_CLASS_IOU = 0.7;
/** A box this much inside a better one of its group is a part of that object (see suppressNested). */
const NESTED = 0.85;

export type PostProcessConfig = Pick<
  DetectorConfig,
  'family' | 'scoreThreshold' | 'classThresholds' | 'nmsIou' | 'minBoxArea' | 'maxBoxArea'
>;

/** The model's export input size and its output rows at that size. */
export interface ModelShape {
  inputWidth: number;
  inputHeight: number;
  /** YOLOX: grid rows; YOLOv8: anchors. */
  rows: number;
}

/**
 * Model output → detections in fractions of the camera image: decode → NMS → cross-class duplicates →
 * riders → area and ignore filters. Pure (no ONNX Runtime); all per-frame buffers are allocated here once
 * (the cross-tile ones grow with the tile count). A tiled frame's tiles go through beginTiles, collectTile
 * per tile, finishTiles, on its own TileSet when other frames may be collected meanwhile.
 */
export class PostProcessor {
  private candidates: Candidates;
  private order: Int32Array;
  private suppressed: Uint8Array;
  private readonly thresholds: Float32Array;
  private readonly valuesPerRow: number;
  /** YOLOX grid per input size, built on first use. */
  private readonly grids = new Map<number, YoloxGrid>();
  /** The cross-tile buffers of a tiled frame processed in one go (callers with frames in flight bring their own). */
  private readonly own = new TileSet();

  /**
   * `classMap`: for each model class, its TRAFFIC_CLASSES index or NOT_TRAFFIC (buildClassMap).
   * `mergeRiders`: fold riders into their motorcycle/bicycle.
   */
  constructor(
    private readonly cfg: PostProcessConfig,
    private readonly classMap: Uint8Array,
    private readonly shape: ModelShape,
    private readonly mergeRiders = true,
  ) {
    this.valuesPerRow = (cfg.family === 'yolox' ? 5 : 4) + classMap.length;
    this.candidates = new Candidates(shape.rows);
    this.order = new Int32Array(shape.rows);
    this.suppressed = new Uint8Array(shape.rows);
    this.thresholds = new Float32Array(TRAFFIC_CLASSES.length);
    TRAFFIC_CLASSES.forEach((c, i) => {
      this.thresholds[i] = cfg.classThresholds[c] ?? cfg.scoreThreshold;
    });
  }

  /** Output rows of one run at input size `w` x `h` (the export size, or a fitted one). */
  rowsAt(w: number, h: number): number {
    const { inputWidth, inputHeight, rows } = this.shape;
    return w === inputWidth && h === inputHeight ? rows : headRows(w, h);
  }

  /** Output values of one run at input size `w` x `h`. */
  outputLength(w: number, h: number): number {
    return this.rowsAt(w, h) * this.valuesPerRow;
  }

  /** The output tensor's shape at input size `w` x `h`: YOLOX [1, rows, values], YOLOv8 [1, values, anchors]. */
  outputDims(w: number, h: number): number[] {
    const rows = this.rowsAt(w, h);
    return this.cfg.family === 'yolox' ? [1, rows, this.valuesPerRow] : [1, this.valuesPerRow, rows];
  }

  /** One untiled frame's output (at input size `w` x `h`) → detections. */
  detections(
    out: Float32Array,
    w: number,
    h: number,
    geometry: FrameGeometry,
    ignore: readonly Polygon[] = [],
  ): Detection[] {
    this.decode(out, w, h);
    const c = this.candidates;
    let k = nms(c, this.cfg.nmsIou, this.order, this.suppressed);
    k = suppressAcrossClasses(c, this.order, k, CLASS_GROUP, CROSS_CLASS_IOU);
    k = suppressNested(c, this.order, k, CLASS_GROUP, VEHICLE_GROUP, TWO_WHEELER_GROUP, NESTED);
    if (this.mergeRiders) k = this.foldRiders(c, this.order, k);
    const sx = 1 / (geometry.scale * geometry.srcWidth);
    const sy = 1 / (geometry.scale * geometry.srcHeight);
    return this.toDetections(c, this.order, k, sx, sy, ignore);
  }

  /** Sizes the cross-tile buffers for `rows` output rows in all (allocates only when that grows) and clears them. */
  beginTiles(rows: number, set = this.own): void {
    set.begin(rows);
  }

  /**
   * Decode → NMS of one tile's output; the kept boxes go to the cross-tile set in camera fractions, tagged
   * with the tile and whether they touch an inner tile edge.
   */
  collectTile(
    out: Float32Array,
    w: number,
    h: number,
    geometry: FrameGeometry,
    tile: FrameTile,
    index: number,
    set = this.own,
  ): void {
    this.decode(out, w, h);
    const c = this.candidates;
    const k = nms(c, this.cfg.nmsIou, this.order, this.suppressed);
    const m = set.merged;
    const { tile: tileOf, cut } = set.tags;
    const inv = 1 / tile.scale;
    const sx = 1 / geometry.srcWidth;
    const sy = 1 / geometry.srcHeight;
    const cw = tile.contentWidth;
    const ch = tile.contentHeight;
    // Edges within a few camera pixels of the image border (crops are cut to even pixels) are the border.
    const innerL = tile.cropX > 2;
    const innerT = tile.cropY > 2;
    const innerR = tile.cropX + tile.cropWidth < geometry.srcWidth - 2;
    const innerB = tile.cropY + tile.cropHeight < geometry.srcHeight - 2;
    for (let i = 0; i < k; i++) {
      const j = this.order[i]!;
      const px1 = Math.max(0, c.x1[j]!);
      const py1 = Math.max(0, c.y1[j]!);
      const px2 = Math.min(cw, c.x2[j]!);
      const py2 = Math.min(ch, c.y2[j]!);
      if (px2 <= px1 || py2 <= py1) continue;
      const at = m.count;
      m.push(
        c.cls[j]!,
        c.score[j]!,
        (tile.cropX + px1 * inv) * sx,
        (tile.cropY + py1 * inv) * sy,
        (tile.cropX + px2 * inv) * sx,
        (tile.cropY + py2 * inv) * sy,
      );
      if (m.count === at) break;
      tileOf[at] = index;
      cut[at] =
        (innerL && px1 <= TILE_EDGE_PX) ||
        (innerT && py1 <= TILE_EDGE_PX) ||
        (innerR && px2 >= cw - TILE_EDGE_PX) ||
        (innerB && py2 >= ch - TILE_EDGE_PX)
          ? 1
          : 0;
    }
  }

  /** Cross-tile merge → cross-class duplicates → riders → area and ignore filters, for the collected tiles. */
  finishTiles(ignore: readonly Polygon[] = [], set = this.own): Detection[] {
    const m = set.merged;
    const order = set.order;
    let k = mergeAcrossTiles(m, set.tags, this.cfg.nmsIou, order, set.suppressed, CLASS_GROUP);
    // Keep best-score-first order for the cross-class and rider steps, as on a single tile.
    order.subarray(0, k).sort((a, b) => m.score[b]! - m.score[a]!);
    k = suppressAcrossClasses(m, order, k, CLASS_GROUP, CROSS_CLASS_IOU);
    k = suppressNested(m, order, k, CLASS_GROUP, VEHICLE_GROUP, TWO_WHEELER_GROUP, NESTED);
    if (this.mergeRiders) k = this.foldRiders(m, order, k);
    return this.toDetections(m, order, k, 1, 1, ignore);
  }

  /** Riders folded into their two-wheelers; then second boxes on a grown two-wheeler dropped. */
  private foldRiders(c: Candidates, order: Int32Array, k: number): number {
    const folded = mergeRiders(c, order, k);
    return folded === k ? k : suppressTwinBikes(c, order, folded);
  }

  /** Model output of a run at `w` x `h` → candidates in input pixels. */
  private decode(out: Float32Array, w: number, h: number): void {
    const rows = out.length / this.valuesPerRow;
    if (rows !== this.rowsAt(w, h)) {
      throw new Error(`model output has ${rows} rows, expected ${this.rowsAt(w, h)} at ${w}x${h}`);
    }
    if (rows > this.candidates.capacity) {
      // A larger input than any before (a wide detection region): grow once.
      this.candidates = new Candidates(rows);
      this.order = new Int32Array(rows);
      this.suppressed = new Uint8Array(rows);
    }
    if (this.cfg.family === 'yolox') {
      decodeYolox(out, this.gridFor(w, h), this.classMap, this.thresholds, this.candidates);
    } else {
      decodeYolov8(out, rows, this.classMap, this.thresholds, this.candidates);
    }
  }

  /** YOLOX grid for input size `w` x `h`, built once per size. */
  private gridFor(w: number, h: number): YoloxGrid {
    const key = w * 65536 + h;
    let grid = this.grids.get(key);
    if (!grid) {
      grid = yoloxGrid(w, h);
      this.grids.set(key, grid);
    }
    return grid;
  }

  private toDetections(
    c: Candidates,
    order: Int32Array,
    k: number,
    sx: number,
    sy: number,
    ignore: readonly Polygon[],
  ): Detection[] {
    const { minBoxArea, maxBoxArea } = this.cfg;
    const detections: Detection[] = [];
    for (let i = 0; i < k; i++) {
      const j = order[i]!;
      const x1 = clamp01(c.x1[j]! * sx);
      const y1 = clamp01(c.y1[j]! * sy);
      const x2 = clamp01(c.x2[j]! * sx);
      const y2 = clamp01(c.y2[j]! * sy);
      const area = (x2 - x1) * (y2 - y1);
      if (area <= 0 || area < minBoxArea || area > maxBoxArea) continue;
      if (ignore.length > 0) {
        const cx = (x1 + x2) * 0.5;
        const cy = (y1 + y2) * 0.5;
        if (inAnyPolygon(cx, cy, ignore)) continue;
      }
      detections.push({ cls: TRAFFIC_CLASSES[c.cls[j]!]!, score: c.score[j]!, x1, y1, x2, y2 });
    }
    return detections;
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
