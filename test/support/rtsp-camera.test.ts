import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, pidAlive, processName, waitUntil } from './process.js';
import { type RtspCamera, rtspOptions, startRtspCamera } from './rtsp-camera.js';

const run = promisify(execFile);

/** Reads `frames` decoded frames with the ffmpeg CLI and returns how many it reports. */
async function readFrames(url: string, frames: number): Promise<number> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-frames:v',
      String(frames),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 20_000 },
  );
  return stdout.length / (640 * 360);
}

describe('RTSP camera helper', () => {
  let cam: RtspCamera;
  beforeAll(async () => {
    cam = await startRtspCamera({ mount: '/Streaming/Channels/101', user: 'admin', password: 'p@ss:w0rd' });
  });
  afterAll(async () => {
    await cam?.stop();
  });

  it('serves the clip: ffmpeg reads 25 frames', async () => {
    expect(await readFrames(cam.url, 25)).toBe(25);
  });

  it('answers RTSP OPTIONS and refuses wrong credentials and paths', async () => {
    expect(await rtspOptions(cam.port, cam.mount)).toBe(200);
    await expect(readFrames(cam.url.replace('w0rd', 'wrong'), 1)).rejects.toThrow(/401/);
    // The path's end, not the first "101" (a port like 39101 has one too).
    await expect(readFrames(cam.url.replace(/\/101$/, '/102'), 1)).rejects.toThrow(/404/);
  });

  it('a killed server takes its feeders with it and restarts at the same URL', async () => {
    const { pid } = cam.server;
    const reading = readFrames(cam.url, 10_000).catch(() => -1);
    // A forked feeder carries the server thread's name until it has exec'd ffmpeg: wait for the exec.
    await waitUntil(
      'an ffmpeg feeder for the session',
      async () => childPids(pid).map(processName).includes('ffmpeg'),
      {
        timeoutMs: 10_000,
      },
    );
    const feeders = childPids(pid);
    expect(feeders.map(processName)).toContain('ffmpeg');
    await cam.kill();
    await waitUntil('feeders gone', async () => feeders.every((p) => !pidAlive(p)), { timeoutMs: 5000 });
    await reading;
    expect(await rtspOptions(cam.port, cam.mount, 300)).toBeUndefined();
    await cam.restart();
    expect(cam.server.pid).not.toBe(pid);
    expect(await readFrames(cam.url, 5)).toBe(5);
  });
});
