import { describe, expect, it } from 'vitest';
import { DEFAULT_CONGESTION } from '../../../src/analytics/congestion.js';
import type { FrameRule } from '../../../src/analytics/frame-context.js';
import { CongestionLevels } from '../../../src/analytics/rules/congestion-levels.js';
import type { ZoneConfig } from '../../../src/config/schema.js';
import { RuleScene, zoneConfig } from '../../support/rule-scene.js';

/** Runs the rule every 500 ms over `seconds` with the zone's traffic (vehicles, km/h) from `traffic(s)`. */
function levels(
  zone: ZoneConfig,
  calibrated: boolean,
  traffic: (s: number) => [number, number],
  seconds: number,
) {
  const s = new RuleScene([zone]);
  const feed: FrameRule = {
    update: (_t, ctx) => {
      const [n, kmh] = traffic(ctx.pts / 1000);
      ctx.zones[0]!.vehiclesNow = n;
      ctx.zones[0]!.speedNow = kmh;
    },
  };
  return s.run([feed, new CongestionLevels(s.zones, calibrated)], 0, seconds * 1000, 500);
}

const HOLD_3S = { ...DEFAULT_CONGESTION, hold: 3000 };

describe('CongestionLevels', () => {
  it('changes level after it held for the zone hold time, alerting when it gets heavy or worse', () => {
    const zone = zoneConfig('road', 'generic', undefined, { capacity: 10, congestion: HOLD_3S });
    const occupied = (t: number): [number, number] => [t < 10 ? 9 : t < 20 ? 7 : 4, Number.NaN];
    const events = levels(zone, false, occupied, 30);
    expect(events).toMatchObject([
      { type: 'congestion', zoneId: 'road', level: 'jammed', previous: 'free', alert: true, occupancy: 0.9 },
      // Heavy, but better than before: no alert.
      { type: 'congestion', level: 'heavy', previous: 'jammed', alert: false, occupancy: 0.7 },
      { type: 'congestion', level: 'moderate', previous: 'heavy', alert: false, occupancy: 0.4 },
    ]);
    expect(events.map((e) => e.type === 'congestion' && e.timeMs % 100_000)).toEqual([3000, 13_000, 23_000]);
  });

  it('without a capacity judges by speed on calibrated cameras only; an empty road is free', () => {
    const zone = zoneConfig('road', 'generic', undefined, { congestion: HOLD_3S });
    // (No vehicles with a speed left over: nothing to judge, so free.)
    const slow = (t: number): [number, number] => (t < 10 ? [3, 5] : [0, 5]);
    expect(levels(zone, false, slow, 20)).toEqual([]);
    expect(levels(zone, true, slow, 20)).toMatchObject([
      { level: 'jammed', previous: 'free', alert: true, meanSpeedKmh: 5 },
      { level: 'free', previous: 'jammed', alert: false },
    ]);
  });
});
