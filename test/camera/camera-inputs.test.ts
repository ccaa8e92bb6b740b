import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraManager } from '../../src/camera/camera-manager.js';
import { configSchema } from '../../src/config/schema.js';
import { detectLayout } from '../../src/vision/detect-layout.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';
import { MEDIA_DIR, type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

const run = promisify(execFile);

function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
}

describe('a camera with a detect substream and a record main stream', () => {
  let sub: RtspCamera;
  let main: RtspCamera;
  let dir: string;
  let manager: CameraManager;

  beforeAll(async () => {
    const clip = join(MEDIA_DIR, 'uk_motorway_heavy_rain.mp4');
    [sub, main] = await Promise.all([
      startRtspCamera({ clip, user: 'admin', password: 'sub-pw' }),
      startRtspCamera({ clip, size: '720p', user: 'admin', password: 'main-pw' }),
    ]);
    dir = tempDir('inputs');
    const cfg = configSchema.parse({
      node: { id: 'n1', site: 's1' },
      cameras: [
        {
          id: 'cam1',
          inputs: [
            { url: sub.url, roles: ['detect'] },
            { url: main.url, roles: ['record'] },
          ],
          clips: { enabled: true, segment: '1s', before: '1s', after: '1s' },
          lines: [
            {
              id: 'l',
              points: [
                [0, 0.8],
                [1, 0.8],
              ],
              directions: ['down', 'up'],
            },
          ],
        },
      ],
    });
    manager = new CameraManager({
      cameras: cfg.cameras,
      dataDir: dir,
      log: pino({ level: 'silent' }),
      // As the gateway does with a detector that fits its input: automatic regions around the line.
      layoutFor: (cam, w, h) =>
        detectLayout(cam, { inputWidth: 416, inputHeight: 416, fit: { enabled: true } }, w, h).tiles,
      cameraDefaults: { connectTimeoutMs: 15_000 },
    });
    await manager.start();
    await waitUntil(
      'streaming and recording',
      async () => {
        const h = manager.health().cam1!;
        return h.state === 'streaming' && h.record?.state === 'recording';
      },
      { timeoutMs: 20_000 },
    );
  });
  afterAll(async () => {
    await manager?.stop();
    await Promise.all([sub?.stop(), main?.stop()]);
    if (dir) removeDir(dir);
  });

  it('decodes only the substream; the main stream is copied into segments by its own ffmpeg', async () => {
    const h = manager.health().cam1!;
    expect(h.stream).toMatchObject({ width: 640, height: 360 });
    const detect = cmdline(manager.get('cam1')!.reader!.pid!);
    expect(detect).toMatch(/-f rawvideo unix:\S+\/frames\.sock *$/);
    expect(detect).not.toMatch(/segment/);
    const record = cmdline(manager.recordStream('cam1')!.pid!);
    expect(record).toMatch(/-map 0:v:0 -an -c copy -f segment/);
    // Nothing decoded or filtered there.
    expect(record).not.toMatch(/-vf|-filter|rawvideo|mjpeg/);
    const segments = join(dir, 'clips', 'cam1', 'segments');
    await waitUntil('segments', async () => readdirSync(segments).length >= 3, { timeoutMs: 15_000 });
  });

  it('detects with the automatic regions planned for the substream (the record stream apart)', async () => {
    const cam = manager.get('cam1')!;
    expect(cam.layout.some((t) => t.gated)).toBe(true);
    const geometry = cam.reader!.geometry!;
    expect(geometry).toMatchObject({ srcWidth: 640, srcHeight: 360 });
    expect(geometry.tiles?.length).toBe(cam.layout.length);
    expect(manager.recordStream('cam1')!.health().state).toBe('recording');
  });

  it('full snapshots come from the main stream, the detector frame from the substream', async () => {
    const full = await manager.snapshot('cam1');
    expect(full).toMatchObject({ source: 'still', width: 1280, height: 720 });
    const frame = await manager.snapshot('cam1', false);
    expect(frame).toMatchObject({ source: 'frame', width: 416, height: 234 });
  });

  it('event clips are cut from the main stream', async () => {
    const clip = await manager.clip('cam1', Date.now() - 500, 'ev1');
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height',
      '-of',
      'csv=p=0',
      clip.file,
    ]);
    expect(stdout.trim()).toBe('1280,720');
  });

  it('a lost main stream is restarted; detection keeps streaming meanwhile', async () => {
    const rec = manager.recordStream('cam1')!;
    const restarts = rec.health().restarts;
    await main.kill();
    await waitUntil('record stream retrying', async () => rec.health().state === 'backoff', {
      timeoutMs: 20_000,
    });
    expect(manager.get('cam1')!.state).toBe('streaming');
    await main.restart();
    await waitUntil('recording again', async () => rec.health().state === 'recording', { timeoutMs: 30_000 });
    expect(rec.health().restarts).toBeGreaterThan(restarts);
  });
});
