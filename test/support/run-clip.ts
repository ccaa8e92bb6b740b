import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  AnalyticsEventWithEvidence,
  CameraAnalyticsOptions,
} from '../../src/analytics/camera-analytics.js';
import { FrameReader } from '../../src/camera/frame-reader.js';
import type { CameraConfig } from '../../src/config/schema.js';
import { CameraPipeline } from '../../src/pipeline/camera-pipeline.js';
import { probeVideoSize } from '../../src/pipeline/clip-probe.js';
import { TrafficStage } from '../../src/pipeline/traffic-stage.js';
import { type DetectLayout, detectLayout } from '../../src/vision/detect-layout.js';
import type { DetectionResult } from '../../src/vision/detection.js';
import { Detector } from '../../src/vision/detector.js';
import { MEDIA, testConfig } from './vision.js';

export interface ClipRun {
  /** Where detection ran (automatic regions or hand tiles). */
  layout: DetectLayout;
  stage: TrafficStage;
  events: AnalyticsEventWithEvidence[];
  frames: number;
  inferred: number;
  /** Inferred frames with and without the automatic regions (region gate). */
  regions: { on: number; off: number };
  wallMs: number;
}

const detectors = new Map<number, Promise<Detector>>();

/**
 * One detector per score threshold per test process (the ONNX session takes a while to create). The
 * tracker's second stage wants low-score boxes (ByteTrack keeps those down to 0.1).
 */
export function sharedDetector(scoreThreshold = 0.1): Promise<Detector> {
  let d = detectors.get(scoreThreshold);
  if (!d) {
    d = Detector.create({ ...testConfig().detector, scoreThreshold });
    detectors.set(scoreThreshold, d);
  }
  return d;
}

/**
 * Runs a clip through the real chain: ffmpeg frame reader (lossless, as fast as possible) → vision
 * pipeline (detect-fps throttle, motion gate, detector) → traffic analytics. `cameraYaml` is the camera's
 * YAML body (lines, zones, detect...) without id and url.
 */
export async function runClip(
  clip: string,
  cameraYaml: string,
  opts: {
    everyFrame?: boolean;
    /** Reduce the rate in ffmpeg (as `ioc-edge analyze` does) instead of the pipeline's detect-fps throttle. */
    decoderFps?: boolean;
    scoreThreshold?: number;
    /** Write evidence JPEGs here. */
    evidenceDir?: string;
    /** Stop after this much of the clip (seconds of stream time). */
    untilSeconds?: number;
    /** Leave out the clip's first frames (another phase of the detect-fps throttle's frame choice). */
    skipFrames?: number;
    analytics?: Partial<CameraAnalyticsOptions>;
    /** Every event as it happens, with the stage (its live tracks) at that moment. */
    onEvent?: (event: AnalyticsEventWithEvidence, stage: TrafficStage) => void;
    /** After each frame's result reached the stage (diagnostics), with the camera image size. */
    onFrame?: (result: DetectionResult, stage: TrafficStage, width: number, height: number) => void;
  } = {},
): Promise<ClipRun> {
  const url = pathToFileURL(isAbsolute(clip) ? clip : join(MEDIA, clip)).href;
  const cfg = testConfig(
    `cameras:\n  - id: clip\n    url: ${url}\n    loop: false\n    realtime: false\n${cameraYaml
      .split('\n')
      .map((l) => (l.trim() ? `    ${l}` : l))
      .join('\n')}\n`,
  );
  const camera: CameraConfig = cfg.cameras[0]!;
  const detector = await sharedDetector(opts.scoreThreshold);
  const events: AnalyticsEventWithEvidence[] = [];
  const stage: TrafficStage = new TrafficStage(
    camera,
    (e) => {
      events.push(e);
      opts.onEvent?.(e, stage);
    },
    {
      ...opts.analytics,
      evidenceDir: opts.evidenceDir,
    },
  );
  const pipeline = new CameraPipeline(camera, detector, stage, {
    everyFrame: opts.everyFrame || opts.decoderFps,
  });
  const [srcWidth, srcHeight] = probeVideoSize(fileURLToPath(url)) ?? [0, 0];
  const layout = detectLayout(camera, detector, srcWidth, srcHeight);
  const reader = new FrameReader({
    cameraId: camera.id,
    url,
    width: detector.inputWidth,
    height: detector.inputHeight,
    layout: layout.tiles,
    fps: opts.decoderFps && !opts.everyFrame ? camera.detect.fps : undefined,
    realtime: false,
    loop: false,
  });
  const t0 = performance.now();
  let ended = false;
  let wake: (() => void) | undefined;
  reader.pool.onFrame(() => wake?.());
  reader.on('exit', () => {
    ended = true;
    wake?.();
  });
  reader.start();
  let frames = 0;
  try {
    for (;;) {
      const f = reader.pool.take();
      if (!f) {
        if (ended) break;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 200);
        });
        wake = undefined;
        continue;
      }
      if (opts.untilSeconds !== undefined && f.ptsMs > opts.untilSeconds * 1000) {
        reader.pool.release(f);
        break;
      }
      frames++;
      if (frames <= (opts.skipFrames ?? 0)) {
        reader.pool.release(f);
        continue;
      }
      try {
        const result = await pipeline.process(f);
        if (result) opts.onFrame?.(result, stage, f.geometry.srcWidth, f.geometry.srcHeight);
      } finally {
        reader.pool.release(f);
      }
    }
  } finally {
    await reader.stop();
  }
  stage.finish(true);
  return {
    layout,
    stage,
    events,
    frames,
    inferred: pipeline.stats.inferred,
    regions: { on: pipeline.stats.regionsOn, off: pipeline.stats.regionsOff },
    wallMs: performance.now() - t0,
  };
}
