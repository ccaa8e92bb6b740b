import { describe, expect, it } from 'vitest';
import type { LineSize } from '../../src/analytics/line-sizes.js';
import { cameraSchema } from '../../src/config/schema.js';
import { neededRegionWidth, RegionSizer, regionsWouldChange } from '../../src/pipeline/region-sizing.js';

const size = (line: string, modelPx: number, more: Partial<LineSize> = {}): LineSize => ({
  line,
  heightPct: 5,
  modelPx,
  status: modelPx < 36 ? 'small' : 'ok',
  from: 'two-wheelers',
  ...(modelPx < 36 ? { regionWidth: Math.ceil((960 * 42) / modelPx / 64) * 64, budget: 5 } : {}),
  ...more,
});

const camera = (detect: Record<string, unknown> = {}) =>
  ({ detect: { fps: 10, ...detect }, lines: [{ id: 'a' }] }) as unknown as ConstructorParameters<
    typeof RegionSizer
  >[0];

describe('neededRegionWidth', () => {
  const px = (sizes: LineSize[]) => sizes.map((s) => s.modelPx);

  it('is the largest width a line whose motorcycles measure under 33.5 model px asks for', () => {
    const sizes = [size('a', 29), size('b', 24), size('c', 50)];
    expect(neededRegionWidth(sizes, px(sizes), 960)).toBe(1728);
    expect(neededRegionWidth([size('a', 33)], [33], 960)).toBe(1280);
    // The measure it is judged by is the caller's (the mean of its last looks), not the latest.
    expect(neededRegionWidth([size('a', 33)], [34], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 33)], [null], 960)).toBeUndefined();
  });

  it('leaves lines alone that are near enough, too far to help, not in a region, or already served', () => {
    // 35 px: warned about (under 36) but not re-sized: sizing up a line at 36-38 px lost motorcycles.
    expect(neededRegionWidth([size('a', 35)], [35], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 10, { regionWidth: null })], [10], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 29, { regionWidth: undefined })], [29], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 29)], [29], 1408)).toBeUndefined();
    expect(neededRegionWidth([size('a', 5, { regionWidth: 8064 })], [5], 960)).toBe(3840);
  });
});

describe('RegionSizer', () => {
  it('decides once, on the mean of five looks a second apart from 3 s after the first frame', () => {
    const sizer = new RegionSizer(camera());
    const looks = [40, 30, 31, 33, 32, 31, 30, 30];
    let at = 0;
    const sizes = () => [size('a', looks[at]!)];
    expect(sizer.check(10_000, sizes)).toBeUndefined();
    // 3 s on, a look a second: 40, 30, 31, 33, 32 (mean 33.2).
    let r: ReturnType<RegionSizer['check']>;
    for (at = 0; at < looks.length && !r; at++) r = sizer.check(13_000 + at * 1000, sizes);
    expect(at).toBe(5);
    expect(r).toMatchObject({ afterMs: 7000, lines: [{ line: 'a', modelPx: 33 }] });
    expect(r!.regionWidth).toBe(size('a', 32).regionWidth);
    expect(sizer.active).toBe(false);
    expect(sizer.check(30_000, () => [size('a', 20)])).toBeUndefined();
  });

  it('does not act on a dip: one look under the threshold among larger ones', () => {
    const sizer = new RegionSizer(camera());
    const looks = [36, 33, 34, 35, 36, 37, 33, 36, 38, 36];
    looks.forEach((px, i) => {
      // Making up its mind on the line until five looks are in: the first call starts the clock, the looks
      // come from 3 s after it, a second apart (calls 3-7).
      expect(sizer.deciding(0)).toBe(i < 8);
      expect(sizer.check(3000 + i * 1000, () => [size('a', px)])).toBeUndefined();
    });
    expect(sizer.active).toBe(true);
    // Measured, and not small enough to grow for: the console's warning stands, whatever one look says.
    expect(sizer.deciding(0)).toBe(false);
  });

  it("takes the cars' estimate as a floor for the two-wheelers' own fit", () => {
    const sizer = new RegionSizer(camera());
    // The fit reads 30-32 early on, the cars' widths 37: not small.
    for (let i = 0; i < 12; i++) {
      const fit = [size('a', 30 + (i % 3))];
      const cars = [size('a', 37, { from: 'cars' })];
      expect(
        sizer.check(
          i * 1000,
          () => fit,
          () => cars,
        ),
      ).toBeUndefined();
    }
    // Where the cars say nothing (no car seen at the line's row), the fit alone.
    const alone = new RegionSizer(camera());
    const none: LineSize = { line: 'a', heightPct: null, modelPx: null, status: 'unknown' };
    let r: ReturnType<RegionSizer['check']>;
    for (let i = 0; i < 8 && !r; i++)
      r = alone.check(
        i * 1000,
        () => [size('a', 30)],
        () => [none],
      );
    expect(r).toMatchObject({ lines: [{ modelPx: 30 }] });
  });

  it('waits for lines not yet known', () => {
    const sizer = new RegionSizer(camera());
    const unknown: LineSize = { line: 'a', heightPct: null, modelPx: null, status: 'unknown' };
    for (let i = 0; i < 4; i++) sizer.check(3000 + i * 1000, () => [unknown]);
    for (let i = 4; i < 8; i++) expect(sizer.check(3000 + i * 1000, () => [size('a', 28)])).toBeUndefined();
    expect(sizer.check(11_000, () => [size('a', 28)])).toMatchObject({ lines: [{ modelPx: 28 }] });
  });

  it('looks at most once a second, and stops looking after decideWithinMs', () => {
    const sizer = new RegionSizer(camera(), 5000);
    let calls = 0;
    const ok = () => {
      calls++;
      return [size('a', 40)];
    };
    for (let t = 0; t <= 5000; t += 100) sizer.check(t, ok);
    expect(calls).toBe(3); // at 3, 4 and 5 s
    expect(sizer.active).toBe(true);
    expect(sizer.check(6000, () => [size('a', 20)])).toBeUndefined();
    expect(sizer.active).toBe(false);
  });

  it('is off when the regions are set by hand, or there is no line', () => {
    expect(new RegionSizer(camera({ regionWidth: 1280 })).active).toBe(false);
    expect(new RegionSizer(camera({ tiles: [[0, 0, 1, 1]] })).active).toBe(false);
    expect(new RegionSizer({ ...camera(), lines: [] }).active).toBe(false);
  });
});

describe('regionsWouldChange', () => {
  const model = { inputWidth: 416, inputHeight: 416, fit: { enabled: true } };
  const line = (id: string, y: number) => ({
    id,
    points: [
      [0, y],
      [1, y],
    ],
    directions: ['down', 'up'],
  });

  it('is true when larger regions fit in the budget, false when the budget holds them where they are', () => {
    const one = cameraSchema.parse({ id: 'c', url: 'rtsp://h/s', lines: [line('a', 0.7)] });
    expect(regionsWouldChange(one, model, 1280, 720, 1280)).toBe(true);
    // Nine lines over the lower two thirds of the picture: the regions take the whole budget at 960.
    const nine = cameraSchema.parse({
      id: 'c',
      url: 'rtsp://h/s',
      lines: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9].map((y, i) => line(`l${i}`, y)),
    });
    expect(regionsWouldChange(nine, model, 1280, 720, 1664)).toBe(false);
    // A larger budget lets them grow.
    const roomy = { ...nine, detect: { ...nine.detect, budget: 8 } };
    expect(regionsWouldChange(roomy, model, 1280, 720, 1664)).toBe(true);
  });
});
