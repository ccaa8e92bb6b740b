import { describe, expect, it } from 'vitest';
import { runCameraSoak } from '../support/camera-soak.js';

/**
 * The 2-minute camera soak (the 1-hour one: `npm run soak:cameras`): the whole gateway on 4 RTSP cameras
 * whose servers go down and come back one after another every 8 s (15 drops, 3 per server). Nothing may
 * pile up: open files, ffmpeg processes, memory (the gateway's RSS and its ffmpegs' PSS, sampled every 10 s).
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 2);
const FLAP_EVERY_S = 8;

describe('camera soak', () => {
  it(
    `${MINUTES} minutes of cameras dropping and coming back leave fds, processes and memory flat`,
    async () => {
      const r = await runCameraSoak({
        minutes: MINUTES,
        flapEverySeconds: FLAP_EVERY_S,
        downSeconds: 5,
        sampleEverySeconds: 10,
      });
      const report = JSON.stringify({
        slopes: r.slopes,
        thirds: r.thirds,
        fdsMax: r.fdsMax,
        cameras: r.cameras,
      });
      expect(r.flaps, report).toBeGreaterThanOrEqual(Math.floor((MINUTES * 60) / FLAP_EVERY_S) - 1);
      expect(r.streamingAtEnd, report).toBe(4);
      // Every camera dropped at least once and came back.
      for (const c of r.cameras) expect(c.reconnects ?? 0, report).toBeGreaterThanOrEqual(1);
      // At most one ffmpeg per detect stream plus the record stream: none left behind by a flap.
      expect(Math.max(...r.samples.map((s) => s.ffmpegProcesses)), report).toBeLessThanOrEqual(5);
      expect(r.thirds.gatewayFds[1] - r.thirds.gatewayFds[0], report).toBeLessThanOrEqual(4);
      // RSS, not PSS or private pages: both move by tens of MB as other node processes (test workers)
      // start and stop, since pages they shared with the gateway become its own when they exit.
      expect(r.thirds.gatewayRssMb[1] - r.thirds.gatewayRssMb[0], report).toBeLessThan(20);
      expect(r.thirds.ffmpegPssMb[1] - r.thirds.ffmpegPssMb[0], report).toBeLessThan(20);
    },
    (MINUTES + 4) * 60_000,
  );
});
