import type { AnalyticsEvent } from '../analytics/events.js';
import * as m from '../timeseries/measurements.js';
import type { Point, TimeSeriesSink } from '../timeseries/point.js';
import type { EventBus } from './event-bus.js';
import type { PipelineEvent } from './events.js';

/** Analytics events that have a time-series form (per-track events go out as events, their aggregates as points). */
const POINT_EVENTS = [
  'count_interval',
  'zone_occupancy',
  'congestion',
  'track_speed',
  'incident_start',
  'incident_end',
] as const;

/** Time-series points for an analytics event, in the schema of docs/timeseries.md. */
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

/** Writes every analytics event with a time-series form to the spool; returns the unsubscribe function. */
export function writeEventsToTimeSeries(
  bus: EventBus<PipelineEvent>,
  timeseries: TimeSeriesSink,
): () => void {
  return bus.on(POINT_EVENTS, (e) => {
    for (const point of eventToPoints(e)) timeseries.write(point);
  });
}
