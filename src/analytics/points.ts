import * as m from '../timeseries/measurements.js';
import type { Point } from '../timeseries/point.js';
import type { AnalyticsEvent } from './events.js';

/**
 * Time-series points for an analytics event, in the schema of docs/timeseries.md (none for per-track
 * events such as single crossings and zone transits: those go out as events, their aggregates as points).
 */
export function eventToPoints(e: AnalyticsEvent): Point[] {
  switch (e.type) {
    case 'count_interval':
      return [m.trafficCount(e)];
    case 'zone_occupancy':
      return m.zoneOccupancy(e);
    case 'congestion':
      return [m.congestion(e)];
    case 'track_speed':
      return [m.trackSpeed(e)];
    case 'incident_start':
      return [m.incident(e.incident, true)];
    case 'incident_end':
      return [m.incident(e.incident, false)];
    default:
      return [];
  }
}
