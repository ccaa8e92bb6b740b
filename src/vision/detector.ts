import type { FrameGeometry, FrameTile } from '../camera/frame.js';
import type { DetectorConfig } from '../config/schema.js';
import type { LevelsSnapshot } from './auto-levels.js';
import { buildClassMap } from './class-map.js';
import type { Detection } from './detection.js';
import type { RunStats, WorkerSession } from './inference-worker.js';
import { InputGeometry } from './input-geometry.js';
import { loadLabels } from './labels.js';
import { type InputFit, loadModel } from './model-loader.js';
import type { Polygon } from './polygon.js';
import { PostProcessor } from './postprocess.js';
import { bgrToChw } from './preprocess.js';
import { SessionPool } from './session-pool.js';
import { TileSet } from './tile-set.js';

export type { Polygon } from './polygon.js';

/** The one tile of a tiled frame that is inferred (gated tiles only with `regions`), or -1 for none or several. */
function singleTile(tiles: readonly FrameTile[], regions: boolean): number {
  let found = -1;
  for (let t = 0; t < tiles.length; t++) {
    const tile = tiles[t]!;
    if (!tile.infer || (tile.gated && !regions)) continue;
    if (found >= 0) return -1;
    found = t;
  }
  return found;
}

interface TiledFrame {
  set: TileSet;
  runs: { out: Promise<Float32Array>; tile: number; session: WorkerSession }[];
}

export interface DetectorOptions {
  /** Fold riders into their motorcycle/bicycle (default true). */
  mergeRiders?: boolean;
  /**
   * Inference sessions, each in its own worker thread (default 1). More let untiled frames be inferred in
   * parallel, one per core (`analyze` of a recording on an idle box); a live box keeps one and leaves the
   * other cores to the decoders.
   */
  sessions?: number;
}

/**
 * Frames in, detections out: preprocesses a frame (or each of its tiles) into the model's input, runs it
 * in the inference worker (model-loader.ts) and hands the output to the post-processor (postprocess.ts).
 *
 * Pipelined: up to two single-tile detect() calls per session may be in flight; the second one's frame is
 * preprocessed into the session's spare input buffer and queued while the first is inferred, so the model
 * never waits for the main thread. With one session, results resolve in call order (the worker answers
 * runs in order); with several, a frame goes to the least busy session and results may resolve out of call
 * order (the CameraPipeline puts them back in frame order). The post-processor, whose buffers all calls
 * share, runs for one call at a time between awaits. A tiled frame with one tile to infer (the automatic
 * regions off for it) runs like an untiled one. A frame with several tiles to infer sends them round the
 * sessions, each double-buffered, and collects them in tile order into cross-tile buffers of its own, while
 * other frames run beside it. Callers past these limits simply wait their turn.
 */
export class Detector {
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly fit: InputFit;
  /** The latest frame geometry checked against the model (frames of a camera share one). */
  private checked: FrameGeometry | undefined;
  /** Tiled frames' cross-tile buffers and runs in flight, oldest first (one per frame in flight; reused). */
  private readonly tiledFrames: TiledFrame[] = [];

  private constructor(
    private readonly sessions: SessionPool,
    private readonly post: PostProcessor,
    readonly labels: readonly string[],
    private readonly input: InputGeometry,
    private readonly cfg: DetectorConfig,
  ) {
    this.inputWidth = input.width;
    this.inputHeight = input.height;
    this.fit = input.fit;
  }

  static async create(cfg: DetectorConfig, options: DetectorOptions = {}): Promise<Detector> {
    const labels = loadLabels(cfg.labels);
    const classMap = buildClassMap(labels, cfg.labels);
    const loaded = await loadModel(cfg, labels.length);
    const sessions = await SessionPool.open(loaded, options.sessions ?? 1);
    const post = new PostProcessor(cfg, classMap, loaded.io, options.mergeRiders ?? true);
    const input = new InputGeometry(loaded.io.inputWidth, loaded.io.inputHeight, loaded.fit, cfg.model, post);
    return new Detector(sessions, post, labels, input, cfg);
  }

