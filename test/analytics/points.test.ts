import { describe, expect, it } from 'vitest';
import { eventToPoints } from '../../src/analytics/points.js';

describe('eventToPoints', () => {
  it('turns count intervals into integer traffic_count points tagged by camera, line, direction, class', () => {
    const [p] = eventToPoints({
      type: 'count_interval',
      cameraId: 'cam',
      lineId: 'main',
      direction: 'down',
      cls: 'motorcycle',
      count: 7,
      startMs: 60_000,
      endMs: 120_000,
    });
    expect(p).toEqual({
      measurement: 'traffic_count',
      tags: { camera: 'cam', line: 'main', direction: 'down', class: 'motorcycle' },
      fields: { count: 7n, interval_s: 60 },
      time: 60_000,
    });
  });

  it('gives congestion levels as integers 0-3 with the name', () => {
    const [p] = eventToPoints({
      type: 'congestion',
      cameraId: 'cam',
      zoneId: 'road',
      level: 'heavy',
      previous: 'moderate',
      timeMs: 5,
      occupancy: 0.7,
      alert: true,
    });
    expect(p!.fields).toMatchObject({ level: 2n, level_name: 'heavy', occupancy: 0.7 });
  });

  it('emits no point for single crossings (they are events)', () => {
    expect(
      eventToPoints({
        type: 'line_crossing',
        cameraId: 'c',
        lineId: 'l',
        direction: 'in',
        cls: 'car',
        trackId: 1,
        timeMs: 0,
        ptsMs: 0,
      }),
    ).toEqual([]);
  });
});
