import type { CameraManager } from '../camera/camera-manager.js';
import type { Service } from '../lifecycle/service.js';
import { cameraHealth } from '../timeseries/measurements.js';
import type { TimeSeriesSink } from '../timeseries/point.js';

/**
 * A `camera_health` point per camera every `everyMs` (and one last sample on stop), so outages show in
 * the time series next to the traffic.
 */
export function cameraHealthPoints(cameras: CameraManager, ts: TimeSeriesSink, everyMs = 10_000): Service {
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    const now = Date.now();
    for (const h of Object.values(cameras.health())) ts.write(cameraHealth(h, now));
  };
  return {
    name: 'camera-health-points',
    start: async () => {
      timer = setInterval(sample, everyMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      sample();
    },
  };
}
