import type { AlertsService } from '../alerts/service.js';
import type { UplinkService } from '../uplink/service.js';
import type { EventBus } from './event-bus.js';
import type { PipelineEvent } from './events.js';

/**
 * Feeds the alerts (incidents, their pictures, congestion, sensor rules, camera states) and the uplink's
 * telemetry (interval counts, occupancy, congestion, sensor readings) from the bus. Returns the
 * unsubscribe function.
 */
export function feedAlertsAndUplink(
  bus: EventBus<PipelineEvent>,
  alerts: AlertsService,
  uplink: UplinkService,
): () => void {
  const t = uplink.telemetry;
  const offs = [
    bus.on('incident_start', (e) => alerts.incidentStart(e.incident, e.evidence !== undefined)),
    bus.on('incident_end', (e) => alerts.incidentEnd(e.incident)),
    bus.on('incident_evidence', (e) => alerts.incidentEvidence(e.incident.id, e.jpeg)),
    bus.on('congestion', (e) => {
      alerts.congestion(e);
      t.congestionChange(e);
    }),
    bus.on('sensor_rule', (e) => alerts.sensorRule(e)),
    bus.on('camera_state', (e) => alerts.cameraState(e.transition)),
    bus.on('count_interval', (e) => t.count(e)),
    bus.on('zone_occupancy', (e) => t.zoneOccupancy(e)),
    bus.on('reading', (e) => t.reading(e)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
