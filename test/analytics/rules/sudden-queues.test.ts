import { describe, expect, it } from 'vitest';
import type { FrameRule } from '../../../src/analytics/frame-context.js';
import { SuddenQueues } from '../../../src/analytics/rules/sudden-queues.js';
import type { ZoneConfig } from '../../../src/config/schema.js';
import { ended, RuleScene, started, zoneConfig } from '../../support/rule-scene.js';

const OPTS = { queueWindowS: 10, queueMinRise: 3, queueSpeedDrop: 0.5, movingNormSpeed: 0.3 };

/**
 * A zone whose traffic (vehicles, mean speed in box heights/s, as ZoneCounts would find it) follows
 * `traffic(t)` second by second; the rule runs every 200 ms. Returns the scene, the rule and the events.
 */
function queueScene(
  traffic: (s: number) => [number, number],
  seconds: number,
  zone: ZoneConfig = zoneConfig('road', 'carriageway'),
) {
  const s = new RuleScene([zone]);
  const rule = new SuddenQueues(s.zones, OPTS);
  const feed: FrameRule = {
    update: (_tracks, ctx) => {
      const [n, v] = traffic(Math.floor(ctx.pts / 1000));
      ctx.zones[0]!.vehiclesNow = n;
      ctx.zones[0]!.normSpeedNow = v;
    },
  };
  const events = s.run([feed, rule], 0, seconds * 1000, 200);
  return { s, rule, events };
}

describe('SuddenQueues', () => {
  it('raises when vehicles pile up and slow down against the quietest moment of the window, ends when they flow', () => {
    const { events } = queueScene((t) => (t < 12 ? [2, 1] : t < 20 ? [6, 0.2] : [6, 0.9]), 25);
    expect(started(events)).toMatchObject([
      {
        type: 'sudden_queue',
        severity: 'high',
        zoneId: 'road',
        startPtsMs: 12_000,
        detail: 'vehicles in road rose from 2 to 6 while speed fell by 80 %',
      },
    ]);
    expect(ended(events)).toMatchObject([{ type: 'sudden_queue', endPtsMs: 20_000 }]);
  });

  it('names the vehicles in the zone when it starts', () => {
    const s = new RuleScene([zoneConfig('road', 'carriageway')]);
    s.add(7, 'car', [0.1, 0.1, 0.2, 0.2], { zones: ['road'] });
    s.add(8, 'car', [0.3, 0.1, 0.4, 0.2]);
    s.add(9, 'bus', [0.5, 0.1, 0.7, 0.3], { zones: ['road'] });
    const rule = new SuddenQueues(s.zones, OPTS);
    const zone = s.zones[0]!;
    const feed: FrameRule = {
      update: (_t, ctx) => {
        [zone.vehiclesNow, zone.normSpeedNow] = ctx.pts < 12_000 ? [0, 0] : [5, 0.1];
      },
    };
    // An empty road counts as free-flowing.
    expect(started(s.run([feed, rule], 0, 13_000, 1000))).toMatchObject([{ trackIds: [7, 9] }]);
  });

  it('waits for a full window, and wants the rise, the drop and moving traffic before', () => {
    const jump = (t: number): [number, number] => (t < 12 ? [2, 1] : [8, 0.1]);
    const cases: [string, (t: number) => [number, number], number, ZoneConfig?][] = [
      // Fires at 10 s, once the window is full.
      ['window not full', (t) => (t < 6 ? [2, 1] : [8, 0.1]), 9.8],
      ['rise below queueMinRise', (t) => (t < 12 ? [2, 1] : [4, 0.1]), 20],
      [
        'rise below 30 % of the capacity',
        (t) => (t < 12 ? [2, 1] : [7, 0.1]),
        20,
        zoneConfig('road', 'carriageway', undefined, { capacity: 20 }),
      ],
      ['speed fell too little', (t) => (t < 12 ? [2, 1] : [8, 0.6]), 20],
      ['slow before already', (t) => (t < 12 ? [2, 0.2] : [8, 0.05]), 20],
      ['parking zone', jump, 20, zoneConfig('road', 'parking')],
    ];
    for (const [name, traffic, seconds, zone] of cases) {
      expect(started(queueScene(traffic, seconds, zone).events), name).toEqual([]);
    }
    // The same jump in a traffic zone does raise one.
    expect(started(queueScene(jump, 20).events)).toHaveLength(1);
  });
});
