import type { Frame, FrameGeometry } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import type { DetectionResult } from '../vision/detection.js';
import type { Detector, Polygon } from '../vision/detector.js';
import { MotionGate } from '../vision/motion.js';
import { hasGatedTiles, RegionGate } from '../vision/region-gate.js';

/**
 * What comes after detection for one camera (tracking, lines, zones, incidents: the TrafficStage). It gets
 * every DetectionResult in frame order, motion-gated ones too (`inferred: false`).
 */
export interface AnalyticsStage {
  /**
   * One result per frame, in order. `frame` is the decoded frame the result came from (for evidence
   * snapshots); it is valid only during the call: copy what you need, never keep `frame.data`.
   */
  push(result: DetectionResult, geometry: FrameGeometry, frame?: Frame): void;
  /** Live tracks: while there are any, the motion gate does not skip inference. */
  activeTracks(): number;
}

/** Detection only: no tracks, no counts, no incidents (benchmarks of the detector alone). */
export const detectionOnly: AnalyticsStage = { push: () => {}, activeTracks: () => 0 };

export interface PipelineOptions {
  /** Process every frame, ignoring the camera's detect fps (benchmarks; analyze, whose decoder reduces the rate). */
  everyFrame?: boolean;
  /** Called for every frame that was inferred (the camera's detect-fps health). */
  onInferred?: () => void;
}

export interface PipelineStats {
  frames: number;
  inferred: number;
  /** Skipped because no motion and no live tracks. */
  skippedMotion: number;
  /** Skipped because they came faster than the camera's detect fps. */
  skippedRate: number;
  /** Position of the latest frame processed, ms. */
  lastPtsMs: number;
  /** Inferred frames with and without the automatic detection regions (see RegionGate). */
  regionsOn: number;
  regionsOff: number;
}

const ignoreError = () => {};

/**
 * One camera's path from frame to analytics: detect-fps throttle → motion gate → detector → analytics stage.
 * A caller may start the next frame before the previous one's result is back (the scheduler does, to keep
 * the detector busy): results still reach the analytics stage strictly in frame order. The motion gate of
 * a frame started that way sees the live-track count before the previous frame's result (one frame lag:
 * at worst one frame is inferred, or skipped, that would not have been).
 */
export class CameraPipeline {
  readonly stats: PipelineStats = {
    frames: 0,
    inferred: 0,
    skippedMotion: 0,
    skippedRate: 0,
    lastPtsMs: 0,
    regionsOn: 0,
    regionsOff: 0,
  };
  private gate?: MotionGate;
  private regionGate?: RegionGate;
  private readonly intervalMs: number;
  private nextDueMs = Number.NEGATIVE_INFINITY;
  private readonly ignore: readonly Polygon[];
  /** Settles once the latest started frame has reached the analytics stage (or failed). */
  private tail: Promise<unknown> = Promise.resolve();
  private active = 0;
  private readonly onInferred: (() => void) | undefined;

  constructor(
    readonly camera: CameraConfig,
    private readonly detector: Detector,
    readonly analytics: AnalyticsStage,
    options: PipelineOptions = {},
  ) {
    this.intervalMs = options.everyFrame ? 0 : 1000 / camera.detect.fps;
    this.ignore = camera.detect.ignore as readonly Polygon[];
    this.onInferred = options.onInferred;
  }

  /** Processes one frame; returns its result, or undefined when the detect-fps throttle dropped it. */
  async process(frame: Frame): Promise<DetectionResult | undefined> {
    this.stats.frames++;
    this.stats.lastPtsMs = frame.ptsMs;
    if (frame.ptsMs < this.nextDueMs) {
      this.stats.skippedRate++;
      return undefined;
    }
    // Half a frame interval of slack so 29.97 fps input at 10 fps detect does not alias down to 7.5 fps.
    this.nextDueMs = Math.max(this.nextDueMs + this.intervalMs, frame.ptsMs + this.intervalMs * 0.5);
    if (!this.gate || this.gateGeometryChanged(frame)) {
      this.gate = new MotionGate(frame.geometry, this.camera.detect.motion, this.ignore);
      this.regionGate = hasGatedTiles(frame.geometry) ? new RegionGate(frame.geometry) : undefined;
    }
    const infer = this.gate.shouldInfer(frame.data, frame.ptsMs, this.analytics.activeTracks() > 0);
    let regions = true;
    if (infer && this.regionGate) {
      regions = this.regionGate.want(frame.ptsMs);
      if (regions) this.stats.regionsOn++;
      else this.stats.regionsOff++;
    }
    const before = this.active > 0 ? this.tail : undefined;
    this.active++;
    const task = this.finish(frame, infer, regions, before);
    this.tail = task.then(ignoreError, ignoreError);
    return task;
  }

  private async finish(
    frame: Frame,
    infer: boolean,
    regions: boolean,
    before: Promise<unknown> | undefined,
  ): Promise<DetectionResult> {
    try {
      const detections = infer
        ? await this.detector.detect(frame.data, frame.geometry, this.ignore, regions)
        : [];
      if (before) await before;
      if (infer) this.regionGate?.observe(detections, frame.ptsMs);
      const result: DetectionResult = {
        cameraId: frame.cameraId,
        seq: frame.seq,
        ptsMs: frame.ptsMs,
        wallMs: frame.wallMs,
        inferred: infer,
        detections,
      };
      if (infer) {
        this.stats.inferred++;
        this.onInferred?.();
      } else {
        this.stats.skippedMotion++;
      }
      this.analytics.push(result, frame.geometry, frame);
      return result;
    } finally {
      this.active--;
    }
  }

  private gateGeometryChanged(frame: Frame): boolean {
    const g = this.gate!.geometry;
    const f = frame.geometry;
    return (
      g !== f &&
      (g.srcWidth !== f.srcWidth ||
        g.srcHeight !== f.srcHeight ||
        g.width !== f.width ||
        g.height !== f.height ||
        (g.tiles?.length ?? 0) !== (f.tiles?.length ?? 0))
    );
  }
}
