import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camera, type CameraHealth, type CameraOptions } from '../../src/camera/camera.js';
import type { CameraState, CameraTransition } from '../../src/camera/camera-state.js';
import { freePort, openFdCount, pidAlive } from '../support/process.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

const FAST: Partial<CameraOptions> = {
  width: 160,
  height: 160,
  detectFps: 5,
  stallTimeoutMs: 2000,
  connectTimeoutMs: 8000,
  backoffInitialMs: 200,
  backoffMaxMs: 1500,
  slowRetryMs: 60_000,
  healthIntervalMs: 200,
};

function makeCamera(url: string, extra: Partial<CameraOptions> = {}) {
  const cam = new Camera({ id: 'cam1', url, ...FAST, ...extra } as CameraOptions);
  const transitions: CameraTransition[] = [];
  const pids = new Set<number>();
  cam.on('state', (t) => {
    transitions.push(t);
    if (cam.reader?.pid) pids.add(cam.reader.pid);
  });
  // A consumer that keeps up.
  cam.mailbox.onFrame(() => {
    const f = cam.mailbox.take();
    if (f) cam.mailbox.release(f);
  });
  return { cam, transitions, pids };
}

/** The first health report that satisfies `ok`; health comes every healthIntervalMs. */
function waitHealth(cam: Camera, ok: (h: CameraHealth) => boolean, timeoutMs = 5_000): Promise<CameraHealth> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cam.off('health', on);
      reject(new Error(`no matching health within ${timeoutMs} ms: ${JSON.stringify(cam.health())}`));
    }, timeoutMs);
    const on = (h: CameraHealth) => {
      if (!ok(h)) return;
      clearTimeout(timer);
      cam.off('health', on);
      resolve(h);
    };
    cam.on('health', on);
  });
}

function waitState(cam: Camera, state: CameraState, timeoutMs = 15_000): Promise<CameraTransition> {
  return new Promise((resolve, reject) => {
    if (cam.state === state && cam.lastTransition) {
      resolve(cam.lastTransition);
      return;
    }
    const timer = setTimeout(() => {
      cam.off('state', on);
      reject(new Error(`camera did not reach ${state} within ${timeoutMs} ms (state ${cam.state})`));
    }, timeoutMs);
    const on = (t: CameraTransition) => {
      if (t.to !== state) return;
      clearTimeout(timer);
      cam.off('state', on);
      resolve(t);
    };
    cam.on('state', on);
  });
}

