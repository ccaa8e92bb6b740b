import { readFileSync } from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import type { FrameGeometry, FrameTile } from '../camera/frame.js';
import type { DetectorConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES } from '../domain/traffic.js';
import { Candidates } from './candidates.js';
import { buildClassMap, CLASS_GROUP } from './class-map.js';
import { decodeYolov8 } from './decode-yolov8.js';
import { decodeYolox, headRows, type YoloxGrid, yoloxGrid } from './decode-yolox.js';
import type { Detection } from './detection.js';
import { type DynamicModel, withDynamicImageSize } from './dynamic-model.js';
import { type SessionInfo, WorkerSession } from './inference-worker.js';
import { loadLabels } from './labels.js';
import { type ModelIo, readModelIo } from './model-io.js';
import { nms, suppressAcrossClasses } from './nms.js';
import { inAnyPolygon } from './polygon.js';
import { bgrToChw } from './preprocess.js';
import { checkExecutionProviders, explainProviderFailure } from './providers.js';
import { mergeRiders } from './riders.js';
import { mergeAcrossTiles, TILE_EDGE_PX, type TileTags } from './tile-merge.js';

/** Boxes of confusable classes overlapping this much are one object. */
const CROSS_CLASS_IOU = 0.7;

export type Polygon = readonly (readonly [number, number])[];

/** Fitted input sides are multiples of the heads' largest stride. */
const MAX_STRIDE = 32;

export interface DetectorOptions {
  /** Fold riders into their motorcycle/bicycle (default true). */
  mergeRiders?: boolean;
}

/** How the model takes frames: the square export size, or fitted to each camera's aspect ratio. */
export interface InputFit {
  /** True: a frame's input is only as tall as its picture needs (rounded up to a multiple of 32). */
  enabled: boolean;
  /** Why fitting is off although the config asked for it (the model needs its export size). */
  unavailable?: string;
}

/** Inference timings, for metrics and benchmarks. */
export interface InferenceStats {
  runs: number;
  totalMs: number;
  lastMs: number;
}

/**
 * One ONNX Runtime session plus the buffers around it: frame → CHW tensor → output → decoded, NMS'd,
 * filtered detections in fractions of the camera image. All per-frame buffers are allocated once here.
 *
 * Pipelined: up to two single-tile detect() calls may be in flight; the second one's frame is
 * preprocessed into the spare input buffer and queued while the first is inferred, so the model never
 * waits for the main thread. Results resolve in call order. A tiled frame waits until nothing else is in
 * flight (its tiles share the cross-tile buffers) and double-buffers its own tiles; a frame after a tiled
 * one waits for it. Callers past these limits simply wait their turn.
 */
export class Detector {
  readonly stats: InferenceStats;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly fit: InputFit;
  private readonly candidates: Candidates;
  private readonly order: Int32Array;
  private readonly suppressed: Uint8Array;
  private readonly thresholds: Float32Array;
  /** Per fitted input height / 32: YOLOX grid and the run's input dims, built on first use. */
  private readonly grids: (YoloxGrid | undefined)[] = [];
  private readonly dims: (readonly number[] | undefined)[] = [];
  private readonly valuesPerRow: number;
  /** detect() calls started and not finished. */
  private pending = 0;
  /** A tiled frame is in flight. */
  private tiledActive = false;
  private idleWaiters: (() => void)[] = [];
  /** Tiled frames: kept boxes of all tiles in camera fractions, grown when a frame has more tiles. */
  private merged = new Candidates(0);
  private mergedTags: TileTags = { tile: new Uint8Array(0), cut: new Uint8Array(0) };
  private mergedOrder = new Int32Array(0);
  private mergedSuppressed = new Uint8Array(0);

  private constructor(
    private readonly session: WorkerSession,
    private readonly io: ModelIo,
    readonly labels: readonly string[],
    private readonly classMap: Uint8Array,
    private readonly cfg: DetectorConfig,
    private readonly options: Required<DetectorOptions>,
    fit: InputFit,
  ) {
    this.stats = session.stats;
    this.inputWidth = io.inputWidth;
    this.inputHeight = io.inputHeight;
    this.fit = fit;
    this.valuesPerRow = (cfg.family === 'yolox' ? 5 : 4) + labels.length;
    this.candidates = new Candidates(io.rows);
    this.order = new Int32Array(io.rows);
    this.suppressed = new Uint8Array(io.rows);
    this.thresholds = new Float32Array(TRAFFIC_CLASSES.length);
    TRAFFIC_CLASSES.forEach((c, i) => {
      this.thresholds[i] = cfg.classThresholds[c] ?? cfg.scoreThreshold;
    });
    if (cfg.family === 'yolox') {
      const rows = headRows(io.inputWidth, io.inputHeight);
      if (rows !== io.rows) {
        throw new Error(
          `model ${cfg.model}: YOLOX output has ${io.rows} rows, strides 8/16/32 at ${io.inputWidth}x${io.inputHeight} give ${rows}`,
        );
      }
    }
  }

