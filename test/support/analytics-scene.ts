import { type AnalyticsEventWithEvidence, CameraAnalytics } from '../../src/analytics/camera-analytics.js';
import type { Incident } from '../../src/analytics/events.js';
import type { CameraConfig } from '../../src/config/schema.js';
import { type SimObject, simulate } from './synthetic-traffic.js';

type Cam = Pick<CameraConfig, 'id' | 'lines' | 'zones' | 'calibration' | 'countInterval'>;

/**
 * Runs a synthetic scene through one camera's analytics (camera "cam", no lines or zones unless given) and
 * ends it with flush(true); returns every event and the incidents started.
 */
export function runScene(cam: Partial<Cam>, objects: SimObject[], fps: number, seconds: number) {
  const a = new CameraAnalytics({
    id: 'cam',
    lines: [],
    zones: [],
    calibration: undefined,
    countInterval: 60_000,
    ...cam,
  });
  const events: AnalyticsEventWithEvidence[] = [];
  for (const r of simulate(objects, fps, seconds).results) events.push(...a.process(r));
  events.push(...a.flush(true));
  const started: Incident[] = events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
  return { a, events, started };
}
