import type { CongestionChange, Incident } from '../analytics/events.js';
import type { AlertSignal } from './alert.js';
import { congestionSeverity, fromIncidentSeverity } from './severity.js';

/** An incident's start (raise) or end (clear); the incident id is the occurrence ref its evidence uses. */
export function incidentSignal(i: Incident, state: 'raise' | 'clear', evidenceExpected = false): AlertSignal {
  const s: AlertSignal = {
    state,
    source: { kind: 'camera', id: i.cameraId },
    type: i.type,
    severity: fromIncidentSeverity(i.severity),
    timeMs: state === 'raise' ? i.startMs : (i.endMs ?? Date.now()),
    detail: i.detail,
    ref: i.id,
  };
  if (i.zoneId !== undefined) s.zone = i.zoneId;
  if (i.cls !== undefined) s.cls = i.cls;
  if (evidenceExpected) s.evidenceExpected = true;
  if (i.clip) s.clip = { startMs: i.clip.startMs, endMs: i.clip.endMs };
  return s;
}

/** Heavy or jammed traffic raises (or updates) the zone's congestion alert; free or moderate clears it. */
export function congestionSignal(e: CongestionChange): AlertSignal {
  const bad = e.level === 'heavy' || e.level === 'jammed';
  const s: AlertSignal = {
    state: bad ? 'raise' : 'clear',
    source: { kind: 'camera', id: e.cameraId },
    type: 'congestion',
    zone: e.zoneId,
    level: e.level,
    severity: congestionSeverity(e.level === 'jammed' ? 'jammed' : 'heavy'),
    timeMs: e.timeMs,
  };
  const parts = [`${e.previous} → ${e.level}`];
  if (e.occupancy !== undefined) parts.push(`occupancy ${Math.round(e.occupancy * 100)} %`);
  if (e.meanSpeedKmh !== undefined) parts.push(`mean speed ${e.meanSpeedKmh.toFixed(0)} km/h`);
  s.detail = parts.join(', ');
  return s;
}
