import { availableParallelism } from 'node:os';
import { Gauge, type Registry } from 'prom-client';
import type { CameraConfig, DetectorConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import { cameraPlan } from './detect-layout.js';
import { Detector } from './detector.js';

/** Inferences per second one session is given at most (at ~8-12 ms each: about half of its thread). */
const INFERENCES_PER_SESSION = 40;

/**
 * How many inference sessions (worker threads) the cameras need: one per 40 inferences a second they may
 * ask for (detect fps x tiles, or the automatic regions' cost, as if every frame moved), at most one
 * per core (as many as the config's intra-op threads allow). One thread serves ~8 cameras at 5 fps; beyond that, with the other core busy
 * decoding, its inferences slow down (12 ms instead of 7) and it fell behind with the cores not full.
 */
export function inferenceSessionsFor(
  cameras: readonly CameraConfig[],
  cfg: Pick<DetectorConfig, 'intraOpThreads'>,
  cores = availableParallelism(),
): number {
  const perSecond = cameras.reduce((a, c) => a + c.detect.fps * inferencesPerFrame(c), 0);
  const max = Math.max(1, Math.floor(cores / cfg.intraOpThreads));
  return Math.min(max, Math.max(1, Math.ceil(perSecond / INFERENCES_PER_SESSION)));
}

/**
 * Whole-picture inferences a frame of the camera may cost: its tiles set by hand, or the automatic regions'
 * cost (vision/detect-plan.ts, planned from the lines and zones; the regions run on every frame in dense
 * motorcycle traffic), estimated before the picture and the model are known (cameraPlan: a 16:9 picture).
 */
function inferencesPerFrame(c: CameraConfig): number {
  if (c.detect.tiles) return c.detect.tiles.length;
  // The bundled model's input width (the model is not loaded yet).
  return cameraPlan(c, 416).cost;
}

/**
 * The one detector every camera shares (one ONNX session in a worker thread, or one per 40 inferences a
 * second the cameras need: inferenceSessionsFor): loaded at start, released at stop, its inference figures
 * in metrics and health.
 */
export class DetectorService implements Service {
  readonly name = 'detector';
  private loaded?: Detector;

  constructor(
    private readonly cfg: DetectorConfig,
    private readonly log: Logger,
    registry?: Registry,
    private readonly sessions = 1,
  ) {
    if (registry) this.registerMetrics(registry);
  }

  /** The loaded detector; throws before start() (the wiring builds its users after starting this). */
  get detector(): Detector {
    if (!this.loaded) throw new Error('detector not started');
    return this.loaded;
  }

  async start(): Promise<void> {
    const d = await Detector.create(this.cfg, { sessions: this.sessions });
    this.loaded = d;
    this.log.info(
      {
        model: this.cfg.model,
        family: this.cfg.family,
        input: `${d.inputWidth}x${d.inputHeight}`,
        fitInput: d.fit.enabled,
        providers: this.cfg.executionProviders,
        intraOpThreads: this.cfg.intraOpThreads,
        sessions: d.sessionCount,
      },
      'detector ready',
    );
    if (d.fit.unavailable) {
      this.log.warn(
        { model: this.cfg.model, reason: d.fit.unavailable },
        'detector: model needs its exported input size; every camera is letterboxed to it (fitInput off)',
      );
    }
  }

  health(): { ready: boolean; inference?: { runs: number; meanMs: number; lastMs: number } } {
    const d = this.loaded;
    if (!d) return { ready: false };
    return {
      ready: true,
      inference: { runs: d.stats.runs, meanMs: round(d.meanMs), lastMs: round(d.stats.lastMs) },
    };
  }

  async stop(): Promise<void> {
    const d = this.loaded;
    this.loaded = undefined;
    await d?.close();
  }

  /** Gauges read the counters at scrape time: nothing is done per frame for metrics. */
  private registerMetrics(registry: Registry): void {
    const self = this;
    new Gauge({
      name: 'ioc_vision_inference_runs',
      help: 'Detector inferences since start',
      registers: [registry],
      collect() {
        this.set(self.loaded?.stats.runs ?? 0);
      },
    });
    new Gauge({
      name: 'ioc_vision_inference_ms',
      help: 'Mean detector inference time since start, ms',
      registers: [registry],
      collect() {
        this.set(self.loaded?.meanMs ?? 0);
      },
    });
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
