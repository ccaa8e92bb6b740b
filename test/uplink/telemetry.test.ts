import { describe, expect, it } from 'vitest';
import type { AnalyticsEvent } from '../../src/analytics/events.js';
import { TelemetryAggregator } from '../../src/uplink/telemetry.js';
import { JAKARTA_LINE, JAKARTA_ROAD } from '../support/clip-cameras.js';
import { runClip } from '../support/run-clip.js';
import { assertValid } from '../support/uplink-schemas.js';

describe('telemetry summaries', () => {
  it('folds the counts, occupancy and congestion of a real clip and sensor readings into one valid message', async () => {
    // Dense Jakarta traffic: counts on the line, a carriageway zone with a capacity (occupancy, congestion).
    const run = await runClip(
      'jakarta_dense_traffic_motorcycles.mp4',
      `detect: { fps: 5 }\ncountInterval: 5s\n${JAKARTA_LINE}\n${JAKARTA_ROAD.replace('capacity: 25', 'capacity: 8')}`,
      { untilSeconds: 12 },
    );
    const t = new TelemetryAggregator({ id: 'edge-01', site: 'binh-duong' });
    let counts = 0;
    for (const e of run.events as AnalyticsEvent[]) {
      if (e.type === 'count_interval') {
        t.count(e);
        counts++;
      } else if (e.type === 'zone_occupancy') t.zoneOccupancy(e);
      else if (e.type === 'congestion') t.congestionChange(e);
    }
    const T0 = Date.parse('2026-03-01T07:00:00Z');
    for (let i = 0; i < 10; i++) {
      t.reading({
        type: 'reading',
        device: 'aq-01',
        deviceType: 'air_quality',
        metric: 'pm25',
        value: 30 + i,
        unit: 'µg/m³',
        timeMs: T0 + i * 1000,
      });
    }
    t.reading({
      type: 'reading',
      device: 'aq-01',
      deviceType: 'air_quality',
      metric: 'pm10',
      value: 80,
      timeMs: T0,
    });
    const msg = t.take(T0 + 60_000)!;
    assertValid('telemetry', msg);
    expect(msg.counts).toHaveLength(counts);
    expect(msg.counts.reduce((n, c) => n + c.count, 0)).toBeGreaterThan(0);
    expect(msg.occupancy.length).toBeGreaterThan(0);
    expect(msg.congestion.length).toBeGreaterThan(0);
    expect(msg.sensors).toEqual([
      {
        device: 'aq-01',
        type: 'air_quality',
        metric: 'pm25',
        unit: 'µg/m³',
        n: 10,
        min: 30,
        max: 39,
        mean: 34.5,
        last: 39,
        lastAt: '2026-03-01T07:00:09.000Z',
      },
      {
        device: 'aq-01',
        type: 'air_quality',
        metric: 'pm10',
        n: 1,
        min: 80,
        max: 80,
        mean: 80,
        last: 80,
        lastAt: '2026-03-01T07:00:00.000Z',
      },
    ]);
    // Emptied: nothing new, no message.
    expect(t.take()).toBeUndefined();
    t.reading({
      type: 'reading',
      device: 'aq-01',
      deviceType: 'air_quality',
      metric: 'pm25',
      value: 12,
      timeMs: T0 + 70_000,
    });
    expect(t.take()!.sensors).toEqual([
      expect.objectContaining({ metric: 'pm25', n: 1, min: 12, max: 12, mean: 12 }),
    ]);
  });
});
