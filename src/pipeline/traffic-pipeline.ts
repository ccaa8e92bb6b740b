import { join } from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { Incident } from '../analytics/events.js';
import { describeLineSize, type LineSize } from '../analytics/line-sizes.js';
import type { FrameMailbox } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { ContrastMode } from '../vision/auto-levels.js';
import type { Detection } from '../vision/detection.js';
import type { Detector } from '../vision/detector.js';
import { type AnalyticsStage, CameraPipeline } from './camera-pipeline.js';
import { describeResize, type RegionResize, regionsWouldChange } from './region-sizing.js';
import { DetectionScheduler } from './scheduler.js';
import { type StageOptions, TrafficStage } from './traffic-stage.js';

/** Errors of one camera are logged at most this often (a broken stream must not flood the log). */
const ERROR_LOG_EVERY_MS = 10_000;

/** Where a camera's frames come from, and where its detect-fps health goes (a Camera). */
export interface FrameSource {
  readonly mailbox: FrameMailbox;
  recordDetect(): void;
}

/** The stage after detection for one camera; `finish` closes its open intervals at stop. */
export type CameraStage = AnalyticsStage & { finish?(): void };

export interface TrafficPipelineOptions {
  /** Cameras to run detection and analytics on (enabled, detect.enabled). */
  cameras: readonly CameraConfig[];
  /** Each camera's frames (its latest-frame mailbox) by camera id: the CameraManager. */
  sources: { get(cameraId: string): FrameSource | undefined };
  detector: Detector;
  /** Every analytics event goes here (the event bus). */
  emit: ConstructorParameters<typeof TrafficStage>[1];
  /** Incident evidence pictures go to <dataDir>/evidence/<camera>/. */
  dataDir: string;
  /** Each evidence picture once written (the bus's `incident_evidence`). */
  onEvidence?: StageOptions['onEvidence'];
  log: Logger;
  metrics?: Registry;
  /**
   * A camera's automatic detection regions should grow (region-sizing.ts, logged here): the owner of the
   * cameras re-plans its layout with `resize.regionWidth`. Without it the regions keep their size.
   */
  onResize?: (cameraId: string, resize: RegionResize) => void;
  /** The stage after detection; default: tracking and analytics (a TrafficStage publishing to `emit`). */
  stageFor?: (camera: CameraConfig) => CameraStage;
}

/** What the log says when a camera's picture changes between clear, hazy and under a glare veil. */
const CONTRAST_MESSAGES: Record<ContrastMode, string> = {
  'as is': 'picture contrast normal again: the detector sees it as it is',
  haze: 'picture flat (haze, fog, spray or a dirty window): contrast stretched for the detector',
  glare: 'picture under a glare veil (low sun or a lamp ahead): contrast stretched row band by row band',
};

/**
 * The live traffic path of every camera: its frames → detect-fps throttle → motion gate → the shared
 * detector (one round-robin scheduler, two frames in flight per inference session) → tracking and analytics → events. Frame pools
 * live as long as their camera (across reconnects), so each camera is attached once, at start.
 */
