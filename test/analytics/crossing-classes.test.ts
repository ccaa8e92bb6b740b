import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import { RIDER_WAIT_MS, SETTLE_MS } from '../../src/analytics/crossing-classes.js';
import type { AnalyticsEvent } from '../../src/analytics/events.js';
import { CountIntervals } from '../../src/analytics/rules/count-intervals.js';
import { LineCrossings } from '../../src/analytics/rules/line-crossings.js';
import type { TrafficClass } from '../../src/domain/traffic.js';
import { MID_LINE } from '../support/mid-line.js';
import { RuleScene, type SceneTrack, T0 } from '../support/rule-scene.js';
import { simulate } from '../support/synthetic-traffic.js';

const LINE = MID_LINE;

function place(t: SceneTrack, cy: number): void {
  t.track.kf.init(0.5, cy, 0.1, 0.1);
  t.track.kf.s[3] = 0.2;
  t.info.cx = 0.5;
  t.info.cy = cy;
  t.info.by = cy + 0.05;
}

/**
 * A track of class `cls` going down across the line (counted at 300 ms, held from 400 ms), its class
 * turned to `later` at `changeAt` ms; every event up to `until` ms.
 */
function crossing(cls: TrafficClass, later: TrafficClass, changeAt: number, until: number, line = LINE) {
  const s = new RuleScene();
  const rule = new LineCrossings({ id: 'cam', lines: [line] });
  const v = s.add(1, cls, [0.45, 0.35, 0.55, 0.45]);
  const events = [];
  for (let pts = 0; pts <= until; pts += 100) {
    place(v, 0.4 + 0.0005 * pts);
    if (pts === changeAt) v.track.cls = later;
    events.push(...s.step(rule, pts));
  }
  return { s, rule, v, crossings: events.filter((e) => e.type === 'line_crossing') };
}

