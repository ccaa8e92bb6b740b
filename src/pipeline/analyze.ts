import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LineSize } from '../analytics/line-sizes.js';
import { intervalStart } from '../analytics/rules/count-intervals.js';
import { FrameReader } from '../camera/frame-reader.js';
import type { ResolvedConfig } from '../config/load.js';
import { type CameraConfig, cameraSchema } from '../config/schema.js';
import { type DetectLayout, detectLayout } from '../vision/detect-layout.js';
import { Detector } from '../vision/detector.js';
import { type AnalyticsStage, CameraPipeline } from './camera-pipeline.js';
import { probeVideoSize } from './clip-probe.js';
import type { PipelineEvent } from './events.js';
import {
  describeResize,
  type RegionResize,
  RegionSizer,
  regionsWouldChange,
  withRegionWidth,
} from './region-sizing.js';
import { DetectionScheduler } from './scheduler.js';

import { type IncidentSummary, type LineCounts, TrafficStage } from './traffic-stage.js';

export interface AnalyzeOptions {
  /** Camera whose detect/lines/zones settings apply; default: the config's only camera. */
  cameraId?: string;
  /** Every decoded frame (benchmarks) instead of the camera's detect fps. */
  everyFrame?: boolean;
  /**
   * The stage after detection: by default tracking, lines, zones and incidents (a TrafficStage whose
   * events go to `onEvent`); benchmarks of the detector alone pass `detectionOnly`.
   */
  stage?: AnalyticsStage;
  /** Every analytics event of the clip, as the live pipeline would publish it. */
  onEvent?: (event: PipelineEvent) => void;
  /**
   * Inference sessions, each in its own thread (default: one per core). Frames are inferred in parallel
   * and put back in order before tracking, so the counts are those of one session.
   */
  sessions?: number;
  /** Told where detection runs on this clip and why (automatic regions), before the first frame. */
  onLayout?: (layout: DetectLayout, camera: CameraConfig) => void;
  /** Called at most every `progressEveryMs` with the clip position (seconds) and frames so far. */
  onProgress?: (seconds: number, frames: number) => void;
  progressEveryMs?: number;
}

/** The `ioc-edge analyze --json` object. */
export interface AnalyzeReport {
  frames: number;
  /**
   * Where detection ran: the tiles (model input sizes), the cost of a frame with the regions (x the whole
   * picture), on how many inferred frames the regions ran, on how many the contrast was stretched for the
   * detector (`levelled`: for the whole picture, or row band by row band under a glare veil), and the
   * plan's reasons.
   */
  detection: {
    tiles: { rect: number[]; input: string; inferred: boolean }[];
    cost: number;
    regionsOn: number;
    regionsOff: number;
    levelled: { whole: number; rows: number };
    explain: string[];
  };
  /** Clip time covered, seconds. */
  seconds: number;
  /** Wall time from starting the decoder to the last result, seconds (model loading excluded). */
  wallSeconds: number;
  /** Frames per wall second. */
  fps: number;
  inference: { runs: number; meanMs: number };
  /** Frames the motion gate let through without inference. */
  motionSkipped: number;
  counts: LineCounts;
  /** How tall two-wheelers are where they cross each line; `small`: too small to be counted well there. */
  lineSizes: LineSize[];
  incidents: IncidentSummary[];
  /**
   * Present when ffmpeg reported damaged input (a file cut short or corrupt data): the counts cover only
   * what could be decoded. `ioc-edge analyze` then warns on stderr and exits with code 3.
   */
  partial?: {
    /** ffmpeg's first complaint, e.g. "stream 0, offset 0x125b64: partial file". */
    reason: string;
    decodedSeconds: number;
    /** The duration the file's header announces, when it has one. */
    expectedSeconds?: number;
  };
}

/** The camera settings to analyse a file with: the named camera, the config's only camera, or defaults. */
export function cameraForFile(cfg: ResolvedConfig, file: string, cameraId?: string): CameraConfig {
  if (cameraId !== undefined) {
    const cam = cfg.cameras.find((c) => c.id === cameraId);
    if (!cam) {
      const ids = cfg.cameras.map((c) => c.id).join(', ') || 'none';
      throw new Error(`--camera ${cameraId}: no such camera in ${cfg.source} (cameras: ${ids})`);
    }
    return cam;
  }
  if (cfg.cameras.length === 1) return cfg.cameras[0]!;
  if (cfg.cameras.length > 1) {
    throw new Error(
      `${cfg.source} has ${cfg.cameras.length} cameras: choose whose settings apply with --camera (${cfg.cameras.map((c) => c.id).join(', ')})`,
    );
  }
  return cameraSchema.parse({ id: 'clip', url: pathToFileURL(file).href });
}

