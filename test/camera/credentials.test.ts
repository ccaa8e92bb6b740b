import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camera } from '../../src/camera/camera.js';
import { ClipRecorder } from '../../src/camera/clip-recorder.js';
import { LiveRelay } from '../../src/camera/live-relay.js';
import { probeCamera } from '../../src/camera/probe.js';
import { RecordStream } from '../../src/camera/record-stream.js';
import { grabStill } from '../../src/camera/still.js';
import { childPids, removeDir, tempDir, waitUntil } from '../support/process.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

const PASSWORD = 'Pa55-w0rd-in-argv';

/** What any local user reads with `ps`: the NUL-separated command line of a process. */
function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/**
 * Watches the command lines of every child process of this test (every 10 ms) while `work` runs; returns
 * how many ffmpeg command lines were seen and those that held the password.
 */
async function watchChildren<T>(
  work: () => Promise<T>,
): Promise<{ result: T; seen: number; leaks: string[] }> {
  const seen = new Set<number>();
  const leaks: string[] = [];
  const look = () => {
    for (const pid of childPids(process.pid)) {
      const line = cmdline(pid);
      if (!line?.startsWith('ffmpeg')) continue;
      seen.add(pid);
      if (line.includes(PASSWORD) || line.includes(encodeURIComponent(PASSWORD))) leaks.push(line);
    }
  };
  const timer = setInterval(look, 10);
  try {
    const result = await work();
    look();
    return { result, seen: seen.size, leaks };
  } finally {
    clearInterval(timer);
  }
}

describe('camera credentials never reach a command line', () => {
  let server: RtspCamera;
  let dir: string;
  beforeAll(async () => {
    server = await startRtspCamera({ user: 'viewer', password: PASSWORD });
    dir = tempDir('credentials');
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it('the detect reader streams with the password only on its stdin', async () => {
    const cam = new Camera({ id: 'c1', url: server.url, width: 160, height: 160, detectFps: 5 });
    cam.mailbox.onFrame(() => {
      const f = cam.mailbox.take();
      if (f) cam.mailbox.release(f);
    });
    try {
      cam.start();
      await waitUntil('streaming', async () => cam.state === 'streaming', { timeoutMs: 20_000 });
      const line = cmdline(cam.reader!.pid!)!;
      expect(line).toMatch(/^ffmpeg .*-f concat .*-i pipe:0/);
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain('127.0.0.1');
    } finally {
      await cam.stop();
    }
  });

  it('a wrong password is still reported as unauthorized', async () => {
    const r = await probeCamera(server.url.replace(PASSWORD, 'wrong'), { timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: false, reason: 'unauthorized' });
  });

  it('probe, stills, the live relay and the record stream keep it off the command line too', async () => {
    const { result, seen, leaks } = await watchChildren(async () => {
      const probe = await probeCamera(server.url, { timeoutMs: 15_000 });
      const still = await grabStill({ input: { url: server.url }, timeoutMs: 15_000 });

      const relay = new LiveRelay({ cameraId: 'c1', url: server.url, width: 320, height: 180 });
      await relay.start();
      const relayLine = cmdline(relay.pid!);
      await relay.stop();

      const clips = new ClipRecorder({
        cameraId: 'c1',
        dir: join(dir, 'seg'),
        segmentMs: 1000,
        maxBytes: 1e8,
      });
      const rec = new RecordStream({ cameraId: 'c1', url: server.url, outputs: () => clips.outputs() });
      rec.start();
      await waitUntil('recording', async () => rec.health().state === 'recording', { timeoutMs: 20_000 });
      const recLine = cmdline(rec.pid!);
      await rec.stop();
      return { probe, still, relayLine, recLine };
    });
    expect(result.probe).toMatchObject({ ok: true, info: { width: 640, height: 360 } });
    expect([result.still[0], result.still[1]]).toEqual([0xff, 0xd8]);
    expect(result.relayLine).toMatch(/-i pipe:0/);
    expect(result.recLine).toMatch(/-i pipe:0 .*-c copy -f segment/);
    expect(seen).toBeGreaterThanOrEqual(4);
    expect(leaks).toEqual([]);
  });
});