export class TrafficPipeline implements Service {
  readonly name = 'traffic-pipeline';
  private readonly scheduler: DetectionScheduler;
  private readonly pipelines = new Map<string, CameraPipeline>();
  private readonly stages = new Map<string, CameraStage>();
  private readonly lastErrorLog = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly opts: TrafficPipelineOptions) {
    // Two frames in flight per inference session (of one camera or two): the next is preprocessed and
    // queued while one is inferred.
    this.scheduler = new DetectionScheduler((id, err) => this.onError(id, err), {
      maxInFlight: 2 * Math.max(1, opts.detector.sessionCount || 1),
    });
    if (opts.metrics) this.registerMetrics(opts.metrics);
  }

  async start(): Promise<void> {
    const { opts } = this;
    for (const camera of opts.cameras) {
      const source = opts.sources.get(camera.id);
      if (!source) continue;
      const stage = opts.stageFor?.(camera) ?? this.trafficStage(camera);
      const pipeline = new CameraPipeline(camera, opts.detector, stage, {
        onInferred: () => source.recordDetect(),
        onContrast: (mode) => opts.log.info({ camera: camera.id, contrast: mode }, CONTRAST_MESSAGES[mode]),
      });
      this.stages.set(camera.id, stage);
      this.pipelines.set(camera.id, pipeline);
      this.scheduler.add(camera.id, source.mailbox, pipeline);
    }
  }

  private trafficStage(camera: CameraConfig): TrafficStage {
    const { opts } = this;
    return new TrafficStage(camera, opts.emit, {
      evidenceDir: join(opts.dataDir, 'evidence'),
      onEvidenceError: (err, incidentId) =>
        opts.log.warn({ err, incidentId }, 'evidence picture not written'),
      onEvidence: opts.onEvidence,
      onSmallLine: (size) =>
        opts.log.warn(
          { camera: camera.id, line: size.line, modelPx: size.modelPx, heightPct: size.heightPct },
          describeLineSize(size),
        ),
      regionsWouldChange: (width, g) =>
        regionsWouldChange(camera, opts.detector, g.srcWidth, g.srcHeight, width),
      onResize: opts.onResize
        ? (resize) => {
            opts.log.info({ camera: camera.id, regionWidth: resize.regionWidth }, describeResize(resize));
            opts.onResize!(camera.id, resize);
          }
        : undefined,
    });
  }

  /** False when frames have been in flight for `stuckAfterMs` with none finishing (the detector hangs). */
  alive(stuckAfterMs = 60_000): boolean {
    return this.scheduler.stuckMs() < stuckAfterMs;
  }

  /** The camera's confirmed live tracks as boxes (filtered positions), for snapshot overlays. */
  boxes(cameraId: string): Detection[] {
    const stage = this.stages.get(cameraId);
    if (!(stage instanceof TrafficStage)) return [];
    const out: Detection[] = [];
    for (const t of stage.analytics.tracks) {
      if (!t.confirmed || t.lostMs > 0) continue;
      out.push({ cls: t.cls, score: t.score, x1: t.bx1, y1: t.by1, x2: t.bx2, y2: t.by2 });
    }
    return out;
  }

  /** How tall two-wheelers are where they cross each of the camera's lines (see analytics/line-sizes.ts). */
  lineSizes(cameraId: string): LineSize[] | undefined {
    const stage = this.stages.get(cameraId);
    return stage instanceof TrafficStage ? stage.lineSizes() : undefined;
  }

  /** Incidents open now on every camera. */
  openIncidents(): Incident[] {
    const out: Incident[] = [];
    for (const stage of this.stages.values())
      if (stage instanceof TrafficStage) out.push(...stage.analytics.open.values());
    return out;
  }

  /** Per camera: frames processed, inferred, skipped by the motion gate or the detect fps, and errors. */
  health(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.pipelines].map(([id, p]) => [
        id,
        { ...p.stats, errors: this.scheduler.stats(id)?.errors ?? 0 },
      ]),
    );
  }

  /** Stops taking frames, then closes the open count intervals so their counts reach the sinks. */
  async stop(): Promise<void> {
    await this.scheduler.stop();
    for (const [id, stage] of this.stages) {
      try {
        stage.finish?.();
      } catch (err) {
        this.opts.log.error({ err, camera: id }, 'analytics flush failed');
      }
    }
    this.stages.clear();
    this.pipelines.clear();
  }

  private onError(cameraId: string, err: unknown): void {
    const now = Date.now();
    const last = this.lastErrorLog.get(cameraId);
    if (last && now - last.at < ERROR_LOG_EVERY_MS) {
      last.suppressed++;
      return;
    }
    this.opts.log.error({ err, camera: cameraId, suppressed: last?.suppressed ?? 0 }, 'detection failed');
    this.lastErrorLog.set(cameraId, { at: now, suppressed: 0 });
  }

  private registerMetrics(registry: Registry): void {
    const pipelines = this.pipelines;
    new Gauge({
      name: 'ioc_vision_frames',
      help: 'Frames per camera by outcome: inferred, motion_skipped (gate), rate_skipped (detect fps)',
      labelNames: ['camera', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [id, p] of pipelines) {
          this.set({ camera: id, outcome: 'inferred' }, p.stats.inferred);
          this.set({ camera: id, outcome: 'motion_skipped' }, p.stats.skippedMotion);
          this.set({ camera: id, outcome: 'rate_skipped' }, p.stats.skippedRate);
        }
      },
    });
    new Gauge({
      name: 'ioc_vision_levelled_frames',
      help: 'Inferred frames whose contrast was stretched for the detector: mapping "whole" (haze, fog, spray) or "rows" (a glare veil, low sun)',
      labelNames: ['camera', 'mapping'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [id, p] of pipelines) {
          this.set({ camera: id, mapping: 'whole' }, p.stats.levelledWhole);
          this.set({ camera: id, mapping: 'rows' }, p.stats.levelledRows);
        }
      },
    });
  }
}