describe('crossing classes settle after the line', () => {
  it('reports a crossing with the class its track has SETTLE_MS later, and moves its count there', () => {
    const { rule, crossings } = crossing('bus', 'truck', 800, 400 + SETTLE_MS);
    expect(crossings).toMatchObject([{ cls: 'truck', direction: 'down', ptsMs: 300 }]);
    expect(rule.lines[0]!.total('down', 'truck')).toBe(1);
    expect(rule.lines[0]!.total('down', 'bus')).toBe(0);
    expect(rule.lines[0]!.counts.current.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('counts at the line and reports nothing before the class has settled', () => {
    const { rule, crossings } = crossing('bus', 'truck', 800, 300 + SETTLE_MS);
    expect(crossings).toEqual([]);
    expect(rule.lines[0]!.total('down', 'bus')).toBe(1);
  });

  it('keeps the class the track had when it settled, not what it turned into later', () => {
    const { crossings } = crossing('bus', 'truck', 500 + SETTLE_MS, 600 + SETTLE_MS);
    expect(crossings).toMatchObject([{ cls: 'bus' }]);
  });

  it('reports at once, with its last class, a crossing whose track ends', () => {
    const { s, rule, v, crossings } = crossing('car', 'truck', 600, 700);
    expect(crossings).toEqual([]);
    s.ctx.events.length = 0;
    rule.trackEnded(v.track, s.ctx);
    expect(s.ctx.events).toMatchObject([{ type: 'line_crossing', cls: 'truck', trackId: 1 }]);
  });

  it('never turns a crossing into a person, but a person into the two-wheeler it rides', () => {
    expect(crossing('motorcycle', 'person', 600, 1500).crossings).toMatchObject([{ cls: 'motorcycle' }]);
    expect(crossing('person', 'motorcycle', 600, 1500).crossings).toMatchObject([{ cls: 'motorcycle' }]);
  });

  it('takes a crossing back when the line does not count the class it settled on', () => {
    const { rule, crossings } = crossing('car', 'bus', 600, 1500, { ...LINE, classes: ['car', 'truck'] });
    expect(crossings).toEqual([]);
    expect(rule.lines[0]!.total('down', 'car')).toBe(0);
  });

  it('reports every crossing still settling before a count interval closes, in that interval', () => {
    // Interval 2 s; the car crosses y = 0.5 at 0.95 s, so its class settles just after the interval ends.
    const a = new CameraAnalytics({ id: 'cam', lines: [LINE], zones: [], countInterval: 2000 });
    const car = { name: 'c', cls: 'car' as const, x: 0.5, y: 0.405, w: 0.08, h: 0.06, vx: 0, vy: 0.1 };
    const events = [];
    for (const r of simulate([car], 10, 3.5).results) events.push(...a.process(r));
    const first = events.findIndex((e) => e.type === 'count_interval');
    const crossingAt = events.findIndex((e) => e.type === 'line_crossing');
    expect(crossingAt).toBeGreaterThanOrEqual(0);
    expect(crossingAt).toBeLessThan(first);
    const cars = events.filter(
      (e) => e.type === 'count_interval' && e.cls === 'car' && e.direction === 'down',
    );
    expect(cars.map((e) => (e.type === 'count_interval' ? e.count : -1))).toEqual([1]);
  });

  it('counts a crossing made just before a count interval ended in that interval, with the class it settled on', () => {
    // Intervals of 1 s from T0; the bus crosses at 0.3 s and turns out a truck at 1.2 s, after the end.
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const intervals = new CountIntervals(rule.lines, [], 1000, (ctx, before) => rule.settle(ctx, before));
    const v = s.add(1, 'bus', [0.45, 0.35, 0.55, 0.45]);
    const events: AnalyticsEvent[] = [];
    for (let pts = 0; pts <= 2500; pts += 100) {
      place(v, 0.4 + 0.0005 * Math.min(pts, 600));
      if (pts === 1200) v.track.cls = 'truck';
      events.push(...s.step([intervals, rule], pts));
    }
    const counted = (start: number) =>
      events.flatMap((e) =>
        e.type === 'count_interval' && e.startMs === T0 + start && e.direction === 'down' && e.count > 0
          ? [`${e.cls} ${e.count}`]
          : [],
      );
    expect(counted(0)).toEqual(['truck 1']);
    expect(counted(1000)).toEqual([]);
    expect(events.filter((e) => e.type === 'line_crossing')).toMatchObject([{ cls: 'truck', ptsMs: 300 }]);
  });

  /**
   * A track of class `cls` first seen just past the line at 1.3 s, moving away, until `until` ms; at each
   * time in `changes` its class turns to the one given there, or it is matched to a faint motorcycle box.
   */
  const born = (
    cls: TrafficClass,
    changes: [number, TrafficClass | 'faint motorcycle'][] = [],
    until = 3000,
  ) => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const watcher = s.add(9, 'car', [0.05, 0.05, 0.1, 0.1]);
    place(watcher, 0.07);
    s.run(rule, 0, 1200);
    const v = s.add(2, cls, [0.45, 0.55, 0.55, 0.6], { hits: 1 });
    place(v, 0.53);
    s.run(rule, 1300, 1300);
    v.track.hits = 5;
    const events = [];
    for (let pts = 1400; pts <= until; pts += 100) {
      const cy = 0.53 + 0.0002 * (pts - 1300);
      place(v, cy);
      for (const [at, to] of changes) {
        if (at !== pts) continue;
        if (to === 'faint motorcycle') v.track.observe('motorcycle', 0.45, 0.45, cy - 0.05, 0.55, cy + 0.05);
        else v.track.cls = to;
      }
      events.push(...s.step(rule, pts));
    }
    const down = (c: TrafficClass) => rule.lines[0]!.total('down', c);
    return {
      crossings: events.filter((e) => e.type === 'line_crossing'),
      person: down('person'),
      bike: down('motorcycle'),
    };
  };

  it('takes back a person first seen past the line who is still a person when the class settles', () => {
    expect(born('car').crossings).toMatchObject([{ cls: 'car', trackId: 2 }]);
    expect(born('person')).toEqual({ crossings: [], person: 0, bike: 0 });
    expect(born('person', [[1500, 'motorcycle']])).toMatchObject({
      crossings: [{ cls: 'motorcycle' }],
      person: 0,
      bike: 1,
    });
  });

  it('counts a person crossing as the two-wheeler its track was taken for while the class settled', () => {
    // A rider in dense traffic at 10 fps: a motorcycle while it moves at rider speed, a person again as it
    // slows down behind the vehicle in front, when the class settles.
    const flicker = born('person', [
      [1500, 'motorcycle'],
      [1900, 'person'],
    ]);
    expect(flicker).toMatchObject({ crossings: [{ cls: 'motorcycle' }], person: 0, bike: 1 });
  });

  it('waits for the bike of a person first seen past the line who was matched to a motorcycle box once', () => {
    // Two faint motorcycle boxes (0.9 of votes, RIDER_EVIDENCE 0.8) make it a rider 1.8 s after it
    // counted; one alone leaves it a person, taken back once RIDER_WAIT_MS have passed.
    const rider = born(
      'person',
      [
        [1500, 'faint motorcycle'],
        [3200, 'faint motorcycle'],
      ],
      4000,
    );
    expect(rider).toMatchObject({ crossings: [{ cls: 'motorcycle' }], person: 0, bike: 1 });
    const walker = born('person', [[1500, 'faint motorcycle']], 1400 + RIDER_WAIT_MS + 200);
    expect(walker).toEqual({ crossings: [], person: 0, bike: 0 });
  });

  it('counts a person seen walking to the line, not one seen only just before it who is still a person', () => {
    // Seen for 200 ms when it crossed (crossing() starts the track 0.1 above the line).
    const young = crossing('person', 'person', 600, 1500);
    expect(young.crossings).toEqual([]);
    expect(young.rule.lines[0]!.total('down', 'person')).toBe(0);
    expect(crossing('person', 'motorcycle', 600, 1500).crossings).toMatchObject([{ cls: 'motorcycle' }]);
    // Seen for 2 s before the line.
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const walker = s.add(3, 'person', [0.45, 0.25, 0.55, 0.35]);
    const events = [];
    for (let pts = 0; pts <= 2300 + SETTLE_MS; pts += 100) {
      place(walker, 0.3 + 0.0001 * pts);
      events.push(...s.step(rule, pts));
    }
    expect(events.filter((e) => e.type === 'line_crossing')).toMatchObject([{ cls: 'person', trackId: 3 }]);
    expect(rule.lines[0]!.total('down', 'person')).toBe(1);
  });
});
