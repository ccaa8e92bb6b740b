import { describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../../../src/analytics/crossing-classes.js';
import { LineCounter } from '../../../src/analytics/line-counter.js';
import { CountIntervals } from '../../../src/analytics/rules/count-intervals.js';
import { ZoneCounts } from '../../../src/analytics/rules/zone-counts.js';
import { RuleScene, T0, zoneConfig } from '../../support/rule-scene.js';

const LINE = {
  id: 'l',
  points: [
    [0, 0.5],
    [1, 0.5],
  ] as [number, number][],
  directions: ['down', 'up'] as [string, string],
  anchor: 'center' as const,
  classes: ['car', 'motorcycle'] as const,
};

describe('CountIntervals', () => {
  it('publishes each clock-aligned interval past its end: occupancy at once, line counts with zeros once settled', () => {
    const s = new RuleScene([zoneConfig('road', 'generic')]);
    const line = new LineCounter('cam', { ...LINE, classes: [...LINE.classes] });
    const rule = new CountIntervals([line], s.zones, 10_000);
    const counts = new ZoneCounts();
    s.add(1, 'car', [0.4, 0.4, 0.5, 0.5], { zones: ['road'] });
    // Stream time 3 s is wall clock T0 + 3 s: the interval runs from T0 (a multiple of 10 s) to T0 + 10 s.
    expect(s.run([rule, counts], 3000, 9900)).toEqual([]);
    for (const [pts, y] of [
      [9600, 0.4],
      [9700, 0.4],
      [9800, 0.6],
      [9900, 0.62],
    ] as const) {
      line.observe(1, 'car', 1, 0.5, y, 0.1, 0.1, T0 + pts, pts);
    }
    const events = s.step([rule, counts], 10_000);
    expect(events.map((e) => e.type)).toEqual(['zone_occupancy']);
    expect(events[0]).toMatchObject({
      zoneId: 'road',
      startMs: T0,
      endMs: T0 + 10_000,
      max: { car: 1, bus: 0 },
    });
    expect(events[0]!.type === 'zone_occupancy' && events[0]!.mean.car).toBe(1);
    expect(s.step([rule, counts], 10_900)).toEqual([]);
    const lines = s.step([rule, counts], 10_000 + SETTLE_MS);
    expect(lines).toMatchObject(
      [
        ['down', 'car', 1],
        ['down', 'motorcycle', 0],
        ['up', 'car', 0],
        ['up', 'motorcycle', 0],
      ].map(([direction, cls, count]) => ({
        type: 'count_interval',
        lineId: 'l',
        direction,
        cls,
        count,
        startMs: T0,
        endMs: T0 + 10_000,
      })),
    );
    // The next interval starts from zero.
    expect(line.counts.current.every((c) => c === 0)).toBe(true);
    expect(s.zone('road').frames).toBe(3);
  });

  it('counts a crossing confirmed after its interval ended into that interval, not the next', () => {
    const s = new RuleScene([]);
    const line = new LineCounter('cam', { ...LINE, classes: ['car'] });
    const rule = new CountIntervals([line], s.zones, 10_000);
    s.run(rule, 9000, 9900);
    // Across between 9.8 s and 9.9 s; counted once it holds the new side, on the first frame of the next interval.
    for (const [pts, y] of [
      [9700, 0.4],
      [9800, 0.45],
      [9900, 0.55],
    ] as const) {
      expect(line.observe(1, 'car', 1, 0.5, y, 0.1, 0.1, T0 + pts, pts)).toBeUndefined();
    }
    s.step(rule, 10_000);
    const crossing = line.observe(1, 'car', 1, 0.5, 0.6, 0.1, 0.1, T0 + 10_000, 10_000);
    expect(crossing).toMatchObject({ direction: 'down', timeMs: T0 + 9900 });
    const events = [...s.run(rule, 10_100, 11_000), ...s.run(rule, 11_100, 21_000)];
    expect(
      events.map((e) => e.type === 'count_interval' && e.direction === 'down' && [e.startMs - T0, e.count]),
    ).toEqual([[0, 1], false, [10_000, 0], false]);
  });

  it('publishes nothing for intervals without frames (camera down), and closes the current one at the last frame on flush', () => {
    const s = new RuleScene([]);
    const line = new LineCounter('cam', { ...LINE, classes: ['car'] });
    const rule = new CountIntervals([line], s.zones, 10_000);
    s.step(rule, 1000);
    // Nothing for 35 s: one interval published (the one the frames were in), aligned to the clock, once
    // settled.
    expect(s.step(rule, 36_000)).toEqual([]);
    const late = s.step(rule, 36_000 + SETTLE_MS);
    expect(late.map((e) => e.type === 'count_interval' && [e.startMs - T0, e.endMs - T0])).toEqual([
      [0, 10_000],
      [0, 10_000],
    ]);
    s.ctx.events.length = 0;
    rule.flush(s.ctx);
    expect(s.ctx.events.map((e) => e.type === 'count_interval' && [e.startMs - T0, e.endMs - T0])).toEqual([
      [30_000, 37_000],
      [30_000, 37_000],
    ]);
    s.ctx.events.length = 0;
    rule.flush(s.ctx);
    expect(s.ctx.events).toEqual([]);
  });

  it('makes intervals at least a second long', () => {
    expect(new CountIntervals([], [], 10).intervalMs).toBe(1000);
  });
});
