import { describe, expect, it } from 'vitest';
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
  it('publishes each clock-aligned interval at the first frame past it: line counts with zeros, then occupancy', () => {
    const s = new RuleScene([zoneConfig('road', 'generic')]);
    const line = new LineCounter('cam', { ...LINE, classes: [...LINE.classes] });
    const rule = new CountIntervals([line], s.zones, 10_000);
    const counts = new ZoneCounts();
    s.add(1, 'car', [0.4, 0.4, 0.5, 0.5], { zones: ['road'] });
    // Stream time 3 s is wall clock T0 + 3 s: the interval runs from T0 (a multiple of 10 s) to T0 + 10 s.
    expect(s.run([rule, counts], 3000, 9900)).toEqual([]);
    line.observe(1, 'car', 1, 0.5, 0.4, 0.1, 0.1, 9600, 9600);
    line.observe(1, 'car', 1, 0.5, 0.4, 0.1, 0.1, 9700, 9700);
    line.observe(1, 'car', 1, 0.5, 0.6, 0.1, 0.1, 9800, 9800);
    line.observe(1, 'car', 1, 0.5, 0.62, 0.1, 0.1, 9900, 9900);
    const events = s.step([rule, counts], 10_000);
    expect(events.map((e) => e.type)).toEqual([
      'count_interval',
      'count_interval',
      'count_interval',
      'count_interval',
      'zone_occupancy',
    ]);
    expect(events.slice(0, 4)).toMatchObject(
      [
        ['down', 'car', 1],
        ['down', 'motorcycle', 0],
        ['up', 'car', 0],
        ['up', 'motorcycle', 0],
      ].map(([direction, cls, count]) => ({
        lineId: 'l',
        direction,
        cls,
        count,
        startMs: T0,
        endMs: T0 + 10_000,
      })),
    );
    expect(events[4]).toMatchObject({
      zoneId: 'road',
      startMs: T0,
      endMs: T0 + 10_000,
      max: { car: 1, bus: 0 },
    });
    expect(events[4]!.type === 'zone_occupancy' && events[4]!.mean.car).toBe(1);
    // The next interval starts from zero.
    expect(line.counts.every((c) => c === 0)).toBe(true);
    expect(s.zone('road').frames).toBe(1);
  });

  it('publishes nothing for intervals without frames (camera down), and closes the current one at the last frame on flush', () => {
    const s = new RuleScene([]);
    const line = new LineCounter('cam', { ...LINE, classes: ['car'] });
    const rule = new CountIntervals([line], s.zones, 10_000);
    s.step(rule, 1000);
    // Nothing for 35 s: one interval published (the one the frames were in), aligned to the clock.
    const late = s.step(rule, 36_000);
    expect(late.map((e) => e.type === 'count_interval' && [e.startMs - T0, e.endMs - T0])).toEqual([
      [0, 10_000],
      [0, 10_000],
    ]);
    s.step(rule, 37_000);
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
