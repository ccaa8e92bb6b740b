import { describe, expect, it } from 'vitest';
import type { LineSize } from '../../src/analytics/line-sizes.js';
import type { FrameGeometry } from '../../src/camera/frame.js';
import type { Detection } from '../../src/domain/traffic.js';
import type { RegionResize } from '../../src/pipeline/region-sizing.js';
import { TrafficStage } from '../../src/pipeline/traffic-stage.js';
import { geometryTile, wholeGeometry } from '../support/frame-geometry.js';
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

/** Three motorcycles at rows 0.6-0.95, 0.2 x (y2 - 0.35) tall (perspective), riding down the picture. */
function motorcycles(f: number): Detection[] {
  const detections: Detection[] = [];
  for (let k = 0; k < 3; k++) {
    const y2 = 0.6 + ((f * 0.013 + k * 0.11) % 0.35);
    const h = 0.2 * (y2 - 0.35);
    const x1 = 0.2 + 0.25 * k;
    detections.push({ cls: 'motorcycle', score: 0.6, x1, y1: y2 - h, x2: x1 + h / 2, y2 });
  }
  return detections;
}

const frame = (f: number) => ({
  cameraId: 'c',
  seq: f,
  ptsMs: f * 100,
  wallMs: 1_700_000_000_000 + f * 100,
  inferred: true,
  detections: motorcycles(f),
});

/** A camera with one full-width line at 0.6 (bottom anchor). */
const midLineConfig = () =>
  testConfig(
    [
      'cameras:',
      '  - id: c',
      '    url: file:///nonexistent.mp4',
      '    lines: [{ id: mid, points: [[0, 0.6], [1, 0.6]], directions: [down, up], anchor: bottom }]',
      '',
    ].join('\n'),
  );

/**
 * The whole picture at 0.40625 (416x234) and an automatic band over the line at 0.6 at 0.9375 (960x160):
 * motorcycles at 0.6 are 0.05 x 576 = 29 camera px, 27 model px in the band.
 */
const BAND_GEOMETRY: FrameGeometry = {
  ...wholeGeometry(1024, 576, 0.40625),
  width: 960,
  height: 256 + 160,
  tiles: [
    { ...geometryTile(0, 0, 1024, 576, 0.40625), tileHeight: 256, gated: false },
    { ...geometryTile(0, 260, 1024, 170, 0.9375), tileHeight: 160 },
  ],
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
    // Three motorcycles a frame, 10 frames a second for a minute.
    for (let f = 0; f < 600; f++) {
      stage.push(frame(f), GEOMETRY);
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

  it('says a small line is being sized while its automatic regions may grow for it, and warns only after', () => {
    const cfg = midLineConfig();
    const geometry = BAND_GEOMETRY;
    const resizes: RegionResize[] = [];
    const small: LineSize[] = [];
    const stage = new TrafficStage(cfg.cameras[0]!, () => {}, {
      onResize: (r) => resizes.push(r),
      onSmallLine: (s) => small.push(s),
    });
    // The regions as the camera comes back with them (re-sized within the budget): 1.1 model px per camera
    // px at the line, 32 px, still small.
    const grown: FrameGeometry = {
      ...geometry,
      tiles: [geometry.tiles![0]!, { ...geometryTile(0, 260, 1024, 170, 1.1), tileHeight: 192 }],
    };
    let sizing = 0;
    let resizedAt = -1;
    for (let f = 0; f < 600; f++) {
      // Frames keep coming at the old regions for a while after the re-size (the camera reconnecting).
      const g = resizedAt >= 0 && f > resizedAt + 20 ? grown : geometry;
      stage.push(frame(f), g);
      if (resizedAt < 0 && resizes.length > 0) resizedAt = f;
      const [s] = stage.lineSizes();
      if (s?.sizing) sizing++;
      if (g === geometry) expect(small).toEqual([]);
      else expect(s?.sizing).toBeUndefined();
    }
    // Known (and small) from about 3.4 s: looks at 4-8 s, re-sized on their mean at 8 s.
    expect(resizes).toHaveLength(1);
    expect(resizes[0]!.afterMs).toBe(8000);
    // Sizing from when the line was known to the first frame at the new regions.
    expect(sizing).toBeGreaterThan(40);
    // Still small at the new regions: now it is a warning, with the size there.
    expect(small).toMatchObject([{ line: 'mid', status: 'small' }]);
    expect(small[0]!.sizing).toBeUndefined();
    expect(Math.abs(small[0]!.modelPx! - 32)).toBeLessThanOrEqual(1);

    // Regions that could not grow (the camera keeps its layout, frames come at the old regions): the
    // warning comes once the new regions have been awaited 10 s.
    const held: LineSize[] = [];
    const stuck = new TrafficStage(cfg.cameras[0]!, () => {}, {
      onResize: () => {},
      onSmallLine: (s) => held.push(s),
    });
    for (let f = 0; f < 170; f++) stuck.push(frame(f), geometry);
    expect(stuck.lineSizes()[0]!.sizing).toBe(true);
    expect(held).toEqual([]);
    for (let f = 170; f < 400; f++) stuck.push(frame(f), geometry);
    expect(stuck.lineSizes()[0]!.sizing).toBeUndefined();
    expect(held).toMatchObject([{ line: 'mid', status: 'small' }]);
  });

  it('does not re-size when the budget holds the regions where they are, and warns at once', () => {
    const cfg = midLineConfig();
    const geometry = BAND_GEOMETRY;
    const asked: number[] = [];
    const resizes: RegionResize[] = [];
    const small: { f: number; size: LineSize }[] = [];
    let done = 0;
    let f = 0;
    const stage = new TrafficStage(cfg.cameras[0]!, () => {}, {
      regionsWouldChange: (width, g) => {
        asked.push(width);
        expect(g).toBe(geometry);
        return false;
      },
      onResize: (r) => resizes.push(r),
      onSizingDone: () => done++,
      onSmallLine: (size) => small.push({ f, size }),
    });
    for (; f < 300; f++) stage.push(frame(f), geometry);
    // Asked once, at the decision (8 s), and nothing re-sized: sizing is over.
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeGreaterThan(960);
    expect(resizes).toEqual([]);
    expect(done).toBe(1);
    expect(stage.lineSizes()[0]!.sizing).toBeUndefined();
    // The warning at the first size check after the decision (every 10 s of wall time: frame 100), not
    // after new regions have been awaited 10 s.
    expect(small).toHaveLength(1);
    expect(small[0]!.size).toMatchObject({ line: 'mid', status: 'small' });
    expect(small[0]!.f).toBe(100);
  });
});
