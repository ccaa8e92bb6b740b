import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camera } from '../../src/camera/camera.js';
import type { CameraState, CameraTransition } from '../../src/camera/camera-state.js';
import { classifyFailure } from '../../src/camera/ffmpeg-log.js';
import { probeCamera } from '../../src/camera/probe.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';
import { MEDIA_DIR } from '../support/rtsp-camera.js';

describe('classifyFailure', () => {
  it('tells a damaged file, a file without video and a missing decoder from a missing file', () => {
    const moov = [
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found',
      'cut.mp4: Invalid data found when processing input',
    ];
    expect(classifyFailure(moov, true)).toBe('bad_media');
    expect(classifyFailure(['x.mp4: Invalid data found when processing input'], true)).toBe('bad_media');
    // The same words from a camera are a garbled stream, which may recover: normal backoff.
    expect(classifyFailure(['rtsp://cam/x: Invalid data found when processing input'], false)).toBe(
      'bad_stream',
    );
    expect(
      classifyFailure(["Stream map '0:v:0' matches no streams.", "To ignore this, add a trailing '?'"]),
    ).toBe('no_video');
    expect(classifyFailure(['Decoder (codec hevc) not found for input stream #0:0'])).toBe(
      'unsupported_codec',
    );
    // A camera that died just after DESCRIBE: a transient stream failure (normal backoff), no codec problem.
    const cutShort = [
      '[rtsp @ 0x55] Could not find codec parameters for stream 0 (Video: h264, none): unspecified size',
      "Consider increasing the value for the 'analyzeduration' (0) and 'probesize' (5000000) options",
      "Stream map '0:v:0' matches no streams.",
    ];
    expect(classifyFailure(cutShort.slice(0, 2))).toBe('bad_stream');
    expect(classifyFailure(cutShort)).toBe('bad_stream');
    expect(classifyFailure(cutShort, true)).toBe('bad_media');
    expect(classifyFailure(['x.mp4: No such file or directory'], true)).toBe('not_found');
    expect(classifyFailure(['method DESCRIBE failed: 404 Not Found'])).toBe('not_found');
  });
});

describe('a camera on a damaged or video-less file', () => {
  let dir: string;
  let truncated: string;
  let audioOnly: string;
  beforeAll(() => {
    dir = tempDir('bad-media');
    truncated = join(dir, 'truncated.mp4');
    // The NL clip keeps its index (moov) at the end: its first 300 kB are a file cut short.
    writeFileSync(truncated, readFileSync(join(MEDIA_DIR, 'nl_motorway_overpass.mp4')).subarray(0, 300_000));
    audioOnly = join(dir, 'audio.m4a');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=2', '-c:a', 'aac', audioOnly]);
  });
  afterAll(() => removeDir(dir));

  async function failOnce(file: string): Promise<{ cam: Camera; transitions: CameraTransition[] }> {
    const transitions: CameraTransition[] = [];
    const cam = new Camera({
      id: 'clip',
      url: pathToFileURL(file).href,
      width: 160,
      height: 160,
      detectFps: 5,
      backoffInitialMs: 100,
      slowRetryMs: 60_000,
    });
    cam.on('state', (t) => transitions.push(t));
    cam.start();
    const terminal: CameraState[] = ['bad_media', 'no_video', 'backoff', 'not_found', 'bad_config'];
    await waitUntil('failed', async () => terminal.includes(cam.state), { timeoutMs: 15_000 });
    return { cam, transitions };
  }

  it("a truncated file is bad_media with ffmpeg's reason, retried slowly", async () => {
    const { cam, transitions } = await failOnce(truncated);
    try {
      const t = transitions.at(-1)!;
      expect(t).toMatchObject({ to: 'bad_media', reason: 'bad_media' });
      expect(t.detail).toMatch(/moov atom not found|Invalid data/);
      expect(t.retryInMs).toBeGreaterThanOrEqual(48_000);
      // Slowly: no second ffmpeg within the next second.
      await new Promise((r) => setTimeout(r, 1000));
      expect(transitions.filter((x) => x.to === 'connecting')).toHaveLength(1);
    } finally {
      await cam.stop();
    }
  });

  it('a file without a video stream is no_video, retried slowly', async () => {
    const { cam, transitions } = await failOnce(audioOnly);
    try {
      const t = transitions.at(-1)!;
      expect(t).toMatchObject({ to: 'no_video', reason: 'no_video' });
      expect(t.detail).toMatch(/matches no streams/);
      expect(t.retryInMs).toBeGreaterThanOrEqual(48_000);
    } finally {
      await cam.stop();
    }
  });

  it('probe says the same', async () => {
    expect(await probeCamera(pathToFileURL(truncated).href)).toMatchObject({
      ok: false,
      reason: 'bad_media',
    });
    expect(await probeCamera(pathToFileURL(audioOnly).href)).toMatchObject({ ok: false, reason: 'no_video' });
  });
});
