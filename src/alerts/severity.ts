import type { Severity as IncidentSeverity } from '../analytics/events.js';
import type { SensorSeverity } from '../sensors/events.js';

/**
 * The one alert severity scale, lowest first. Incidents already speak low..critical; sensor rules speak
 * info | warning | critical. `info` alerts are the first to go when the outbox is full.
 */
export const ALERT_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function severityRank(s: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(s);
}

export function fromIncidentSeverity(s: IncidentSeverity): AlertSeverity {
  return s;
}

const SENSOR: Record<SensorSeverity, AlertSeverity> = {
  info: 'info',
  warning: 'medium',
  critical: 'critical',
};

export function fromSensorSeverity(s: SensorSeverity): AlertSeverity {
  return SENSOR[s];
}

/** Congestion: heavy traffic is worth a look, a jam is worth acting on. */
export function congestionSeverity(level: 'heavy' | 'jammed'): AlertSeverity {
  return level === 'jammed' ? 'high' : 'medium';
}

/** A camera that does not stream leaves its road unwatched. */
export const CAMERA_DOWN_SEVERITY: AlertSeverity = 'medium';
