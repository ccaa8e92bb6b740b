import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/camera/frame.js';
import { type AnalyticsStage, CameraPipeline } from '../../src/pipeline/camera-pipeline.js';
import type { DetectionResult } from '../../src/vision/detection.js';
import { Detector } from '../../src/vision/detector.js';
import { decodeFrames } from '../support/clip-frames.js';
import { NL_CLIP, testConfig } from '../support/vision.js';

/** Records what reaches the analytics stage, in arrival order. */
function recorder(): AnalyticsStage & { seen: DetectionResult[] } {
  const seen: DetectionResult[] = [];
  return {
    seen,
    push: (r) => {
      seen.push(r);
    },
    activeTracks: () => 0,
  };
}

describe('CameraPipeline with overlapping frames', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.create(testConfig().detector);
  });
  afterAll(async () => {
    await detector?.close();
  });

  it('hands results to the analytics stage in frame order, even when a gated frame finishes first', async () => {
    const cfg = testConfig(`cameras:\n  - id: nl\n    url: file://${NL_CLIP}\n    detect: { fps: 25 }`);
    const { geometry, frames } = decodeFrames(NL_CLIP, 60, 1);
    const analytics = recorder();
    const pipeline = new CameraPipeline(cfg.cameras[0]!, detector, analytics, { everyFrame: true });
    // The same picture three times: the first is inferred (no motion reference yet), the next two show no
    // motion and are gated, so their results are ready long before the first one's inference is done.
    const batch: Frame[] = [0, 1, 2].map((seq) => ({
      cameraId: 'nl',
      seq,
      ptsMs: seq * 40,
      wallMs: 0,
      geometry,
      data: frames[0]!,
    }));
    const results = await Promise.all(batch.map((f) => pipeline.process(f)));
    expect(results.map((r) => r?.inferred)).toEqual([true, false, false]);
    expect(analytics.seen.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(analytics.seen[0]!.detections.length).toBeGreaterThan(0);
  });
});
