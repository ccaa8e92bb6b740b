import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import { contactSheet, renderEvidenceJpeg } from '../../src/analytics/evidence.js';
import { FrameStats } from '../../src/analytics/frame-stats.js';
import { TamperDetector } from '../../src/analytics/tamper.js';
import type { Frame } from '../../src/camera/frame.js';
import type { DetectionResult } from '../../src/vision/detection.js';
import { greyFrame, scene } from '../support/synthetic-frames.js';

/** Runs the tamper check over 10 fps frames: `frameAt(t)` gives the picture at t seconds. */
function runTamper(seconds: number, frameAt: (t: number) => Frame) {
  const det = new TamperDetector();
  const stats = new FrameStats();
  const changes: { t: number; change: string; kind?: string }[] = [];
  for (let i = 0; i < seconds * 10; i++) {
    const t = i / 10;
    stats.compute(frameAt(t));
    const c = det.step(stats, t * 1000);
    if (c) changes.push({ t, change: c, kind: det.active });
  }
  return changes;
}

describe('camera tamper', () => {
  const normal = greyFrame(scene(0));
  const moved = greyFrame(scene(40));
  const black = greyFrame(() => 3);
  const covered = greyFrame(() => 120);
  const blurred = greyFrame((x, y) => 100 + (x + y) * 0.2);

  it('stays quiet on a steady scene with noise', () => {
    let seed = 1;
    const noisy = (t: number) =>
      greyFrame((x, y) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return scene(0)(x, y) + ((seed % 21) - 10) + t * 0;
      });
    expect(runTamper(12, noisy)).toEqual([]);
  });

  it.each([
    ['black', black],
    ['covered', covered],
    ['blur', blurred],
    ['moved', moved],
  ] as const)('raises %s after the hold time and clears when the view is back', (kind, bad) => {
    const changes = runTamper(20, (t) => (t >= 6 && t < 12 ? bad : normal));
    expect(changes.map((c) => c.change)).toEqual(['start', 'end']);
    expect(changes[0]!.kind).toBe(kind);
    expect(changes[0]!.t).toBeGreaterThanOrEqual(9);
    expect(changes[0]!.t).toBeLessThan(9.5);
  });
});

describe('evidence pictures', () => {
  it('draws the incident frame with zone, boxes and caption into a JPEG', async () => {
    const a = new CameraAnalytics({
      id: 'cam',
      lines: [],
      zones: [
        {
          id: 'road',
          kind: 'carriageway',
          polygon: [
            [0, 0.3],
            [1, 0.3],
            [1, 1],
            [0, 1],
          ],
          stoppedAfter: 30_000,
          wrongWayFrames: 5,
        },
      ],
      calibration: undefined,
      countInterval: 60_000,
    });
    const frame = greyFrame(scene(0));
    let jpeg: Buffer | undefined;
    for (let i = 0; i < 20 && !jpeg; i++) {
      const r: DetectionResult = {
        cameraId: 'cam',
        seq: i,
        ptsMs: i * 100,
        wallMs: 1_700_000_000_000 + i * 100,
        inferred: true,
        detections: [
          { cls: 'person', score: 0.9, x1: 0.4 + i * 0.005, y1: 0.4, x2: 0.45 + i * 0.005, y2: 0.6 },
        ],
      };
      for (const e of a.process(r, frame)) {
        if (e.type === 'incident_start' && e.evidence) jpeg = await renderEvidenceJpeg(e.evidence);
      }
    }
    expect(jpeg).toBeDefined();
    const meta = await sharp(jpeg!).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBe(960);
    // The person's box is drawn in red somewhere around it.
    const { data, info } = await sharp(jpeg!).raw().toBuffer({ resolveWithObject: true });
    let red = 0;
    for (let i = 0; i < data.length; i += info.channels)
      if (data[i]! > 200 && data[i + 1]! < 80 && data[i + 2]! < 80) red++;
    expect(red).toBeGreaterThan(100);
    const sheet = await contactSheet([jpeg!, jpeg!, jpeg!], 2, 200);
    const sm = await sharp(sheet).metadata();
    expect(sm.width).toBe(2 * 200 + 3 * 4);
  });
});