/**
 * The offline pipeline: the live pipeline's stages on a video file, as fast as possible: ffmpeg decode +
 * letterbox (at the camera's detect fps, or every frame) → motion gate → detector → tracking and
 * analytics, losslessly (the decoder waits for the detector; no frame is dropped).
 */
export async function analyzeFile(
  cfg: ResolvedConfig,
  file: string,
  options: AnalyzeOptions = {},
): Promise<AnalyzeReport> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`${file}: no such file`);
  const camera = cameraForFile(cfg, path, options.cameraId);
  // An idle box gives analyze every core: the decoder and the pipeline thread take about one (each frame
  // costs them about what its inference costs), inference sessions the rest, at least one. On 2 cores one
  // session ran as fast as two (NL every frame, 10 alternating runs: median 119 fps against 118) on 12 %
  // less CPU: the second only fought the decoder for the cores.
  const sessions = Math.max(
    1,
    options.sessions ?? Math.floor((availableParallelism() - 1) / cfg.detector.intraOpThreads),
  );
  const detector = await Detector.create(cfg.detector, { sessions });
  try {
    const size = probeVideoSize(path) ?? [0, 0];
    const first = await analyzePass({ camera, detector, path, file, size, sessions, options });
    if ('report' in first) return first.report;
    // A line where the clip's motorcycles are too small for the regions it started with: the whole clip
    // again from its start, with the regions the gateway would have grown to (region-sizing.ts).
    const resized = withRegionWidth(camera, first.resize.regionWidth);
    const again = await analyzePass(
      { camera: resized, detector, path, file, size, sessions, options },
      first.resize,
    );
    if (!('report' in again)) throw new Error('regions re-sized twice'); // a re-sized pass does not size
    again.report.wallSeconds = round(again.report.wallSeconds + first.wallSeconds, 3);
    again.report.fps = round(again.report.frames / again.report.wallSeconds, 1);
    return again.report;
  } finally {
    await detector.close();
  }
}

interface Pass {
  camera: CameraConfig;
  detector: Detector;
  path: string;
  file: string;
  size: [number, number];
  sessions: number;
  options: AnalyzeOptions;
}

/**
 * One run of the pipeline over the clip. With the regions automatic (and not `resized` already), events
 * are held back while the gateway may still re-size them (RegionSizer: the first minute of the clip): a
 * re-size stops the run, which then reports only that and its wall time.
 */
