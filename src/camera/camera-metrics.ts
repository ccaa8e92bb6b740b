import { Gauge, type Registry } from 'prom-client';
import { scrapedCounter } from '../metrics/scrape.js';
import type { Camera, CameraHealth } from './camera.js';
import { CAMERA_STATES } from './camera-state.js';

/**
 * Prometheus metrics per camera (state, fps, last frame age, frame/skip/reconnect totals), read from each
 * camera's health at scrape time: the per-frame path never touches prom-client.
 */
export function registerCameraMetrics(registry: Registry, cameras: () => Iterable<Camera>): void {
  const cams = () => [...cameras()];
  new Gauge({
    name: 'ioc_camera_state',
    help: 'Camera state (1 for the current state)',
    labelNames: ['camera', 'state'],
    registers: [registry],
    collect() {
      for (const c of cams())
        for (const s of CAMERA_STATES) this.set({ camera: c.id, state: s }, c.state === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ioc_camera_fps',
    help: 'Frames per second: frame (out of ffmpeg), processed, skipped, detect, input (announced)',
    labelNames: ['camera', 'kind'],
    registers: [registry],
    collect() {
      for (const c of cams()) {
        const h = c.health();
        this.set({ camera: c.id, kind: 'frame' }, h.frameFps);
        this.set({ camera: c.id, kind: 'processed' }, h.processedFps);
        this.set({ camera: c.id, kind: 'skipped' }, h.skippedFps);
        this.set({ camera: c.id, kind: 'detect' }, h.detectFps);
        this.set({ camera: c.id, kind: 'input' }, h.inputFps ?? 0);
      }
    },
  });
  new Gauge({
    name: 'ioc_camera_last_frame_age_seconds',
    help: 'Seconds since the last frame',
    labelNames: ['camera'],
    registers: [registry],
    collect() {
      for (const c of cams()) {
        const age = c.health().lastFrameAgeMs;
        if (age !== undefined) this.set({ camera: c.id }, age / 1000);
      }
    },
  });
  const totals = (name: string, help: string, get: (h: CameraHealth) => number) =>
    scrapedCounter(registry, name, help, () => cams().map((c) => [{ camera: c.id }, get(c.health())]), [
      'camera',
    ]);
  totals('ioc_camera_frames_total', 'Frames out of ffmpeg', (h) => h.framesTotal);
  totals(
    'ioc_camera_skipped_frames_total',
    'Frames dropped because the detector was behind',
    (h) => h.skippedTotal,
  );
  totals('ioc_camera_reconnects_total', 'Times the camera came back after a failure', (h) => h.reconnects);
  totals(
    'ioc_camera_ffmpeg_restarts_total',
    'ffmpeg processes started after the first',
    (h) => h.ffmpegRestarts,
  );
}
