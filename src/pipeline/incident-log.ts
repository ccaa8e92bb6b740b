import type { CameraManager } from '../camera/camera-manager.js';
import type { CameraConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { EventBus } from './event-bus.js';
import type { PipelineEvent } from './events.js';

/**
 * Incidents are logged once at start and end with their evidence, and the camera's event clip is cut
 * around the start when the camera records clips; congestion that turns heavy or jammed is logged.
 * Returns the unsubscribe function.
 */
export function logIncidents(
  bus: EventBus<PipelineEvent>,
  cameras: CameraManager,
  configs: readonly CameraConfig[],
  log: Logger,
): () => void {
  const recording = new Set(configs.filter((c) => c.clips.enabled).map((c) => c.id));
  const offIncidents = bus.on(['incident_start', 'incident_end'], (event) => {
    const i = event.incident;
    const start = event.type === 'incident_start';
    log.info(
      {
        incident: i.id,
        type: i.type,
        camera: i.cameraId,
        zone: i.zoneId,
        class: i.cls,
        severity: i.severity,
        evidence: i.evidencePath,
        detail: i.detail,
      },
      start ? 'incident started' : 'incident ended',
    );
    if (!start || !recording.has(i.cameraId)) return;
    cameras.clip(i.cameraId, i.startMs, i.id).then(
      (clip) => {
        i.clip = { startMs: clip.startMs, endMs: clip.endMs };
        log.info({ incident: i.id, clip: clip.file }, 'incident clip written');
      },
      (err: unknown) => log.warn({ err, incident: i.id }, 'incident clip not written'),
    );
  });
  const offCongestion = bus.on('congestion', (e) => {
    if (!e.alert) return;
    log.warn({ camera: e.cameraId, zone: e.zoneId, level: e.level, previous: e.previous }, 'congestion');
  });
  return () => {
    offIncidents();
    offCongestion();
  };
}
