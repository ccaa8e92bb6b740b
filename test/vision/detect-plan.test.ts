import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../src/config/schema.js';
import { detectLayout } from '../../src/vision/detect-layout.js';
import { BAND_HALF, type PlanInput, planDetection } from '../../src/vision/detect-plan.js';

const line = (id: string, a: [number, number], b: [number, number]) => ({ id, points: [a, b] });

/** A carriageway zone of the Jakarta picture's road (test/support/clip-cameras.ts, JAKARTA_ROAD). */
const road = {
  id: 'road',
  polygon: [
    [0.33, 0.45],
    [0.62, 0.45],
    [0.85, 1],
    [0.28, 1],
  ] as [number, number][],
};

function plan(extra: Partial<PlanInput>) {
  return planDetection({
    srcWidth: 1280,
    srcHeight: 720,
    lines: [],
    zones: [],
    baseWidth: 416,
    regionWidth: 960,
    budget: 4,
    ...extra,
  });
}

describe('automatic detection regions (planDetection)', () => {
  it('detects the whole picture alone when there is nothing to count or watch', () => {
    const p = plan({});
    expect(p.regions).toEqual([]);
    expect(p.whole).toEqual({ inputWidth: 416, inputHeight: 256, inferred: true });
    expect(p.cost).toBe(1);
  });

  it('puts a band around a level line, regionWidth model pixels across the picture', () => {
    const p = plan({ lines: [line('main', [0, 0.7], [1, 0.7])] });
    expect(p.regions).toHaveLength(1);
    const r = p.regions[0]!;
    expect(r.rect).toEqual([0, 0.7 - BAND_HALF, 1, 0.7 + BAND_HALF].map((v) => expect.closeTo(v, 6)));
    expect(r.serves).toEqual(['line main']);
    expect(r.inputWidth % 32).toBe(0);
    expect(r.inputHeight % 32).toBe(0);
    // 960x160 for a 1280x720 picture: the whole picture (1) + 1.44 of it for the region.
    expect(r.inputWidth).toBe(960);
    expect(p.scale).toBeCloseTo(960 / 1280, 1);
    expect(p.cost).toBeCloseTo(2.44, 2);
    expect(p.explain.join(' ')).toMatch(/regions at .* while small road users are around/);
  });

  it('follows a slanted line with a band as thick across it, anywhere in the frame', () => {
    const p = plan({ lines: [line('diag', [0.2, 0.3], [0.6, 0.5])] });
    const [x1, y1, x2, y2] = p.regions[0]!.rect;
    expect(x1).toBeLessThan(0.2);
    expect(x2).toBeGreaterThan(0.6);
    expect(y1).toBeLessThan(0.3 - BAND_HALF * 0.9);
    expect(y2).toBeGreaterThan(0.5 + BAND_HALF * 0.9);
    // A vertical line (traffic left to right) gets a band across x.
    const v = plan({ lines: [line('v', [0.5, 0.2], [0.5, 0.8])] }).regions[0]!.rect;
    // BAND_HALF of the height across the line, in pixels: 0.15 * 720 / 1280 of the width each side.
    expect(v[0]).toBeCloseTo(0.5 - (BAND_HALF * 720) / 1280, 3);
    expect(v[2]).toBeCloseTo(0.5 + (BAND_HALF * 720) / 1280, 3);
  });

  it('merges overlapping regions and keeps distant ones apart, all at one scale', () => {
    const near = plan({ lines: [line('a', [0, 0.6], [1, 0.6]), line('b', [0, 0.7], [1, 0.7])] });
    expect(near.regions).toHaveLength(1);
    expect(near.regions[0]!.serves).toEqual(['line a', 'line b']);
    const apart = plan({
      lines: [line('a', [0, 0.8], [0.3, 0.8])],
      zones: [
        {
          id: 'z',
          polygon: [
            [0.7, 0.1],
            [0.95, 0.1],
            [0.95, 0.3],
            [0.7, 0.3],
          ],
        },
      ],
    });
    expect(apart.regions).toHaveLength(2);
    const scales = apart.regions.map((r) => r.inputWidth / ((r.rect[2] - r.rect[0]) * 1280));
    expect(Math.abs(scales[0]! - scales[1]!)).toBeLessThan(0.15);
  });

  // Jakarta: one full-width line at 0.7 counts 20-21 motorcycles of 22; with the lines at 0.8 and 0.9 as
  // well, or with a carriageway zone, the merged region at the scale a budget of 2.5 allowed (0.74, 0.67)
  // counted 14-15 there.
  it('gives several lines and a zone the scale one line gets, the cost growing with what they cover, up to the budget', () => {
    const full = (id: string, y: number) => line(id, [0, y], [1, y]);
    const one = plan({ lines: [full('a', 0.7)] });
    const three = plan({ lines: [full('a', 0.7), full('b', 0.8), full('c', 0.9)] });
    const withZone = plan({ lines: [full('a', 0.7)], zones: [road] });
    for (const p of [three, withZone]) {
      expect(p.regions).toHaveLength(1);
      expect(p.scale).toBeCloseTo(one.scale, 1);
      expect(p.cost).toBeGreaterThan(one.cost + 0.5);
      expect(p.cost).toBeLessThanOrEqual(4);
    }
    // Three lines within a smaller budget: the same region at a lower scale.
    const capped = plan({ lines: [full('a', 0.7), full('b', 0.8), full('c', 0.9)], budget: 2.5 });
    expect(capped.regions[0]!.rect).toEqual(three.regions[0]!.rect);
    expect(capped.scale).toBeLessThan(0.85 * one.scale);
    expect(capped.cost).toBeLessThanOrEqual(2.5);
  });

  it('keeps a line at the scale it gets alone when a zone would spread the budget thinner', () => {
    const a = line('a', [0, 0.7], [1, 0.7]);
    for (const budget of [2.5, 3.2]) {
      const alone = plan({ lines: [a], budget });
      const withZone = plan({ lines: [a], zones: [road], budget });
      expect(withZone.regions[0]!.serves).toEqual(['line a']);
      expect(withZone.regions[0]!.rect).toEqual(alone.regions[0]!.rect);
      expect(withZone.scale).toBeCloseTo(alone.scale, 6);
      expect(withZone.cost).toBeLessThanOrEqual(budget);
      expect(withZone.explain[0]).toMatch(/with the zones the regions would get .* the lines alone/);
    }
    // Budget 2.5: nothing worth a region left for the zone, the whole picture serves it; budget 3.2: the
    // zone gets a region of its own at what is left.
    const tight = plan({ lines: [a], zones: [road], budget: 2.5 });
    expect(tight.regions).toHaveLength(1);
    expect(tight.explain[0]).toMatch(/the whole picture serves the zones$/);
    const roomy = plan({ lines: [a], zones: [road], budget: 3.2 });
    expect(roomy.regions.map((r) => r.serves)).toEqual([['line a'], ['zone road']]);
    const [lineRegion, zoneRegion] = roomy.regions;
    expect(zoneRegion!.inputWidth / ((zoneRegion!.rect[2] - zoneRegion!.rect[0]) * 1280)).toBeLessThan(
      lineRegion!.inputWidth / 1280,
    );
    expect(roomy.explain[0]).toMatch(/the zones get regions of their own at/);
    // Where the budget holds both at the lines' scale, one region serves them (as above).
    expect(plan({ lines: [a], zones: [road] }).regions).toHaveLength(1);
  });

  it('gives a line drawn where motorcycles are small more resolution with a larger regionWidth, within the budget', () => {
    const far = [line('far', [0, 0.55], [1, 0.55])];
    const dflt = plan({ lines: far });
    const finer = plan({ lines: far, regionWidth: 1280 });
    expect(finer.regions[0]!.inputWidth).toBe(1280);
    expect(finer.scale).toBeGreaterThan(1.3 * dflt.scale);
    const capped = plan({ lines: far, regionWidth: 1280, budget: 2.5 });
    expect(capped.cost).toBeLessThanOrEqual(2.5);
    expect(capped.scale).toBeLessThan(finer.scale);
  });

  it('falls back to the whole picture when the regions would cover most of the frame or gain too little', () => {
    const wholeZone = {
      id: 'all',
      polygon: [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ] as [number, number][],
    };
    const all = plan({ zones: [wholeZone] });
    expect(all.regions).toEqual([]);
    expect(all.explain[0]).toMatch(/cover 100 % of the frame/);
    // With a line as well, the line keeps its band; the whole picture serves the zone.
    const street = plan({ lines: [line('main', [0, 0.7], [1, 0.7])], zones: [wholeZone] });
    expect(street.regions.map((r) => r.serves)).toEqual([['line main']]);
    expect(street.scale).toBeCloseTo(plan({ lines: [line('main', [0, 0.7], [1, 0.7])] }).scale, 6);
    expect(street.explain[0]).toMatch(/would cover 100 % of the frame: the whole picture serves the zones/);
    expect(street.explain[1]).toMatch(/around the lines \(30 % of the frame\)/);
    const poor = plan({ lines: [line('main', [0, 0.5], [1, 0.5])], budget: 1.1 });
    expect(poor.regions).toEqual([]);
    expect(poor.explain[0]).toMatch(/not enough over the whole picture/);
  });

  it('never upscales much beyond twice the camera pixels (sides round to 32)', () => {
    const p = planDetection({
      srcWidth: 320,
      srcHeight: 180,
      lines: [line('m', [0.4, 0.5], [0.6, 0.5])],
      zones: [],
      baseWidth: 416,
      regionWidth: 3840,
      budget: 8,
    });
    expect(p.scale).toBeLessThanOrEqual(2.1);
  });
});

