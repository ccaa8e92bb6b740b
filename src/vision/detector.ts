import type { FrameGeometry } from '../camera/frame.js';
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
 * share, runs for one call at a time between awaits. A tiled frame waits until nothing else is in flight
 * (its tiles share the post-processor's cross-tile buffers) and double-buffers its own tiles on the first
 * session; a frame after a tiled one waits for it. Callers past these limits simply wait their turn.
 */
export class Detector {
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Input and output shapes of a run per input height / 32, built on first use. */
  private readonly dims: ({ input?: readonly number[]; output: readonly number[] } | undefined)[] = [];
  /** detect() calls started and not finished. */
  private pending = 0;
  /** A tiled frame is in flight. */
  private tiledActive = false;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly sessions: readonly WorkerSession[],
    private readonly post: PostProcessor,
    readonly labels: readonly string[],
    readonly fit: InputFit,
    private readonly cfg: DetectorConfig,
    size: { inputWidth: number; inputHeight: number },
  ) {
    this.inputWidth = size.inputWidth;
    this.inputHeight = size.inputHeight;
  }

  static async create(cfg: DetectorConfig, options: DetectorOptions = {}): Promise<Detector> {
    const labels = loadLabels(cfg.labels);
    const classMap = buildClassMap(labels, cfg.labels);
    const loaded = await loadModel(cfg, labels.length);
    const sessions = [loaded.session];
    try {
      for (let i = 1; i < Math.max(1, options.sessions ?? 1); i++) sessions.push(await loaded.another());
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release()));
      throw err;
    }
    const post = new PostProcessor(cfg, classMap, loaded.io, options.mergeRiders ?? true);
    return new Detector(sessions, post, labels, loaded.fit, cfg, loaded.io);
  }

  /** Inference timings over all sessions, for metrics and benchmarks. */
  get stats(): RunStats {
    if (this.sessions.length === 1) return this.sessions[0]!.stats;
    const sum: RunStats = { runs: 0, totalMs: 0, lastMs: 0 };
    for (const s of this.sessions) {
      sum.runs += s.stats.runs;
      sum.totalMs += s.stats.totalMs;
      sum.lastMs = Math.max(sum.lastMs, s.stats.lastMs);
    }
    return sum;
  }

  /** Inference sessions (worker threads). */
  get sessionCount(): number {
    return this.sessions.length;
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

  get meanMs(): number {
    const stats = this.stats;
    return stats.runs === 0 ? 0 : stats.totalMs / stats.runs;
  }

  /**
   * Inference alone on whatever the input buffer holds, at the input height a picture `contentHeight`
   * pixels tall gets (default: the export height): the ceiling for benchmarks.
   */
  async inferOnly(contentHeight = this.inputHeight): Promise<void> {
    const session = this.sessions[0]!;
    session.recycle(await this.runAt(session, this.inputHeightFor(contentHeight)));
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
    let session: WorkerSession | undefined;
    for (;;) {
      session = tiles ? (this.pending === 0 ? this.sessions[0] : undefined) : this.freeSession();
      if (session) break;
      await this.whenIdle();
    }
    this.pending++;
    try {
      if (!tiles) {
        // The picture is at the top of the frame: a fitted input is the frame's first h rows.
        const h = this.inputHeightFor(geometry.contentHeight);
        this.preprocess(session, data, this.inputWidth * h);
        const out = await this.runAt(session, h);
        try {
          return this.post.detections(out, geometry, ignore);
        } finally {
          session.recycle(out);
        }
      }
      this.tiledActive = true;
      // One inference per tile (the model takes one fixed-size image); each tile is a contiguous slice.
      // Tile t+1 is preprocessed and queued while tile t is inferred.
      this.post.beginTiles(tiles.length);
      let queued: Promise<Float32Array> | undefined;
      for (let t = 0; t < tiles.length; t++) {
        const tile = tiles[t]!;
        const pixels = this.inputWidth * this.inputHeightFor(tile.contentHeight);
        this.preprocess(session, data.subarray(tile.byteOffset, tile.byteOffset + pixels * 3), pixels);
        const run = this.runAt(session, pixels / this.inputWidth);
        if (queued) {
          const out = await queued.catch((err: unknown) => {
            run.catch(() => {}); // settled by the worker; its own error is the same failure path
            throw err;
          });
          this.post.collectTile(out, geometry, tiles[t - 1]!, t - 1);
          session.recycle(out);
        }
        queued = run;
      }
      const last = await queued!;
      this.post.collectTile(last, geometry, tiles[tiles.length - 1]!, tiles.length - 1);
      session.recycle(last);
      return this.post.finishTiles(ignore);
    } finally {
      if (tiles) this.tiledActive = false;
      if (--this.pending === 0 || !tiles) this.wake();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }

  /** The session for the next untiled frame: the one with the fewest runs queued that has a free input. */
  private freeSession(): WorkerSession | undefined {
    if (this.tiledActive) return undefined;
    let best: WorkerSession | undefined;
    for (const s of this.sessions) if (s.canRun && (!best || s.inFlight < best.inFlight)) best = s;
    return best;
  }

  /** BGR24 pixels → the session's free input buffer, in the channel order and scale of the model family. */
  private preprocess(session: WorkerSession, pixels: Uint8Array, count: number): void {
    const yolov8 = this.cfg.family === 'yolov8';
    bgrToChw(pixels, session.input, count, yolov8, yolov8 ? 1 / 255 : 1);
  }

  /** Runs one inference at input height `h` on the current input buffer; checks the output's size. */
  private async runAt(session: WorkerSession, h: number): Promise<Float32Array> {
    // Heights are multiples of 32: one pair of shapes per height, reused (no input shape: the configured one).
    let dims = this.dims[h / MAX_STRIDE];
    if (!dims) {
      dims = {
        input: h !== this.inputHeight ? [1, 3, h, this.inputWidth] : undefined,
        output: this.post.outputDims(h),
      };
      this.dims[h / MAX_STRIDE] = dims;
    }
    const out = await session.run(dims.input, dims.output);
    const expected = this.post.outputLength(h);
    if (out.length !== expected) {
      session.recycle(out);
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
