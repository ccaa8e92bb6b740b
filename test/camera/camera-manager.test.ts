import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraManager } from '../../src/camera/camera-manager.js';
import { LiveRelay, LiveViewError } from '../../src/camera/live-relay.js';
import { type CameraConfig, configSchema } from '../../src/config/schema.js';
import { freePort, pidAlive, removeDir, tempDir, waitUntil } from '../support/process.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

function cameraConfig(url: string): CameraConfig {
  const cfg = configSchema.parse({ node: { id: 'n1', site: 's1' }, cameras: [{ id: 'cam1', url }] });
  return cfg.cameras[0]!;
}

describe('CameraManager', () => {
  let server: RtspCamera;
  let dir: string;
  let manager: CameraManager;
  const metrics = new Registry();

  beforeAll(async () => {
    server = await startRtspCamera({ user: 'admin', password: 'hunter22' });
    dir = tempDir('manager');
    manager = new CameraManager({
      cameras: [cameraConfig(server.url)],
      dataDir: dir,
      log: pino({ level: 'silent' }),
      metrics,
      cameraDefaults: { connectTimeoutMs: 10_000 },
      liveIdleStopMs: 500,
    });
    await manager.start();
    await waitUntil('camera streaming', async () => manager.get('cam1')!.state === 'streaming', {
      timeoutMs: 15_000,
    });
  });
  afterAll(async () => {
    await manager?.stop();
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it('reports health and Prometheus metrics per camera, without secrets', async () => {
    await waitUntil('health rates', async () => manager.health().cam1!.frameFps > 0, { timeoutMs: 5000 });
    const h = manager.health().cam1!;
    expect(h).toMatchObject({ state: 'streaming', stream: { width: 640, height: 360, codec: 'h264' } });
    const text = await metrics.metrics();
    expect(text).toMatch(/ioc_camera_state\{camera="cam1",state="streaming"\} 1/);
    expect(text).toMatch(/ioc_camera_frames_total\{camera="cam1"\} \d+/);
    expect(JSON.stringify(h)).not.toContain('hunter22');
  });

  it('live view: one relay per camera with its transport and an I/O timeout, stopped when nobody watches', async () => {
    const a = await manager.liveView('cam1');
    const b = await manager.liveView('cam1');
    expect(b).toBe(a);
    const pid = a.pid!;
    expect(pidAlive(pid)).toBe(true);
    const args = a.args();
    // The camera URL comes on stdin (never on the command line), with its transport and I/O timeout.
    expect(args.join(' ')).toMatch(/-f concat .* -i pipe:0/);
    expect(args.join(' ')).not.toContain('hunter22');
    expect(a.input().stdin).toMatch(/option rtsp_transport tcp\noption timeout 5000000\n/);
    expect(args.at(-1)).toBe('pipe:1');
    await waitUntil('video out of the relay', async () => a.bytesOut > 20_000, { timeoutMs: 10_000 });
    expect(a.bytesOut % 188).toBe(0);
    // No viewer came: it stops after the idle time.
    await waitUntil('relay stopped', async () => manager.relay('cam1') === undefined, { timeoutMs: 10_000 });
    await waitUntil('relay ffmpeg gone', async () => !pidAlive(pid), { timeoutMs: 5000 });
  });

  it('live view of a camera that does not answer fails at once with the reason', async () => {
    const relay = new LiveRelay({
      cameraId: 'gone',
      url: `rtsp://127.0.0.1:${await freePort()}/x`,
      transport: 'udp',
      width: 320,
      height: 180,
    });
    expect(relay.input().stdin).toMatch(/option rtsp_transport udp\noption timeout/);
    const started = Date.now();
    const err = await relay.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveViewError);
    expect((err as LiveViewError).reason).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(relay.running).toBe(false);
  });
});
