import { Gauge, type Registry } from 'prom-client';
import type { FrameMailbox } from '../camera/frame.js';
import type { CameraConfig, DetectorConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import { type AnalyticsFactory, detectionOnly } from './analytics-stage.js';
import { Detector } from './detector.js';
import { CameraPipeline } from './pipeline.js';
import { DetectionScheduler } from './scheduler.js';

/** Errors of one camera are logged at most this often (a broken stream must not flood the log). */
const ERROR_LOG_EVERY_MS = 10_000;

/**
 * The detector shared by every camera: one ONNX session (in a worker thread), one round-robin scheduler,
 * and a pipeline per attached camera (detect-fps throttle, motion gate, analytics stage). The camera
 * service attaches each camera's FrameMailbox once its stream is up.
 */
export class VisionService implements Service {
  readonly name = 'vision';
  detector?: Detector;
  private scheduler?: DetectionScheduler;
  private readonly pipelines = new Map<string, CameraPipeline>();
  private readonly lastErrorLog = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly cfg: DetectorConfig,
    private readonly log: Logger,
    private readonly analytics: AnalyticsFactory = detectionOnly,
    registry?: Registry,
  ) {
    if (registry) this.registerMetrics(registry);
  }

  async start(): Promise<void> {
    this.detector = await Detector.create(this.cfg);
    // Two frames in flight (of one camera or two): the next is preprocessed and queued while one is inferred.
    this.scheduler = new DetectionScheduler((id, err) => this.onError(id, err), { maxInFlight: 2 });
    this.log.info(
      {
        model: this.cfg.model,
        family: this.cfg.family,
        input: `${this.detector.inputWidth}x${this.detector.inputHeight}`,
        fitInput: this.detector.fit.enabled,
        providers: this.cfg.executionProviders,
        intraOpThreads: this.cfg.intraOpThreads,
      },
      'detector ready',
    );
    if (this.detector.fit.unavailable) {
      this.log.warn(
        { model: this.cfg.model, reason: this.detector.fit.unavailable },
        'detector: model needs its exported input size; every camera is letterboxed to it (fitInput off)',
      );
    }
  }

  /** Starts detection on a camera's frames; returns its pipeline (stats, analytics stage). */
  attach(camera: CameraConfig, mailbox: FrameMailbox): CameraPipeline {
    if (!this.detector || !this.scheduler) throw new Error('vision service not started');
    if (this.pipelines.has(camera.id)) throw new Error(`camera ${camera.id} is already attached`);
    const pipeline = new CameraPipeline(camera, this.detector, this.analytics(camera));
    this.pipelines.set(camera.id, pipeline);
    this.scheduler.add(camera.id, mailbox, pipeline);
    return pipeline;
  }

  detach(cameraId: string): void {
    this.scheduler?.remove(cameraId);
    this.pipelines.delete(cameraId);
  }

  health(): Record<string, unknown> {
    const d = this.detector;
    return {
      ready: d !== undefined,
      inference: d
        ? { runs: d.stats.runs, meanMs: round(d.meanMs), lastMs: round(d.stats.lastMs) }
        : undefined,
      cameras: Object.fromEntries(
        [...this.pipelines].map(([id, p]) => [
          id,
          { ...p.stats, errors: this.scheduler?.stats(id)?.errors ?? 0 },
        ]),
      ),
    };
  }

  async stop(): Promise<void> {
    await this.scheduler?.stop();
    // Close the open count intervals so the counts since the last interval reach the time series.
    for (const [id, p] of this.pipelines) {
      try {
        p.analytics.finish?.();
      } catch (err) {
        this.log.error({ err, camera: id }, 'analytics flush failed');
      }
    }
    this.pipelines.clear();
    await this.detector?.close();
    this.detector = undefined;
  }

  private onError(cameraId: string, err: unknown): void {
    const now = Date.now();
    const last = this.lastErrorLog.get(cameraId);
    if (last && now - last.at < ERROR_LOG_EVERY_MS) {
      last.suppressed++;
      return;
    }
    this.log.error({ err, camera: cameraId, suppressed: last?.suppressed ?? 0 }, 'detection failed');
    this.lastErrorLog.set(cameraId, { at: now, suppressed: 0 });
  }

  /** Gauges read the counters at scrape time: nothing is done per frame for metrics. */
  private registerMetrics(registry: Registry): void {
    const self = this;
    new Gauge({
      name: 'ioc_vision_inference_runs',
      help: 'Detector inferences since start',
      registers: [registry],
      collect() {
        this.set(self.detector?.stats.runs ?? 0);
      },
    });
    new Gauge({
      name: 'ioc_vision_inference_ms',
      help: 'Mean detector inference time since start, ms',
      registers: [registry],
      collect() {
        this.set(self.detector?.meanMs ?? 0);
      },
    });
    new Gauge({
      name: 'ioc_vision_frames',
      help: 'Frames per camera by outcome: inferred, motion_skipped (gate), rate_skipped (detect fps)',
      labelNames: ['camera', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [id, p] of self.pipelines) {
          this.set({ camera: id, outcome: 'inferred' }, p.stats.inferred);
          this.set({ camera: id, outcome: 'motion_skipped' }, p.stats.skippedMotion);
          this.set({ camera: id, outcome: 'rate_skipped' }, p.stats.skippedRate);
        }
      },
    });
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
