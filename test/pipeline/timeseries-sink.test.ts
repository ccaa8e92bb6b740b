import { describe, expect, it } from 'vitest';
import { eventToPoints } from '../../src/pipeline/timeseries-sink.js';

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
      fields: { count: 7n, interval_s: 60n },
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
    expect(p!.fields).toMatchObject({ level: 2n, state: 'heavy', occupancy: 0.7 });
  });

  it('marks incidents active at start and gives the duration at the end', () => {
    const incident = {
      id: 'i1',
      type: 'wrong_way' as const,
      cameraId: 'cam',
      zoneId: 'road',
      cls: 'motorcycle' as const,
      severity: 'high' as const,
      startMs: 1000,
      startPtsMs: 0,
      trackIds: [3, 4],
      detail: '',
    };
    const [start] = eventToPoints({ type: 'incident_start', incident });
    const [end] = eventToPoints({ type: 'incident_end', incident: { ...incident, endMs: 4500 } });
    expect(start).toMatchObject({
      measurement: 'incident',
      fields: { active: true, tracks: 2n },
      time: 1000,
    });
    expect(end).toMatchObject({ fields: { active: false, duration_s: 3.5 }, time: 4500 });
    expect(start!.tags).toMatchObject({
      camera: 'cam',
      zone: 'road',
      type: 'wrong_way',
      class: 'motorcycle',
    });
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
