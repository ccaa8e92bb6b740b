import type { FrameGeometry, FrameTile } from '../camera/frame.js';
import type { DetectorConfig } from '../config/schema.js';
import { buildClassMap } from './class-map.js';
import { MAX_STRIDE } from './decode-yolox.js';
import type { Detection } from './detection.js';
import type { RunStats, WorkerSession } from './inference-worker.js';
import { loadLabels } from './labels.js';
import { type InputFit, loadModel } from './model-loader.js';
import type { Polygon } from './polygon.js';
import { PostProcessor } from './postprocess.js';
import { bgrToChw } from './preprocess.js';

export type { Polygon } from './polygon.js';

export interface DetectorOptions {
  /** Fold riders into their motorcycle/bicycle (default true). */
  mergeRiders?: boolean;
}

/**
 * Frames in, detections out: preprocesses a frame (or each of its tiles) into the model's input, runs it
 * in the inference worker (model-loader.ts) and hands the output to the post-processor (postprocess.ts).
 *
 * Pipelined: up to two single-tile detect() calls may be in flight; the second one's frame is
 * preprocessed into the spare input buffer and queued while the first is inferred, so the model never
 * waits for the main thread. Results resolve in call order: the worker answers runs in order, and the
 * post-processor, whose buffers all calls share, runs for one call at a time between awaits. A tiled frame
 * waits until nothing else is in flight (its tiles share the post-processor's cross-tile buffers) and
 * double-buffers its own tiles; a frame after a tiled one waits for it. Callers past these limits simply
 * wait their turn.
 */
