import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FramePool } from '../../src/camera/frame-pool.js';
import { createLogger } from '../../src/log/logger.js';
import type { AnalyticsStage } from '../../src/vision/analytics-stage.js';
import type { DetectionResult } from '../../src/vision/detection.js';
import { VisionService } from '../../src/vision/vision-service.js';
import { decodeFrames } from '../support/clip-frames.js';
import { NL_CLIP, testConfig } from '../support/vision.js';

describe('VisionService', () => {
  it('detects on attached cameras, reports health and metrics, stops cleanly', async () => {
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
      counts: () => ({}),
      incidents: () => [],
    });
    const service = new VisionService(cfg.detector, log, (cam) => stage(cam.id), registry);
    await service.start();
    try {
      const { geometry, frames } = decodeFrames(NL_CLIP, 250, 1);
      const pools = cfg.cameras.map((cam) => {
        const pool = new FramePool(cam.id, 416, 416);
        service.attach(cam, pool);
        return pool;
      });
      const bothDone = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no results within 30 s')), 30_000);
        arrived = () => {
          if (results.size === 2) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      for (const pool of pools) {
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
      }
      const health = service.health() as {
        inference: { runs: number };
        cameras: Record<string, { inferred: number }>;
      };
      expect(health.inference.runs).toBe(2);
      expect(health.cameras.a!.inferred).toBe(1);
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/ioc_vision_inference_runs 2/);
      expect(metrics).toMatch(/ioc_vision_frames\{camera="b",outcome="inferred"\} 1/);
      expect(lines.join('')).toMatch(/detector ready/);
    } finally {
      await service.stop();
    }
    expect(service.detector).toBeUndefined();
  });
});
