import type { AlertsService } from '../alerts/service.js';
import type { ComponentHealth } from '../api/health.js';
import type { CameraManager } from '../camera/camera-manager.js';
import type { EmbeddedBroker } from '../mqtt/embedded-broker.js';
import type { SensorService } from '../sensors/service.js';
import type { TimeSeriesService } from '../timeseries/service.js';
import type { UplinkService } from '../uplink/service.js';
import type { DetectorService } from '../vision/detector-service.js';
import type { TrafficPipeline } from './traffic-pipeline.js';

/** The parts of a running gateway that report health (absent: not built on this config). */
export interface HealthParts {
  cameras?: CameraManager;
  timeseries?: TimeSeriesService;
  detector?: DetectorService;
  traffic?: TrafficPipeline;
  alerts?: AlertsService;
  uplink?: UplinkService;
  /** Whether an IOC broker is configured (without one the uplink is not expected to connect). */
  uplinkConfigured: boolean;
  sensors?: SensorService;
  broker?: EmbeddedBroker;
}

/** Each part's status and detail for the API and the watchdog: ok, starting, degraded or down. */
export function partHealth(p: HealthParts): Record<string, ComponentHealth> {
  const out: Record<string, ComponentHealth> = {};
  if (p.cameras) {
    const detail = p.cameras.health();
    const states = Object.values(detail).map((h) => h.state);
    const streaming = states.filter((s) => s === 'streaming').length;
    const status =
      states.length === 0 || streaming === states.length
        ? 'ok'
        : states.every((s) => s === 'connecting' || s === 'idle')
          ? 'starting'
          : streaming > 0
            ? 'degraded'
            : 'down';
    out.cameras = { status, detail };
  }
  if (p.timeseries) {
    const detail = p.timeseries.health();
    // Dropping the oldest points to keep the disk from filling is degraded service, not an outage.
    const status =
      detail.state === 'stopped'
        ? 'down'
        : detail.state === 'retrying' || detail.disk.limiting
          ? 'degraded'
          : 'ok';
    out.timeseries = { status, detail };
  }
  if (p.detector) {
    const stuck = p.traffic && !p.traffic.alive();
    out.vision = {
      status: stuck ? 'down' : 'ok',
      detail: { ...p.detector.health(), cameras: p.traffic?.health() ?? {} },
    };
  }
  if (p.sensors) {
    const detail = p.sensors.health();
    out.sensors = { status: detail.state === 'connected' && detail.subscribed ? 'ok' : 'degraded', detail };
  }
  if (p.broker) out.broker = { status: 'ok', detail: p.broker.health() };
  if (p.alerts) {
    const detail = p.alerts.health();
    // Messages held in memory (disk full) are not yet safe from a crash.
    out.alerts = { status: detail.outbox.held > 0 ? 'degraded' : 'ok', detail };
  }
  if (p.uplink) {
    const detail = p.uplink.health();
    const connected = !p.uplinkConfigured || detail.connectedSince !== null;
    out.uplink = { status: connected ? 'ok' : 'degraded', detail };
  }
  return out;
}
