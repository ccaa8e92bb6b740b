import { describe, expect, it } from 'vitest';
import type { LineSize } from '../../src/analytics/line-sizes.js';
import type { FrameGeometry } from '../../src/camera/frame.js';
import type { Detection } from '../../src/domain/traffic.js';
import { TrafficStage } from '../../src/pipeline/traffic-stage.js';
import { testConfig } from '../support/vision.js';

/** The whole 1024x576 picture at one model pixel per camera pixel. */
const GEOMETRY: FrameGeometry = {
  srcWidth: 1024,
  srcHeight: 576,
  width: 1024,
  height: 576,
  scale: 1,
  contentWidth: 1024,
  contentHeight: 576,
};

describe('TrafficStage: lines where motorcycles are too small', () => {
  it('reports each line once it has seen enough two-wheelers, and calls onSmallLine once per small line', () => {
    const cfg = testConfig(
      [
        'cameras:',
        '  - id: c',
        '    url: file:///nonexistent.mp4',
        '    lines:',
        '      - { id: high, points: [[0, 0.45], [1, 0.45]], directions: [down, up], anchor: bottom }',
        '      - { id: low, points: [[0, 0.9], [1, 0.9]], directions: [down, up], anchor: bottom }',
        '',
      ].join('\n'),
    );
    const small: LineSize[] = [];
    const stage = new TrafficStage(cfg.cameras[0]!, () => {}, { onSmallLine: (s) => small.push(s) });
    expect(stage.lineSizes()).toEqual([]);
    // Three motorcycles a frame at rows 0.6-0.95, 0.2 (y2 - 0.35) tall (perspective), 10 frames a second
    // for a minute, riding down the picture.
    for (let f = 0; f < 600; f++) {
      const detections: Detection[] = [];
      for (let k = 0; k < 3; k++) {
        const y2 = 0.6 + ((f * 0.013 + k * 0.11) % 0.35);
        const h = 0.2 * (y2 - 0.35);
        const x1 = 0.2 + 0.25 * k;
        detections.push({ cls: 'motorcycle', score: 0.6, x1, y1: y2 - h, x2: x1 + h / 2, y2 });
      }
      stage.push(
        {
          cameraId: 'c',
          seq: f,
          ptsMs: f * 100,
          wallMs: 1_700_000_000_000 + f * 100,
          inferred: true,
          detections,
        },
        GEOMETRY,
      );
      // Not before enough two-wheelers are seen: about 100 boxes, 34 frames.
      if (f === 20) expect(stage.lineSizes().map((s) => s.status)).toEqual(['unknown', 'unknown']);
    }
    const [high, low] = stage.lineSizes();
    // 0.2 x (0.45 - 0.35) = 2 % of 576 px = 12 px; 0.2 x (0.9 - 0.35) = 11 % = 63 px.
    expect(high).toMatchObject({ line: 'high', status: 'small' });
    expect(Math.abs(high!.modelPx! - 12)).toBeLessThanOrEqual(1);
    expect(low).toMatchObject({ line: 'low', status: 'ok' });
    expect(Math.abs(low!.modelPx! - 63)).toBeLessThanOrEqual(1);
    // Said once, though it stays small for the whole minute.
    expect(small).toEqual([high]);
  });
});
