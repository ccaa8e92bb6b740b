import { join } from 'node:path';
import type { AnalyticsEventWithEvidence } from '../analytics/camera-analytics.js';
import { eventToPoints } from '../analytics/points.js';
import { trafficAnalytics } from '../analytics/stage.js';
import type { CameraManager } from '../camera/camera-manager.js';
import type { CameraConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { TimeSeriesService } from '../timeseries/service.js';
import type { AnalyticsFactory, AnalyticsStage } from '../vision/analytics-stage.js';

export interface TrafficPipelineDeps {
  cameras: CameraManager;
  timeseries: TimeSeriesService;
  dataDir: string;
  log: Logger;
}

/**
 * Joins the vision path to its sinks for live cameras: every analytics event becomes time-series points,
 * incidents are logged once at start and end with their evidence (and a clip when the camera records
 * clips), and each inference is reported to the camera's health (`detectFps`).
 */
export function liveTrafficAnalytics(deps: TrafficPipelineDeps): AnalyticsFactory {
  const { cameras, timeseries, log } = deps;
  const traffic = trafficAnalytics((camera) => (event) => onEvent(camera, event), {
    evidenceDir: join(deps.dataDir, 'evidence'),
    onEvidenceError: (err, incidentId) => log.warn({ err, incidentId }, 'evidence picture not written'),
  });

  function onEvent(camera: CameraConfig, event: AnalyticsEventWithEvidence): void {
    for (const point of eventToPoints(event)) timeseries.write(point);
    if (event.type === 'incident_start' || event.type === 'incident_end') {
      const i = event.incident;
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
        event.type === 'incident_start' ? 'incident started' : 'incident ended',
      );
      if (event.type === 'incident_start' && camera.clips.enabled) {
        cameras.clip(camera.id, i.startMs, i.id).then(
          (clip) => {
            i.clip = { startMs: clip.startMs, endMs: clip.endMs };
            log.info({ incident: i.id, clip: clip.file }, 'incident clip written');
          },
          (err: unknown) => log.warn({ err, incident: i.id }, 'incident clip not written'),
        );
      }
    } else if (event.type === 'congestion' && event.alert) {
      log.warn(
        { camera: event.cameraId, zone: event.zoneId, level: event.level, previous: event.previous },
        'congestion',
      );
    }
  }

  return (camera: CameraConfig): AnalyticsStage => {
    const stage = traffic(camera);
    const source = cameras.get(camera.id);
    return {
      push(result, geometry, frame) {
        if (result.inferred) source?.recordDetect();
        stage.push(result, geometry, frame);
      },
      finish: () => stage.finish?.(),
      activeTracks: () => stage.activeTracks(),
      counts: () => stage.counts(),
      incidents: () => stage.incidents(),
    };
  };
}