export class Detector {
  /** Inference timings, for metrics and benchmarks. */
  readonly stats: RunStats;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Input shape of a run per input size, built on first use. */
  private readonly dims = new Map<number, readonly number[]>();
  /** The latest frame geometry checked against the model (frames of a camera share one). */
  private checked: FrameGeometry | undefined;
  /** detect() calls started and not finished. */
  private pending = 0;
  /** A tiled frame is in flight. */
  private tiledActive = false;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly session: WorkerSession,
    private readonly post: PostProcessor,
    readonly labels: readonly string[],
    readonly fit: InputFit,
    private readonly cfg: DetectorConfig,
    size: { inputWidth: number; inputHeight: number },
  ) {
    this.stats = session.stats;
    this.inputWidth = size.inputWidth;
    this.inputHeight = size.inputHeight;
  }

  static async create(cfg: DetectorConfig, options: DetectorOptions = {}): Promise<Detector> {
    const labels = loadLabels(cfg.labels);
    const classMap = buildClassMap(labels, cfg.labels);
    const { session, io, fit } = await loadModel(cfg, labels.length);
    const post = new PostProcessor(cfg, classMap, io, options.mergeRiders ?? true);
    return new Detector(session, post, labels, fit, cfg, io);
  }

  /**
   * Model input height for a picture `contentHeight` pixels tall in a slot `maxHeight` rows high (default:
   * the export height; the rest is padding): the slot, or with a fitted input the picture rounded up to a
   * multiple of 32.
   */
  inputHeightFor(contentHeight: number, maxHeight = this.inputHeight): number {
    if (!this.fit.enabled) return maxHeight;
    const h = Math.ceil(contentHeight / MAX_STRIDE) * MAX_STRIDE;
    return h < MAX_STRIDE ? MAX_STRIDE : h > maxHeight ? maxHeight : h;
  }

  get meanMs(): number {
    return this.stats.runs === 0 ? 0 : this.stats.totalMs / this.stats.runs;
  }

  /**
   * Inference alone on whatever the input buffer holds, at the input height a picture `contentHeight`
   * pixels tall gets (default: the export height), `width` wide: the ceiling for benchmarks.
   */
  async inferOnly(contentHeight = this.inputHeight, width = this.inputWidth): Promise<void> {
    const h = this.inputHeightFor(contentHeight, Math.max(this.inputHeight, contentHeight));
    await this.reserve(width, h);
    this.session.recycle(await this.runAt(width, h));
  }

  /**
   * Detects traffic in one frame: letterboxed BGR24, one picture or a stack of tiles (each inferred at its
   * own size, fitted to its picture; gated tiles, the automatic regions, only with `regions`). Boxes come
   * back in fractions of the camera image; those whose centre lies in an `ignore` polygon (same
   * fractions) are dropped.
   */
  async detect(
    data: Uint8Array,
    geometry: FrameGeometry,
    ignore: readonly Polygon[] = [],
    regions = true,
  ): Promise<Detection[]> {
    const tiles = geometry.tiles;
    if (geometry !== this.checked) await this.check(geometry);
    // The frame's pixels are read synchronously below (before the first await that follows the wait),
    // but a caller waiting here must keep its frame until the returned promise settles anyway.
    while (tiles ? this.pending > 0 : this.tiledActive || !this.session.canRun) await this.whenIdle();
    this.pending++;
    try {
      if (!tiles) {
        // The picture is at the top of the frame: a fitted input is the frame's first h rows.
        const w = geometry.width;
        const h = this.inputHeightFor(geometry.contentHeight, geometry.height);
        this.preprocess(data, w * h, w, w * 3);
        const out = await this.runAt(w, h);
        try {
          return this.post.detections(out, w, h, geometry, ignore);
        } finally {
          this.session.recycle(out);
        }
      }
      this.tiledActive = true;
      // One inference per inferred tile (each at its own size); each tile's rows are at the left of the
      // frame's. Tile t+1 is preprocessed and queued while tile t is inferred.
      let rows = 0;
      for (const t of tiles)
        if (t.infer && (regions || !t.gated)) rows += this.post.rowsAt(t.width, this.tileHeight(t));
      this.post.beginTiles(rows);
      const stride = geometry.width * 3;
      let queued: Promise<Float32Array> | undefined;
      let prev = -1;
      for (let t = 0; t < tiles.length; t++) {
        const tile = tiles[t]!;
        if (!tile.infer || (tile.gated && !regions)) continue;
        const w = tile.width;
        const h = this.tileHeight(tile);
        this.preprocess(data.subarray(tile.byteOffset), w * h, w, stride);
        const run = this.runAt(w, h);
        if (queued) {
          const out = await queued.catch((err: unknown) => {
            run.catch(() => {}); // settled by the worker; its own error is the same failure path
            throw err;
          });
          this.collect(out, geometry, prev);
        }
        queued = run;
        prev = t;
      }
      if (queued) this.collect(await queued, geometry, prev);
      return this.post.finishTiles(ignore);
    } finally {
      if (tiles) this.tiledActive = false;
      if (--this.pending === 0 || !tiles) this.wake();
    }
  }

  /** Fitted model input height of a tile. */
  private tileHeight(tile: FrameTile): number {
    return this.inputHeightFor(tile.contentHeight, tile.tileHeight);
  }

  private collect(out: Float32Array, geometry: FrameGeometry, t: number): void {
    const tile = geometry.tiles![t]!;
    try {
      this.post.collectTile(out, tile.width, this.tileHeight(tile), geometry, tile, t);
    } finally {
      this.session.recycle(out);
    }
  }

  /**
   * Checks a new frame geometry against the model (a model that cannot take other input sizes needs
   * its export size everywhere) and grows the inference buffers for its largest tile.
   */
  private async check(geometry: FrameGeometry): Promise<void> {
    const tiles = geometry.tiles ?? [
      {
        width: geometry.width,
        tileHeight: geometry.height,
        contentHeight: geometry.contentHeight,
        infer: true,
      },
    ];
    let maxW = 0;
    let maxH = 0;
    for (const t of tiles) {
      if (!t.infer) continue;
      if (!this.fit.enabled && (t.width !== this.inputWidth || t.tileHeight !== this.inputHeight)) {
        throw new Error(
          `frame is ${t.width}x${t.tileHeight}${geometry.tiles ? ' per tile' : ''} but the model ${this.cfg.model} takes ${this.inputWidth}x${this.inputHeight}${this.fit.unavailable ? ` (other sizes: ${this.fit.unavailable})` : ''}`,
        );
      }
      if (t.width % MAX_STRIDE !== 0 || t.tileHeight % MAX_STRIDE !== 0) {
        throw new Error(`frame tile ${t.width}x${t.tileHeight} is not a multiple of ${MAX_STRIDE}`);
      }
      if (t.width * t.tileHeight > maxW * maxH) {
        maxW = t.width;
        maxH = t.tileHeight;
      }
    }
    if (maxW > 0) await this.reserve(maxW, maxH);
    this.checked = geometry;
  }

  /** Grows the session's buffers (once nothing is in flight) for runs of up to `w` x `h`. */
  private async reserve(w: number, h: number): Promise<void> {
    const input = 3 * w * h;
    const output = this.post.outputLength(w, h);
    if (input <= this.session.inputCapacity && output <= this.session.outputCapacity) return;
    while (this.pending > 0) await this.whenIdle();
    this.session.reserve(input, output);
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  /**
   * BGR24 pixels (`count` of them, rows of `width` that are `stride` bytes apart) → the free input buffer,
   * in the channel order and scale of the model family.
   */
  private preprocess(pixels: Uint8Array, count: number, width: number, stride: number): void {
    const yolov8 = this.cfg.family === 'yolov8';
    bgrToChw(pixels, this.session.input, count, yolov8, yolov8 ? 1 / 255 : 1, width, stride);
  }

  /** Runs one inference at input size `w` x `h` on the current input buffer; checks the output's size. */
  private async runAt(w: number, h: number): Promise<Float32Array> {
    let dims: readonly number[] | undefined;
    if (h !== this.inputHeight || w !== this.inputWidth) {
      // Sizes are multiples of 32: one dims array per size, reused.
      const key = w * 65536 + h;
      dims = this.dims.get(key);
      if (!dims) {
        dims = [1, 3, h, w];
        this.dims.set(key, dims);
      }
    }
    const out = await this.session.run(dims);
    const expected = this.post.outputLength(w, h);
    if (out.length !== expected) {
      this.session.recycle(out);
      throw new Error(`model output has ${out.length} values, expected ${expected}`);
    }
    return out;
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
}
