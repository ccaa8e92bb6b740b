import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camera } from '../../src/camera/camera.js';
import { ClipRecorder } from '../../src/camera/clip-recorder.js';
import { takeSnapshot } from '../../src/camera/snapshot.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

const run = promisify(execFile);

async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,nb_read_frames:format=duration',
    '-of',
    'json',
    file,
  ]);
  const j = JSON.parse(stdout);
  return { ...j.streams[0], duration: Number(j.format.duration) };
}

describe('snapshots and event clips from a live camera', () => {
  let server: RtspCamera;
  let dir: string;
  let cam: Camera;
  let clips: ClipRecorder;

  beforeAll(async () => {
    server = await startRtspCamera();
    dir = tempDir('evidence');
    clips = new ClipRecorder({
      cameraId: 'cam1',
      dir: join(dir, 'segments'),
      segmentMs: 1000,
      maxBytes: 50e6,
    });
    cam = new Camera({
      id: 'cam1',
      url: server.url,
      width: 416,
      height: 416,
      detectFps: 5,
      connectTimeoutMs: 10_000,
      extraOutputs: () => clips.outputs(),
    });
    clips.start();
    cam.start();
    await waitUntil('first frame', async () => cam.latestFrame() !== undefined, { timeoutMs: 15_000 });
  });
  afterAll(async () => {
    await cam?.stop();
    clips?.stop();
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it('a full-resolution still grabbed on demand, and a detector frame with boxes, decode as JPEG', async () => {
    const plain = await takeSnapshot(cam, { full: true });
    expect(plain).toBeDefined();
    expect(plain!.source).toBe('still');
    // Concurrent callers within the cache age share one grab.
    const [a, b] = await Promise.all([cam.still(60_000), cam.still(60_000)]);
    expect(a).toBe(b);
    expect([plain!.width, plain!.height]).toEqual([640, 360]);
    const f1 = join(dir, 'plain.jpg');
    writeFileSync(f1, plain!.jpeg);
    expect(await probe(f1)).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 360 });

    const boxed = await takeSnapshot(cam, {
      detections: [{ cls: 'car', score: 0.9, x1: 0.1, y1: 0.2, x2: 0.4, y2: 0.6 }],
    });
    expect(boxed!.source).toBe('frame');
    expect([boxed!.width, boxed!.height]).toEqual([416, 234]);
    const f2 = join(dir, 'boxed.jpg');
    writeFileSync(f2, boxed!.jpeg);
    expect(await probe(f2)).toMatchObject({ codec_name: 'mjpeg', width: 416, height: 234 });
    expect(boxed!.jpeg.equals(plain!.jpeg)).toBe(false);
  });

  it('an event clip covers the requested window and decodes', async () => {
    // Let the rolling buffer hold more than the 1.5 s before the event.
    await waitUntil('3 segments recorded', async () => clips.segments().length >= 4, { timeoutMs: 15_000 });
    const at = Date.now();
    const out = join(dir, 'event.mp4');
    const clip = await clips.clip(at, 1500, 1500, out);
    expect(existsSync(out)).toBe(true);
    expect(clip.startMs).toBeLessThanOrEqual(at - 1500);
    expect(clip.endMs).toBeGreaterThanOrEqual(at + 1500);
    const p = await probe(out);
    expect(p.codec_name).toBe('h264');
    expect(p.duration).toBeGreaterThanOrEqual(2.9);
    expect(Number(p.nb_read_frames)).toBeGreaterThanOrEqual(70);
  });

  it('segments stay within the disk bound, oldest deleted first', async () => {
    const small = new ClipRecorder({ cameraId: 'cam1', dir: clips.opts.dir, segmentMs: 1000, maxBytes: 1 });
    const before = clips.segments();
    small.sweep();
    const after = small.segments();
    expect(after.length).toBe(1);
    expect(after[0]!.file).toBe(before.at(-1)!.file);
  });
});
