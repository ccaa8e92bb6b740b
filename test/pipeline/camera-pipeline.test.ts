import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/camera/frame.js';
import { readClipFrames } from '../../src/camera/read-clip-frames.js';
import { type AnalyticsStage, CameraPipeline, CONTRAST_HOLD_MS } from '../../src/pipeline/camera-pipeline.js';
import type { ContrastMode } from '../../src/vision/auto-levels.js';
import { detectLayout } from '../../src/vision/detect-layout.js';
import type { DetectionResult } from '../../src/vision/detection.js';
import { Detector } from '../../src/vision/detector.js';
import { REGION_WARM_UP_FRAMES } from '../../src/vision/region-gate.js';
import { decodeFrames, probeSize } from '../support/clip-frames.js';
import { filteredClip, LOW_SUN } from '../support/filtered-clip.js';
import { removeDir, tempDir } from '../support/process.js';
import { MEDIA, NL_CLIP, testConfig } from '../support/vision.js';

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

  it('in dense traffic a frame does not wait for the one before it: the region hold already covers it', async () => {
    const clip = join(MEDIA, 'jakarta_dense_traffic_motorcycles.mp4');
    const camera = testConfig(
      `cameras:\n  - id: jk\n    url: file://${clip}\n    detect: { fps: 25, motion: { enabled: false } }\n    lines: [{ id: l, points: [[0, 0.7], [1, 0.7]] }]`,
    ).cameras[0]!;
    const [w, h] = probeSize(clip);
    const layout = detectLayout(camera, detector, w, h);
    expect(layout.tiles.some((t) => t.gated)).toBe(true);
    const count = REGION_WARM_UP_FRAMES + 4;
    const frames: Frame[] = [];
    for await (const f of readClipFrames({
      cameraId: 'jk',
      url: `file://${clip}`,
      width: detector.inputWidth,
      height: detector.inputHeight,
      layout: layout.tiles,
    })) {
      frames.push({ ...f, data: Buffer.from(f.data) });
      if (frames.length === count) break;
    }
    const log: string[] = [];
    const seqOf = new Map<Uint8Array, number>(frames.map((f) => [f.data, f.seq]));
    const analytics: AnalyticsStage = {
      push: (r) => {
        log.push(`push ${r.seq}`);
      },
      activeTracks: () => 0,
    };
    const detect = detector.detect.bind(detector);
    detector.detect = (data, ...rest) => {
      log.push(`detect ${seqOf.get(data)}`);
      return detect(data, ...rest);
    };
    try {
      // gateLag 1: frame k's region decision goes by the hold after frame k - 1.
      const pipeline = new CameraPipeline(camera, detector, analytics, { everyFrame: true, gateLag: 1 });
      for (const f of frames.slice(0, count - 2)) await pipeline.process(f);
      expect(pipeline.stats.regionsOn).toBe(count - 2);
      log.length = 0;
      const [a, b] = frames.slice(count - 2);
      await Promise.all([pipeline.process(a!), pipeline.process(b!)]);
      // Motorcycles all over the picture hold the regions on for seconds: both are inferred at once.
      expect(log).toEqual([`detect ${a!.seq}`, `detect ${b!.seq}`, `push ${a!.seq}`, `push ${b!.seq}`]);
      expect(pipeline.stats.regionsOn).toBe(count);
    } finally {
      detector.detect = detect;
    }
  });
});

describe('CameraPipeline contrast reports', () => {
  let detector: Detector;
  const dir = tempDir('contrast');
  beforeAll(async () => {
    detector = await Detector.create(testConfig().detector);
  });
  afterAll(async () => {
    await detector?.close();
    removeDir(dir);
  });

  it('the detector sees each frame through the contrast mapping measured on it, however many are in flight', async () => {
    const cfg = testConfig(
      `cameras:\n  - id: nl\n    url: file://${NL_CLIP}\n    detect: { fps: 25, motion: { enabled: false } }`,
    );
    const sun = decodeFrames(filteredClip(dir, 'sun', NL_CLIP, LOW_SUN, ['-t', '1']), 0, 1);
    const haze = decodeFrames(
      filteredClip(dir, 'haze', NL_CLIP, 'eq=contrast=0.4:brightness=0.2', ['-t', '1']),
      0,
      1,
    );
    // Glare and haze in turn: the mapping moves on every frame.
    const batch: Frame[] = [0, 1, 2, 3, 4, 5, 6, 7].map((seq) => {
      const d = seq % 2 ? haze : sun;
      return { cameraId: 'nl', seq, ptsMs: seq * 40, wallMs: 0, geometry: d.geometry, data: d.frames[0]! };
    });
    const oneByOne = recorder();
    const inTurn = new CameraPipeline(cfg.cameras[0]!, detector, oneByOne, { everyFrame: true });
    for (const f of batch) await inTurn.process(f);
    // All at once: the later frames are measured while the first ones wait for the detector.
    const allAtOnce = recorder();
    const together = new CameraPipeline(cfg.cameras[0]!, detector, allAtOnce, { everyFrame: true });
    await Promise.all(batch.map((f) => together.process(f)));
    expect(together.stats.levelledRows + together.stats.levelledWhole).toBeGreaterThan(batch.length / 2);
    expect(allAtOnce.seen.map((r) => r.detections)).toEqual(oneByOne.seen.map((r) => r.detections));
  });

  it('tells when the picture turns hazy or glared and back, once each change has held', async () => {
    const cfg = testConfig(
      `cameras:\n  - id: nl\n    url: file://${NL_CLIP}\n    detect: { fps: 25, motion: { enabled: false } }`,
    );
    const told: [ContrastMode, number][] = [];
    let pts = 0;
    const pipeline = new CameraPipeline(cfg.cameras[0]!, detector, recorder(), {
      everyFrame: true,
      onContrast: (mode) => told.push([mode, pts]),
    });
    const clear = decodeFrames(NL_CLIP, 0, 1);
    const sun = decodeFrames(filteredClip(dir, 'sun', NL_CLIP, LOW_SUN, ['-t', '1']), 0, 1);
    const haze = decodeFrames(
      filteredClip(dir, 'haze', NL_CLIP, 'eq=contrast=0.4:brightness=0.2', ['-t', '1']),
      0,
      1,
    );
    // NL at 0.4 of its contrast spans about 90 of 255: haze. One frame a second of stream time: clear,
    // glare, two seconds of haze (shorter than the hold), glare, haze, clear.
    let seq = 0;
    const feed = async (d: typeof clear, seconds: number) => {
      for (let i = 0; i < seconds; i++, seq++) {
        pts = seq * 1000;
        await pipeline.process({
          cameraId: 'nl',
          seq,
          ptsMs: pts,
          wallMs: 0,
          geometry: d.geometry,
          data: d.frames[0]!,
        });
      }
    };
    await feed(clear, 8);
    expect(told).toEqual([]); // as is from the start: nothing to tell
    await feed(sun, 8);
    await feed(haze, 2); // shorter than the hold (the levels follow the light over a few frames)
    await feed(sun, 8);
    await feed(haze, 10);
    await feed(clear, 10);
    expect(told.map(([m]) => m)).toEqual(['glare', 'haze', 'as is']);
    // Each told after the change held CONTRAST_HOLD_MS, not at once.
    expect(told[0]![1]).toBeGreaterThanOrEqual(8000 + CONTRAST_HOLD_MS);
    expect(pipeline.stats.levelledRows).toBeGreaterThan(0);
    expect(pipeline.stats.levelledWhole).toBeGreaterThan(0);
  });
});
