import type { Frame } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import type { AnalyticsStage } from './analytics-stage.js';
import type { DetectionResult } from './detection.js';
import type { Detector, Polygon } from './detector.js';
import { MotionGate } from './motion.js';

export interface PipelineOptions {
  /** Process every frame, ignoring the camera's detect fps (benchmarks). */
  everyFrame?: boolean;
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
}

/**
 * One camera's path from frame to analytics: detect-fps throttle → motion gate → detector → analytics stage.
 * Frames are processed strictly one at a time (the scheduler or the caller awaits each).
 */
export class CameraPipeline {
  readonly stats: PipelineStats = { frames: 0, inferred: 0, skippedMotion: 0, skippedRate: 0, lastPtsMs: 0 };
  private gate?: MotionGate;
  private readonly intervalMs: number;
  private nextDueMs = Number.NEGATIVE_INFINITY;
  private readonly ignore: readonly Polygon[];

  constructor(
    readonly camera: CameraConfig,
    private readonly detector: Detector,
    readonly analytics: AnalyticsStage,
    options: PipelineOptions = {},
  ) {
    this.intervalMs = options.everyFrame ? 0 : 1000 / camera.detect.fps;
    this.ignore = camera.detect.ignore as readonly Polygon[];
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
    }
    const infer = this.gate.shouldInfer(frame.data, frame.ptsMs, this.analytics.activeTracks() > 0);
    const result: DetectionResult = {
      cameraId: frame.cameraId,
      seq: frame.seq,
      ptsMs: frame.ptsMs,
      wallMs: frame.wallMs,
      inferred: infer,
      detections: infer ? await this.detector.detect(frame.data, frame.geometry, this.ignore) : [],
    };
    if (infer) this.stats.inferred++;
    else this.stats.skippedMotion++;
    this.analytics.push(result, frame.geometry, frame);
    return result;
  }

  private gateGeometryChanged(frame: Frame): boolean {
    const g = this.gate!.geometry;
    const f = frame.geometry;
    return (
      g.srcWidth !== f.srcWidth || g.srcHeight !== f.srcHeight || g.width !== f.width || g.height !== f.height
    );
  }
}
