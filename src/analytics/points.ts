import type { AnalyticsEvent } from './events.js';
import { CONGESTION_LEVELS } from './events.js';

/**
 * Structurally the timeseries module's `Point` (src/timeseries/point.ts on the timeseries branch):
 * `bigint` fields are integers, `number` floats. Kept local so this module does not depend on it.
 */
export interface AnalyticsPoint {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string | undefined>>;
  readonly fields: Readonly<Record<string, number | bigint | boolean | string | undefined>>;
  readonly time: number;
}

/**
 * Time-series points for an analytics event (none for per-track events such as single crossings and
 * zone transits: those go out as events, their aggregates as points).
 */
export function eventToPoints(e: AnalyticsEvent): AnalyticsPoint[] {
  switch (e.type) {
    case 'count_interval':
      return [
        {
          measurement: 'traffic_count',
          tags: { camera: e.cameraId, line: e.lineId, direction: e.direction, class: e.cls },
          fields: { count: BigInt(e.count), interval_s: (e.endMs - e.startMs) / 1000 },
          time: e.startMs,
        },
      ];
    case 'zone_occupancy': {
      const fields: Record<string, number | bigint | undefined> = { speed_kmh: e.meanSpeedKmh };
      for (const [cls, v] of Object.entries(e.mean)) fields[`${cls}_mean`] = v;
      for (const [cls, v] of Object.entries(e.max)) fields[`${cls}_max`] = BigInt(v ?? 0);
      return [
        {
          measurement: 'zone_occupancy',
          tags: { camera: e.cameraId, zone: e.zoneId },
          fields,
          time: e.startMs,
        },
      ];
    }
    case 'congestion':
      return [
        {
          measurement: 'congestion',
          tags: { camera: e.cameraId, zone: e.zoneId },
          fields: {
            level: BigInt(CONGESTION_LEVELS.indexOf(e.level)),
            level_name: e.level,
            occupancy: e.occupancy,
            speed_kmh: e.meanSpeedKmh,
          },
          time: e.timeMs,
        },
      ];
    case 'track_speed':
      return [
        {
          measurement: 'vehicle_speed',
          tags: { camera: e.cameraId, class: e.cls },
          fields: { mean_kmh: e.meanKmh, max_kmh: e.maxKmh },
          time: e.timeMs,
        },
      ];
    case 'incident_start':
    case 'incident_end': {
      const i = e.incident;
      return [
        {
          measurement: 'incident',
          tags: { camera: i.cameraId, zone: i.zoneId, type: i.type, severity: i.severity, class: i.cls },
          fields: {
            active: e.type === 'incident_start',
            id: i.id,
            tracks: BigInt(i.trackIds.length),
            duration_s: i.endMs === undefined ? undefined : (i.endMs - i.startMs) / 1000,
          },
          time: e.type === 'incident_start' ? i.startMs : (i.endMs ?? i.startMs),
        },
      ];
    }
    default:
      return [];
  }
}