  /** Inference timings over all sessions, for metrics and benchmarks. */
  get stats(): RunStats {
    return this.sessions.stats;
  }

  /** Inference sessions (worker threads). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Model input height for a picture in a slot `maxHeight` rows high: see InputGeometry.heightFor. */
  inputHeightFor(contentHeight: number, maxHeight = this.inputHeight): number {
    return this.input.heightFor(contentHeight, maxHeight);
  }

  get meanMs(): number {
    const stats = this.stats;
    return stats.runs === 0 ? 0 : stats.totalMs / stats.runs;
  }

  /**
   * Inference alone on whatever the input buffer holds, at the input height a picture `contentHeight`
   * pixels tall gets (default: the export height), `width` wide: the ceiling for benchmarks.
   */
  async inferOnly(contentHeight = this.inputHeight, width = this.inputWidth): Promise<void> {
    const h = this.inputHeightFor(contentHeight, Math.max(this.inputHeight, contentHeight));
    await this.reserve(width, h);
    const session = this.sessions.sessions[0]!;
    session.recycle(await this.runAt(session, width, h));
  }

  /**
   * Detects traffic in one frame: letterboxed BGR24, one picture or a stack of tiles (each inferred at its
   * own size, fitted to its picture; gated tiles, the automatic regions, only with `regions`). Boxes come
   * back in fractions of the camera image; those whose centre lies in an `ignore` polygon (same
   * fractions) are dropped. With `levels` (the frame's contrast mapping, when it has one), the detector sees each
   * pixel value through the table of its row's step.
   */
  async detect(
    data: Uint8Array,
    geometry: FrameGeometry,
    ignore: readonly Polygon[] = [],
    regions = true,
    levels?: LevelsSnapshot,
  ): Promise<Detection[]> {
    const tiles = geometry.tiles;
    if (geometry !== this.checked) await this.check(geometry);
    // The frame's pixels are read synchronously below (before the first await that follows the wait),
    // but a caller waiting here must keep its frame until the returned promise settles anyway.
    const single = tiles ? singleTile(tiles, regions) : -1;
    if (!tiles || single >= 0) {
      let session = this.sessions.free();
      while (!session) {
        await this.sessions.whenIdle();
        session = this.sessions.free();
      }
      this.sessions.pending++;
      try {
        if (!tiles) {
          // The picture is at the top of the frame: a fitted input is the frame's first h rows.
          const w = geometry.width;
          const h = this.input.heightFor(geometry.contentHeight, geometry.height);
          this.preprocess(session, data, w * h, w, w * 3, levels, 0, geometry.scale);
          const out = await this.runAt(session, w, h);
          try {
            return this.post.detections(out, w, h, geometry, ignore);
          } finally {
            session.recycle(out);
          }
        }
        // One tile to infer (the automatic regions are off for this frame): it runs beside other frames
        // like an untiled one; the cross-tile steps run in one go after it, with no await in between.
        const tile = tiles[single]!;
        const w = tile.width;
        const h = this.input.tileHeight(tile);
        this.preprocess(
          session,
          data.subarray(tile.byteOffset),
          w * h,
          w,
          geometry.width * 3,
          levels,
          tile.cropY,
          tile.scale,
        );
        const out = await this.runAt(session, w, h);
        this.post.beginTiles(this.post.rowsAt(w, h));
        this.collect(out, geometry, single, session);
        return this.post.finishTiles(ignore);
      } finally {
        this.sessions.pending--;
        this.sessions.wake();
      }
    }
    const frame = this.tiledFrames.pop() ?? { set: new TileSet(), runs: [] };
    const runs = frame.runs;
    let head = 0;
    this.sessions.pending++;
    try {
      // One inference per inferred tile (each at its own size); each tile's rows are at the left of the
      // frame's. The tiles go round the sessions from the least busy one, each double-buffered (tile t+1 is
      // preprocessed and queued while tile t is inferred), and are collected in tile order into the frame's
      // own cross-tile buffers, so other frames run meanwhile.
      let rows = 0;
      for (const t of tiles)
        if (t.infer && (regions || !t.gated)) rows += this.post.rowsAt(t.width, this.input.tileHeight(t));
      this.post.beginTiles(rows, frame.set);
      const stride = geometry.width * 3;
      let next = this.sessions.leastBusy();
      for (let t = 0; t < tiles.length; t++) {
        const tile = tiles[t]!;
        if (!tile.infer || (tile.gated && !regions)) continue;
        const session = this.sessions.sessions[next]!;
        next = (next + 1) % this.sessions.size;
        while (!session.canRun) {
          if (head < runs.length) {
            const r = runs[head++]!;
            this.collect(await r.out, geometry, r.tile, r.session, frame.set);
          } else {
            // Both inputs are away with other frames' runs (none of this frame's): one of them ends first.
            await this.sessions.whenIdle();
          }
        }
        const w = tile.width;
        const h = this.input.tileHeight(tile);
        this.preprocess(
          session,
          data.subarray(tile.byteOffset),
          w * h,
          w,
          stride,
          levels,
          tile.cropY,
          tile.scale,
        );
        runs.push({ out: this.runAt(session, w, h), tile: t, session });
      }
      while (head < runs.length) {
        const r = runs[head++]!;
        this.collect(await r.out, geometry, r.tile, r.session, frame.set);
      }
      return this.post.finishTiles(ignore, frame.set);
    } catch (err) {
      // A failed frame leaves no run in flight: frames waiting for an input wake when it ends.
      for (let i = head; i < runs.length; i++) {
        const r = runs[i]!;
        try {
          r.session.recycle(await r.out);
        } catch {
          // settled by the worker; its own error is the same failure path
        }
      }
      throw err;
    } finally {
      runs.length = 0;
      this.tiledFrames.push(frame);
      this.sessions.pending--;
      this.sessions.wake();
    }
  }