describe('a camera frame layout (detectLayout)', () => {
  const model = { inputWidth: 416, inputHeight: 416, fit: { enabled: true } };
  const camera = (yaml: object) => cameraSchema.parse({ id: 'c', url: 'rtsp://h/s', ...yaml });

  it('is the whole picture (inferred, never gated) then the regions (gated)', () => {
    const cam = camera({
      lines: [
        {
          id: 'l',
          points: [
            [0, 0.7],
            [1, 0.7],
          ],
        },
      ],
    });
    const l = detectLayout(cam, model, 1024, 576);
    expect(l.tiles[0]).toEqual({ rect: [0, 0, 1, 1], width: 416, height: 256, infer: true });
    expect(l.tiles.slice(1).every((t) => t.infer && t.gated)).toBe(true);
    // Before the picture size is known: planned for 16:9, the whole-picture slot square (any picture fits).
    expect(detectLayout(cam, model, 0, 0).tiles[0]!.height).toBe(416);
  });

  it('gives the whole picture alone its planned size once the picture is known (a portrait one too)', () => {
    // Lines from edge to edge every way: the regions would cover the whole frame.
    const cam = camera({ lines: [line('a', [0.2, 0], [0.2, 1]), line('b', [0.8, 0], [0.8, 1])] });
    const portrait = detectLayout(cam, model, 576, 1024);
    expect(portrait.plan!.regions).toEqual([]);
    // In a square slot the portrait picture would get 234x416, half the model pixels planned for it.
    expect(portrait.tiles).toEqual([{ rect: [0, 0, 1, 1], width: 416, height: 768, infer: true }]);
    expect(portrait.explain.join(' ')).toContain('416x768');
    const carriageway = camera({
      zones: [
        {
          id: 'z',
          kind: 'no_stopping',
          polygon: [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        },
      ],
    });
    expect(detectLayout(carriageway, model, 1024, 576).tiles).toEqual([
      { rect: [0, 0, 1, 1], width: 416, height: 256, infer: true },
    ]);
    expect(detectLayout(cam, model, 0, 0).tiles[0]!.height).toBe(416);
  });

  it('uses hand tiles as given (expert override), and the whole picture when the model takes one size only', () => {
    const hand = camera({
      lines: [
        {
          id: 'l',
          points: [
            [0, 0.7],
            [1, 0.7],
          ],
        },
      ],
      detect: { tiles: [[0, 0.5, 1, 1]] },
    });
    expect(detectLayout(hand, model, 1024, 576).tiles).toEqual([
      { rect: [0, 0.5, 1, 1], width: 416, height: 416, infer: true },
    ]);
    const fixed = detectLayout(
      camera({
        lines: [
          {
            id: 'l',
            points: [
              [0, 0.7],
              [1, 0.7],
            ],
          },
        ],
      }),
      {
        ...model,
        fit: { enabled: false, unavailable: 'it does not run at 416x192' },
      },
      1024,
      576,
    );
    expect(fixed.tiles).toHaveLength(1);
    expect(fixed.explain[0]).toMatch(
      /need a model that takes other input sizes \(it does not run at 416x192\)/,
    );
  });
});