async function analyzePass(
  p: Pass,
  resized?: RegionResize,
): Promise<{ report: AnalyzeReport } | { resize: RegionResize; wallSeconds: number }> {
  const { camera, detector, file, sessions, options } = p;
  const layout = detectLayout(camera, detector, p.size[0], p.size[1]);
  if (resized) layout.explain = [...layout.explain, describeResize(resized)];
  options.onLayout?.(layout, camera);
  let resize: RegionResize | undefined;
  let held: PipelineEvent[] | undefined;
  const emit = options.onEvent ?? (() => {});
  const sizing = !resized && !options.stage && RegionSizer.applies(camera);
  if (sizing && options.onEvent) held = [];
  const traffic = options.stage
    ? undefined
    : new TrafficStage(camera, (e) => (resize ? undefined : held ? held.push(e) : emit(e)), {
        onResize: sizing
          ? (r) => {
              resize = r;
              held = undefined;
              void reader.stop();
            }
          : undefined,
        regionsWouldChange: (width, g) =>
          regionsWouldChange(camera, detector, g.srcWidth, g.srcHeight, width),
        resizeWithinMs: SIZE_CLIP_WITHIN_MS,
        onSizingDone: () => {
          if (held) for (const e of held) emit(e);
          held = undefined;
        },
      });
  const analytics = options.stage ?? traffic!;
  // ffmpeg's fps filter does the detect-fps reduction (cheaper than converting frames we would skip),
  // so the pipeline itself keeps every frame it gets.
  // Two frames in flight per session: the next one is preprocessed and queued while one is inferred.
  const maxInFlight = 2 * sessions;
  // The motion gate sees the tracks as after the frame before last, whatever the sessions: same counts.
  const pipeline = new CameraPipeline(camera, detector, analytics, { everyFrame: true, gateLag: 2 });
  const reader = new FrameReader({
    cameraId: camera.id,
    url: pathToFileURL(p.path).href,
    width: detector.inputWidth,
    height: detector.inputHeight,
    layout: layout.tiles,
    fps: options.everyFrame ? undefined : camera.detect.fps,
    realtime: false,
    loop: false,
    hwaccel: camera.hwaccel,
    // One decoder thread: ffmpeg's frame threads cost ~15 % more CPU per frame, and the decoder (~4 ms a
    // frame) already runs in parallel with inference (~10 ms), so it never holds the pipeline back.
    decoderThreads: 1,
    // Each frame in flight holds a buffer, plus the one ffmpeg writes and the one waiting.
    poolSize: maxInFlight + 2,
    // The clip's timeline from the start of the current count interval: intervals close, and their
    // counts settle, at the same clip positions on every run, however fast it goes or the machine is.
    clipClockMs: intervalStart(Date.now(), camera.countInterval),
  });
  let failure: unknown;
  const scheduler = new DetectionScheduler(
    (_id, err) => {
      // Stop on a detector failure: a broken model must not silently yield empty results.
      if (failure === undefined) {
        failure = err;
        void reader.stop();
      }
    },
    { maxInFlight },
  );
  scheduler.add(camera.id, reader.pool, pipeline);

  let lastProgress = 0;
  const progressEvery = options.progressEveryMs ?? 100;
  const unsubscribe = reader.pool.onFrame(() => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (now - lastProgress >= progressEvery) {
      lastProgress = now;
      options.onProgress(pipeline.stats.lastPtsMs / 1000, pipeline.stats.frames);
    }
  });
  const t0 = performance.now();
  reader.start();
  const exit = await reader.exited;
  await scheduler.whenIdle();
  await scheduler.stop();
  unsubscribe();
  const wallSeconds = (performance.now() - t0) / 1000;
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  const frames = pipeline.stats.frames;
  if (resize) return { resize, wallSeconds };
  if (!exit.ended) {
    throw new Error(
      `decoding ${file} failed (${exit.reason ?? `exit code ${exit.code}`}): ${exit.stderrTail.slice(-3).join(' | ')}`,
    );
  }
  traffic?.finish();
  if (held) for (const e of held) emit(e);
  const fps = reader.opts.fps ?? reader.info?.fps ?? 25;
  const seconds = frames > 0 ? pipeline.stats.lastPtsMs / 1000 + 1 / fps : 0;
  options.onProgress?.(seconds, frames);
  const partial = exit.damage
    ? {
        reason: exit.damage,
        decodedSeconds: round(seconds, 3),
        expectedSeconds: reader.durationS !== undefined ? round(reader.durationS, 3) : undefined,
      }
    : undefined;
  const report: AnalyzeReport = {
    frames,
    detection: {
      ...layoutSummary(layout, detector),
      regionsOn: pipeline.stats.regionsOn,
      regionsOff: pipeline.stats.regionsOff,
      levelled: { whole: pipeline.stats.levelledWhole, rows: pipeline.stats.levelledRows },
    },
    seconds: round(seconds, 3),
    wallSeconds: round(wallSeconds, 3),
    fps: round(frames / wallSeconds, 1),
    inference: { runs: detector.stats.runs, meanMs: round(detector.meanMs, 2) },
    motionSkipped: pipeline.stats.skippedMotion,
    counts: traffic?.counts() ?? {},
    lineSizes: traffic?.lineSizes() ?? [],
    incidents: traffic?.incidents() ?? [],
    ...(partial ? { partial } : {}),
  };
  return { report };
}

/** A clip's regions are re-sized within its first minute or not at all (its events are held till then). */
const SIZE_CLIP_WITHIN_MS = 60_000;

/** The layout as the report shows it. */
export function layoutSummary(layout: DetectLayout, model: { inputWidth: number; inputHeight: number }) {
  const base = layout.plan ? layout.plan.pixels / layout.plan.cost : model.inputWidth * model.inputHeight;
  let pixels = 0;
  const tiles = layout.tiles.map((t) => {
    if (t.infer) pixels += t.width * t.height;
    return { rect: [...t.rect], input: `${t.width}x${t.height}`, inferred: t.infer };
  });
  return { tiles, cost: round(layout.plan ? layout.plan.cost : pixels / base, 2), explain: layout.explain };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