  private collect(
    out: Float32Array,
    geometry: FrameGeometry,
    t: number,
    session: WorkerSession,
    set?: TileSet,
  ): void {
    const tile = geometry.tiles![t]!;
    try {
      this.post.collectTile(out, tile.width, this.input.tileHeight(tile), geometry, tile, t, set);
    } finally {
      session.recycle(out);
    }
  }

  /** Checks a new frame geometry against the model and grows the inference buffers for its largest tile. */
  private async check(geometry: FrameGeometry): Promise<void> {
    const largest = this.input.largestTile(geometry);
    if (largest) await this.reserve(largest.width, largest.height);
    this.checked = geometry;
  }

  /** Grows the sessions' buffers (once nothing is in flight) for runs of up to `w` x `h`. */
  private reserve(w: number, h: number): Promise<void> {
    return this.sessions.reserve(3 * w * h, this.post.outputLength(w, h));
  }

  async close(): Promise<void> {
    await this.sessions.close();
  }

  /**
   * BGR24 pixels (`count` of them, rows of `width` that are `stride` bytes apart) → the session's free
   * input buffer, in the channel order and scale of the model family; through `levels`' tables for rows
   * from camera row `cropY` down, `scale` pixels per camera pixel.
   */
  private preprocess(
    session: WorkerSession,
    pixels: Uint8Array,
    count: number,
    width: number,
    stride: number,
    levels: LevelsSnapshot | undefined,
    cropY: number,
    scale: number,
  ): void {
    const yolov8 = this.cfg.family === 'yolov8';
    const lut = levels?.lut;
    const first = lut ? levels!.stepAt(cropY) : 0;
    const perRow = lut ? levels!.stepsPerRow(scale) : 0;
    bgrToChw(pixels, session.input, count, yolov8, yolov8 ? 1 / 255 : 1, width, stride, lut, first, perRow);
  }

  /**
   * Runs one inference at input size `w` x `h` on the session's current input buffer, bound to a recycled
   * output buffer of the known output shape; checks the output's size.
   */
  private async runAt(session: WorkerSession, w: number, h: number): Promise<Float32Array> {
    const shapes = this.input.shapes(w, h);
    const out = await session.run(shapes.input, shapes.output);
    const expected = this.post.outputLength(w, h);
    if (out.length !== expected) {
      session.recycle(out);
      throw new Error(`model output has ${out.length} values, expected ${expected}`);
    }
    return out;
  }
}
