import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CameraManager } from '../../src/camera/camera-manager.js';
import { type CameraConfig, configSchema } from '../../src/config/schema.js';
import { pidAlive, removeDir, tempDir, waitUntil } from '../support/process.js';
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
      cameraDefaults: { connectTimeoutMs: 10_000, stillsFps: 1 },
      liveIdleStopMs: 500,
      liveToken: 'live-token-1',
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

  it('live view: one relay per camera, MPEG1 over WebSocket, stopped after the last viewer leaves', async () => {
    const a = await manager.liveView('cam1');
    const b = await manager.liveView('cam1');
    expect(b.port).toBe(a.port);
    const relay = manager.relay('cam1')!;
    const pid = relay.pid!;
    expect(pidAlive(pid)).toBe(true);
    expect(a.url).toMatch(/\?token=live-token-1$/);
    const refused = new WebSocket(a.url.replace(/\?.*$/, ''));
    await new Promise<void>((resolve) => {
      refused.on('error', () => resolve());
      refused.on('unexpected-response', () => resolve());
    });
    const ws = new WebSocket(a.url);
    const got: Buffer[] = [];
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no video over the websocket')), 15_000);
      ws.on('message', (d: Buffer) => {
        if (got.length === 0) got.push(Buffer.from(d));
        bytes += d.length;
        if (bytes > 20_000) {
          clearTimeout(t);
          resolve();
        }
      });
      ws.on('error', reject);
    });
    expect(got[0]!.subarray(0, 4).toString()).toBe('jsmp');
    expect(relay.viewers).toBe(1);
    ws.close();
    await waitUntil('relay stopped', async () => manager.relay('cam1') === undefined, { timeoutMs: 10_000 });
    await waitUntil('relay ffmpeg gone', async () => !pidAlive(pid), { timeoutMs: 5000 });
  });
});
