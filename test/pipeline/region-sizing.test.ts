import { describe, expect, it } from 'vitest';
import type { LineSize } from '../../src/analytics/line-sizes.js';
import { neededRegionWidth, RegionSizer } from '../../src/pipeline/region-sizing.js';

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
  it('is the largest width a line whose motorcycles measure under 34 model px asks for', () => {
    expect(neededRegionWidth([size('a', 29), size('b', 24), size('c', 50)], 960)).toBe(1728);
    expect(neededRegionWidth([size('a', 33)], 960)).toBe(1280);
  });

  it('leaves lines alone that are near enough, estimated from the cars, too far to help, or not in a region', () => {
    // 35 px: warned about (under 36) but not re-sized: sizing up a line at 38 px lost motorcycles.
    expect(neededRegionWidth([size('a', 35)], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 29, { from: 'cars' })], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 10, { regionWidth: null })], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 29, { regionWidth: undefined })], 960)).toBeUndefined();
    expect(neededRegionWidth([size('a', 29)], 1408)).toBeUndefined();
    expect(neededRegionWidth([size('a', 5, { regionWidth: 8064 })], 960)).toBe(3840);
  });
});

describe('RegionSizer', () => {
  it('decides once, no earlier than 3 s after the first frame, and only when a line needs it', () => {
    const sizer = new RegionSizer(camera());
    let sizes = [size('a', 40)];
    expect(sizer.check(10_000, () => sizes)).toBeUndefined();
    sizes = [size('a', 28)];
    expect(sizer.check(12_900, () => sizes)).toBeUndefined();
    const r = sizer.check(13_000, () => sizes);
    expect(r).toMatchObject({ regionWidth: 1472, afterMs: 3000, lines: [{ line: 'a', modelPx: 28 }] });
    expect(sizer.active).toBe(false);
    expect(sizer.check(20_000, () => sizes)).toBeUndefined();
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