describe('Camera against a real RTSP server', () => {
  let server: RtspCamera;
  beforeAll(async () => {
    server = await startRtspCamera({ user: 'viewer', password: 'secret-pw' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('streams, reports health, and survives the server being killed and restarted', async () => {
    const { cam, transitions, pids } = makeCamera(server.url);
    cam.start();
    try {
      await waitState(cam, 'streaming');
      // At 5 fps a 200 ms health window holds 0-2 frames: wait for a report that saw the stream flowing.
      const h = await waitHealth(cam, (x) => x.frameFps > 2);
      expect(h.state).toBe('streaming');
      expect(h.stream).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      expect(h.frameFps).toBeGreaterThan(2);
      expect(h.lastFrameAgeMs).toBeLessThan(1000);

      await server.kill();
      await waitState(cam, 'stalled');
      await waitState(cam, 'backoff');
      await server.restart();
      await waitState(cam, 'streaming');
      expect(cam.reconnects).toBe(1);
      const seq = transitions.map((t) => t.to);
      expect(seq.slice(0, 2)).toEqual(['connecting', 'streaming']);
      expect(seq).toContain('stalled');
      expect(seq.indexOf('stalled')).toBeLessThan(seq.lastIndexOf('backoff'));
    } finally {
      await cam.stop();
    }
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);
  });

  it('a frozen server (connection open, no data) is detected as stalled by the watchdog', async () => {
    const { cam, transitions } = makeCamera(server.url);
    cam.start();
    try {
      await waitState(cam, 'streaming');
      server.server.child.kill('SIGSTOP');
      const stalled = await waitState(cam, 'stalled', 10_000);
      server.server.child.kill('SIGCONT');
      expect(stalled.from).toBe('streaming');
      await waitState(cam, 'streaming');
      expect(transitions.map((t) => t.to)).toContain('backoff');
    } finally {
      server.server.child.kill('SIGCONT');
      await cam.stop();
    }
  });

  // The camera soak (test/soak/) drops 4 cameras 15 times through the whole gateway.
  it('10 flaps leave no orphan ffmpeg and no fd growth', async () => {
    const { cam, pids } = makeCamera(server.url, { backoffMaxMs: 400 });
    cam.start();
    let fdsAfterFirst = 0;
    try {
      await waitState(cam, 'streaming');
      for (let i = 0; i < 10; i++) {
        await server.kill();
        await waitState(cam, 'backoff');
        await server.restart();
        await waitState(cam, 'streaming');
        if (i === 1) fdsAfterFirst = openFdCount();
      }
      expect(cam.reconnects).toBe(10);
      const fds = openFdCount();
      expect(fds).toBeLessThanOrEqual(fdsAfterFirst + 2);
    } finally {
      await cam.stop();
    }
    expect(pids.size).toBeGreaterThanOrEqual(11);
    const alive = [...pids].filter(pidAlive);
    expect(alive).toEqual([]);
  }, 120_000);

  it('wrong credentials → unauthorized, wrong path → not_found (retried slowly)', async () => {
    const bad = makeCamera(server.url.replace('secret-pw', 'wrong-pw'));
    const missing = makeCamera(server.url.replace('/cam', '/nope'));
    bad.cam.start();
    missing.cam.start();
    try {
      const u = await waitState(bad.cam, 'unauthorized');
      const n = await waitState(missing.cam, 'not_found');
      expect(u.retryInMs).toBeGreaterThan(40_000);
      expect(n.retryInMs).toBeGreaterThan(40_000);
      expect(u.detail).toMatch(/401/);
      expect(u.detail).not.toContain('wrong-pw');
    } finally {
      await bad.cam.stop();
      await missing.cam.stop();
    }
  });
});

describe('Camera that reboots', () => {
  it('answering 404 just after it streamed gets the normal backoff, not the slow retry', async () => {
    const first = await startRtspCamera();
    const { cam, transitions } = makeCamera(first.url);
    let rebooted: RtspCamera | undefined;
    cam.start();
    try {
      await waitState(cam, 'streaming');
      // Its RTSP server comes back before its stream: the same port answers 404 for the camera's path.
      await first.kill();
      rebooted = await startRtspCamera({ port: first.port, mount: '/booting' });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no 404 from the rebooting camera')), 15_000);
        const on = (t: CameraTransition) => {
          if (t.reason !== 'not_found') return;
          clearTimeout(timer);
          cam.off('state', on);
          resolve();
        };
        cam.on('state', on);
      });
      const t = transitions.findLast((x) => x.reason === 'not_found')!;
      expect(t.to).toBe('backoff');
      expect(t.retryInMs).toBeLessThanOrEqual(1500 * 1.2);
    } finally {
      await cam.stop();
      await rebooted?.stop();
      await first.stop();
    }
  }, 60_000);
});

describe('Camera with nothing listening', () => {
  it('backs off with a growing delay, logging the failure once', async () => {
    const port = await freePort();
    const lines: Array<{ level: number; msg: string }> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const { cam, transitions } = makeCamera(`rtsp://127.0.0.1:${port}/cam`, { backoffInitialMs: 100, log });
    cam.start();
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no 4 backoffs')), 15_000);
        cam.on('state', () => {
          if (transitions.filter((t) => t.to === 'backoff').length >= 4) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      await cam.stop();
    }
    const delays = transitions.filter((t) => t.to === 'backoff').map((t) => t.retryInMs!);
    // One warning for the repeated failure, not one per attempt.
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['camera backoff']);
    expect(transitions.find((t) => t.to === 'backoff')?.reason).toBe('unreachable');
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
  });
});
