import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FramePool } from '../../src/camera/frame-pool.js';
import { createLogger } from '../../src/log/logger.js';
import type { AnalyticsStage } from '../../src/pipeline/camera-pipeline.js';
import { TrafficPipeline } from '../../src/pipeline/traffic-pipeline.js';
import type { DetectionResult } from '../../src/vision/detection.js';
import { DetectorService } from '../../src/vision/detector-service.js';
import { decodeFrames } from '../support/clip-frames.js';
import { NL_CLIP, testConfig } from '../support/vision.js';

describe('DetectorService + TrafficPipeline', () => {
  it('detects on every camera, reports health and metrics, stops cleanly', async () => {
    const cfg = testConfig(
      `cameras:\n  - id: a\n    url: file://${NL_CLIP}\n  - id: b\n    url: file://${NL_CLIP}\n`,
    );
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    });
    const registry = new Registry();
    const results = new Map<string, DetectionResult[]>();
    let arrived: () => void = () => {};
    const stage = (id: string): AnalyticsStage => ({
      push: (r) => {
        results.set(id, [...(results.get(id) ?? []), r]);
        arrived();
      },
      activeTracks: () => 0,
    });
    const detector = new DetectorService(cfg.detector, log, registry);
    await detector.start();
    const pools = new Map(cfg.cameras.map((cam) => [cam.id, new FramePool(cam.id, 416, 416)]));
    const detects = new Map<string, number>();
    const traffic = new TrafficPipeline({
      cameras: cfg.cameras,
      sources: {
        get: (id) => {
          const pool = pools.get(id);
          return pool && { mailbox: pool, recordDetect: () => detects.set(id, (detects.get(id) ?? 0) + 1) };
        },
      },
      detector: detector.detector,
      emit: () => {},
      dataDir: '/nonexistent',
      log,
      metrics: registry,
      stageFor: (cam) => stage(cam.id),
    });
    try {
      await traffic.start();
      const { geometry, frames } = decodeFrames(NL_CLIP, 250, 1);
      const bothDone = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no results within 30 s')), 30_000);
        arrived = () => {
          if (results.size === 2) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      for (const pool of pools.values()) {
        const f = pool.acquire()!;
        frames[0]!.copy(f.data);
        f.geometry = geometry;
        f.ptsMs = 0;
        pool.publish(f);
      }
      await bothDone;
      for (const id of ['a', 'b']) {
        const [r] = results.get(id)!;
        expect(r!.cameraId).toBe(id);
        expect(r!.inferred).toBe(true);
        expect(r!.detections.filter((d) => d.cls === 'car').length).toBeGreaterThanOrEqual(3);
        expect(detects.get(id)).toBe(1);
      }
      expect(detector.health().inference!.runs).toBe(2);
      expect((traffic.health() as Record<string, { inferred: number }>).a!.inferred).toBe(1);
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/ioc_vision_inference_runs 2/);
      expect(metrics).toMatch(/ioc_vision_frames\{camera="b",outcome="inferred"\} 1/);
      // A clear frame: seen as it is.
      expect(metrics).toMatch(/ioc_vision_levelled_frames\{camera="b",mapping="rows"\} 0/);
      expect(lines.join('')).toMatch(/detector ready/);
    } finally {
      await traffic.stop();
      await detector.stop();
    }
    expect(detector.health()).toEqual({ ready: false });
    expect(() => detector.detector).toThrow(/not started/);
  });
});