  static async create(cfg: DetectorConfig, options: DetectorOptions = {}): Promise<Detector> {
    const labels = loadLabels(cfg.labels);
    const classMap = buildClassMap(labels, cfg.labels);
    const providers = checkExecutionProviders(cfg.executionProviders);
    /** A session on the model (or its size-agnostic copy), its input/output checked and buffers set up. */
    const open = async (dynamic?: DynamicModel) => {
      let session: WorkerSession;
      try {
        session = await WorkerSession.create(dynamic?.bytes ?? cfg.model, {
          executionProviders: providers,
          intraOpNumThreads: cfg.intraOpThreads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
          // Idle intra-op threads sleep instead of spinning: the cores are shared with the ffmpeg decoders.
          extra: { session: { intra_op: { allow_spinning: '0' } } },
        });
      } catch (err) {
        const e = explainProviderFailure(err, cfg.executionProviders);
        throw new Error(`detector model ${cfg.model}: ${e.message}`);
      }
      try {
        const info = dynamic ? exportedShapes(session.info, dynamic) : session.info;
        const io = readModelIo(info, cfg.family, labels.length, cfg.model);
        await session.configure(
          io.inputName,
          [1, 3, io.inputHeight, io.inputWidth],
          io.outputName,
          io.outputLength,
        );
        return { session, io };
      } catch (err) {
        await session.release();
        throw err;
      }
    };
    const fit: InputFit = { enabled: false };
    let dynamic: DynamicModel | undefined;
    if (cfg.fitInput) {
      try {
        dynamic = withDynamicImageSize(readFileSync(cfg.model));
      } catch (err) {
        // An unreadable file gets ONNX Runtime's own message below.
        fit.unavailable = `cannot rewrite the model's input size (${(err as Error).message})`;
      }
    }
    let { session, io } = await open(dynamic);
    if (dynamic) {
      const problem = await probeFittedInput(session, io, cfg.family === 'yolox' ? 5 : 4, labels.length);
      if (problem === undefined) {
        fit.enabled = true;
      } else {
        fit.unavailable = problem;
        await session.release();
        ({ session, io } = await open());
      }
    }
    try {
      return new Detector(
        session,
        io,
        labels,
        classMap,
        cfg,
        { mergeRiders: options.mergeRiders ?? true },
        fit,
      );
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  /**
   * Model input height for a picture `contentHeight` pixels tall (the rest of the frame is padding): the
   * export height, or with a fitted input the picture rounded up to a multiple of 32.
   */
  inputHeightFor(contentHeight: number): number {
    if (!this.fit.enabled) return this.inputHeight;
    const h = Math.ceil(contentHeight / MAX_STRIDE) * MAX_STRIDE;
    return h < MAX_STRIDE ? MAX_STRIDE : h > this.inputHeight ? this.inputHeight : h;
  }

  /** Runs one inference at input height `h` on the current input buffer; checks the output's size. */
  private async runAt(h: number): Promise<Float32Array> {
    const full = h === this.inputHeight;
    let dims: readonly number[] | undefined;
    if (!full) {
      // Fitted heights are multiples of 32: one dims array per height, reused.
      dims = this.dims[h / MAX_STRIDE];
      if (!dims) {
        dims = [1, 3, h, this.inputWidth];
        this.dims[h / MAX_STRIDE] = dims;
      }
    }
    const out = await this.session.run(dims);
    const expected = full ? this.io.outputLength : headRows(this.inputWidth, h) * this.valuesPerRow;
    if (out.length !== expected) {
      this.session.recycle(out);
      throw new Error(`model output has ${out.length} values, expected ${expected}`);
    }
    return out;
  }

  /** YOLOX grid for input height `h`, built once per height (slot 0: the export height). */
  private gridFor(h: number): YoloxGrid {
    const slot = h === this.inputHeight ? 0 : h / MAX_STRIDE;
    let grid = this.grids[slot];
    if (!grid) {
      grid = yoloxGrid(this.inputWidth, h);
      this.grids[slot] = grid;
    }
    return grid;
  }

  get meanMs(): number {
    return this.stats.runs === 0 ? 0 : this.stats.totalMs / this.stats.runs;
  }

  /**
   * Inference alone on whatever the input buffer holds, at the input height a picture `contentHeight`
   * pixels tall gets (default: the export height): the ceiling for benchmarks.
   */
  async inferOnly(contentHeight = this.inputHeight): Promise<void> {
    this.session.recycle(await this.runAt(this.inputHeightFor(contentHeight)));
  }

  /**
   * Detects traffic in one letterboxed BGR24 frame of the model's input size. Boxes come back in fractions
   * of the camera image; those whose centre lies in an `ignore` polygon (same fractions) are dropped.
   */
  async detect(
    data: Uint8Array,
    geometry: FrameGeometry,
    ignore: readonly Polygon[] = [],
  ): Promise<Detection[]> {
    const tileHeight = geometry.tiles ? geometry.tiles[0]!.tileHeight : geometry.height;
    if (geometry.width !== this.inputWidth || tileHeight !== this.inputHeight) {
      throw new Error(
        `frame is ${geometry.width}x${tileHeight}${geometry.tiles ? ' per tile' : ''} but the model ${this.cfg.model} takes ${this.inputWidth}x${this.inputHeight}`,
      );
    }
    const tiles = geometry.tiles;
    // The frame's pixels are read synchronously below (before the first await that follows the wait),
    // but a caller waiting here must keep its frame until the returned promise settles anyway.
    while (tiles ? this.pending > 0 : this.tiledActive || !this.session.canRun) await this.whenIdle();
    this.pending++;
    const yolov8 = this.cfg.family === 'yolov8';
    try {
      if (!tiles) {
        // The picture is at the top of the frame: a fitted input is the frame's first h rows.
        const h = this.inputHeightFor(geometry.contentHeight);
        bgrToChw(data, this.session.input, this.inputWidth * h, yolov8, yolov8 ? 1 / 255 : 1);
        const out = await this.runAt(h);
        try {
          return this.postprocess(out, geometry, ignore);
        } finally {
          this.session.recycle(out);
        }
      }
      this.tiledActive = true;
      // One inference per tile (the model takes one fixed-size image); each tile is a contiguous slice.
      // Tile t+1 is preprocessed and queued while tile t is inferred.
      this.beginTiles(tiles.length);
      let queued: Promise<Float32Array> | undefined;
      for (let t = 0; t < tiles.length; t++) {
        const tile = tiles[t]!;
        const pixels = this.inputWidth * this.inputHeightFor(tile.contentHeight);
        bgrToChw(
          data.subarray(tile.byteOffset, tile.byteOffset + pixels * 3),
          this.session.input,
          pixels,
          yolov8,
          yolov8 ? 1 / 255 : 1,
        );
        const run = this.runAt(pixels / this.inputWidth);
        if (queued) {
          const out = await queued.catch((err: unknown) => {
            run.catch(() => {}); // settled by the worker; its own error is the same failure path
            throw err;
          });
          this.collectTile(out, geometry, tiles[t - 1]!, t - 1);
          this.session.recycle(out);
        }
        queued = run;
      }
      const last = await queued!;
      this.collectTile(last, geometry, tiles[tiles.length - 1]!, tiles.length - 1);
      this.session.recycle(last);
      return this.finishTiles(ignore);
    } finally {
      if (tiles) this.tiledActive = false;
      if (--this.pending === 0 || !tiles) this.wake();
    }
  }

  /** Resolves when a detect() finishes (waiters re-check their condition). */
  private whenIdle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wake(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Decode → NMS → riders → camera fractions, area and ignore filters. Exposed for tests on crafted outputs. */
  postprocess(out: Float32Array, geometry: FrameGeometry, ignore: readonly Polygon[] = []): Detection[] {
    const c = this.candidates;
    this.decode(out);
    let k = nms(c, this.cfg.nmsIou, this.order, this.suppressed);
    k = suppressAcrossClasses(c, this.order, k, CLASS_GROUP, CROSS_CLASS_IOU);
    if (this.options.mergeRiders) k = mergeRiders(c, this.order, k);

    const sx = 1 / (geometry.scale * geometry.srcWidth);
    const sy = 1 / (geometry.scale * geometry.srcHeight);
    return this.toDetections(c, this.order, k, sx, sy, ignore);
  }

  /** Model output (of any fitted height: rows follow from its length) → candidates in input pixels. */
  private decode(out: Float32Array): void {
    const rows = out.length / this.valuesPerRow;
    if (this.cfg.family === 'yolox') {
      const h = rows === this.io.rows ? this.inputHeight : this.heightForRows(rows);
      decodeYolox(out, this.gridFor(h), this.classMap, this.thresholds, this.candidates);
    } else {
      decodeYolov8(out, rows, this.classMap, this.thresholds, this.candidates);
    }
  }

  /** The input height whose head has `rows` rows (the model width is fixed). */
  private heightForRows(rows: number): number {
    // rows = (W/8)(H/8) + (W/16)(H/16) + (W/32)(H/32) = 21 * W * H / 1024 for multiples of 32.
    const h = Math.round((rows * 1024) / (21 * this.inputWidth));
    if (headRows(this.inputWidth, h) !== rows) {
      throw new Error(
        `model output has ${rows} rows, no input height of width ${this.inputWidth} gives that`,
      );
    }
    return h;
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

  /** Sizes the cross-tile buffers for `tiles` tiles (allocates only when the tile count grows) and clears them. */
  beginTiles(tiles: number): void {
    const capacity = this.io.rows * tiles;
    if (this.merged.capacity < capacity) {
      this.merged = new Candidates(capacity);
      this.mergedTags = { tile: new Uint8Array(capacity), cut: new Uint8Array(capacity) };
      this.mergedOrder = new Int32Array(capacity);
      this.mergedSuppressed = new Uint8Array(capacity);
    }
    this.merged.clear();
  }

  /**
   * Decode → NMS of one tile's output; the kept boxes go to the cross-tile set in camera fractions, tagged
   * with the tile and whether they touch an inner tile edge. Exposed for tests on crafted outputs.
   */
  collectTile(out: Float32Array, geometry: FrameGeometry, tile: FrameTile, index: number): void {
    const c = this.candidates;
    this.decode(out);
    const k = nms(c, this.cfg.nmsIou, this.order, this.suppressed);
    const m = this.merged;
    const { tile: tileOf, cut } = this.mergedTags;
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
  finishTiles(ignore: readonly Polygon[] = []): Detection[] {
    const m = this.merged;
    const order = this.mergedOrder;
    let k = mergeAcrossTiles(m, this.mergedTags, this.cfg.nmsIou, order, this.mergedSuppressed, CLASS_GROUP);
    // Keep best-score-first order for the cross-class and rider steps, as on a single tile.
    order.subarray(0, k).sort((a, b) => m.score[b]! - m.score[a]!);
    k = suppressAcrossClasses(m, order, k, CLASS_GROUP, CROSS_CLASS_IOU);
    if (this.options.mergeRiders) k = mergeRiders(m, order, k);
    return this.toDetections(m, order, k, 1, 1, ignore);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Session info with the model's shapes as exported (the loaded copy has symbolic image dimensions). */
function exportedShapes(info: SessionInfo, dynamic: DynamicModel): SessionInfo {
  const withShape = (m: InferenceSession.ValueMetadata | undefined, shape: number[]) =>
    m?.isTensor ? { ...m, shape } : m;
  return {
    ...info,
    inputMetadata: [withShape(info.inputMetadata[0], dynamic.inputShape)!, ...info.inputMetadata.slice(1)],
    outputMetadata: [
      withShape(info.outputMetadata[0], dynamic.outputShape)!,
      ...info.outputMetadata.slice(1),
    ],
  };
}

/**
 * Whether a model with symbolic image dimensions really runs at a smaller height and gives the head's
 * rows for it (a graph with shapes baked into Reshape nodes fails here). Returns the problem, if any.
 */
async function probeFittedInput(
  session: WorkerSession,
  io: ModelIo,
  boxValues: number,
  classes: number,
): Promise<string | undefined> {
  const h = Math.max(MAX_STRIDE, Math.floor(io.inputHeight / 2 / MAX_STRIDE) * MAX_STRIDE);
  if (io.inputWidth % MAX_STRIDE !== 0 || io.inputHeight % MAX_STRIDE !== 0) {
    return `input ${io.inputWidth}x${io.inputHeight} is not a multiple of ${MAX_STRIDE}`;
  }
  if (headRows(io.inputWidth, io.inputHeight) * (boxValues + classes) !== io.outputLength) {
    return 'its output is not a stride 8/16/32 detection head';
  }
  session.input.fill(0);
  try {
    const out = await session.run([1, 3, h, io.inputWidth]);
    session.recycle(out);
    const expected = headRows(io.inputWidth, h) * (boxValues + classes);
    if (out.length !== expected)
      return `at ${io.inputWidth}x${h} it gave ${out.length} values, not ${expected}`;
  } catch (err) {
    return `it does not run at ${io.inputWidth}x${h}: ${(err as Error).message}`;
  } finally {
    // The probe is not a detection: inference stats start at zero.
    session.stats.runs = 0;
    session.stats.totalMs = 0;
    session.stats.lastMs = 0;
  }
  return undefined;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
