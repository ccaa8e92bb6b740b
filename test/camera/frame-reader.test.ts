import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/camera/frame.js';
import { FrameReader } from '../../src/camera/frame-reader.js';
import { readClipFrames } from '../../src/camera/read-clip-frames.js';
import { probeVideoSize } from '../../src/pipeline/clip-probe.js';
import { removeDir, requireBinary, tempDir, waitUntil } from '../support/process.js';
import { startRtspCamera } from '../support/rtsp-camera.js';

requireBinary('ffmpeg', 'ffmpeg');
const CLIP = pathToFileURL(resolve('media/nl_motorway_overpass.mp4')).href; // 1280x720, 335 frames, 11.2 s

/**
 * Takes every frame the reader publishes, `delayMs` later when given (a slow consumer). `frames.scheduled`
 * counts the takes still waiting: the reader may exit before a slow consumer has taken its last frame.
 */
function collect(reader: FrameReader, onEach?: (f: Frame) => void, delayMs = 0) {
  const frames: Array<{ seq: number; ptsMs: number; len: number }> & { scheduled: number } = Object.assign(
    [],
    { scheduled: 0 },
  );
  const handle = () => {
    const f = reader.pool.take();
    if (!f) return;
    frames.push({ seq: f.seq, ptsMs: f.ptsMs, len: f.data.length });
    onEach?.(f);
    reader.pool.release(f);
  };
  reader.pool.onFrame(() => {
    if (delayMs <= 0) return handle();
    frames.scheduled++;
    setTimeout(() => {
      frames.scheduled--;
      handle();
    }, delayMs);
  });
  return frames;
}

describe('FrameReader on a file clip', () => {
  it('delivers every frame, letterboxed to the detector size, when not realtime', async () => {
    const reader = new FrameReader({
      cameraId: 'c',
      url: CLIP,
      width: 416,
      height: 416,
      realtime: false,
      loop: false,
    });
    let checked = false;
    const frames = collect(reader, (f) => {
      if (checked) return;
      checked = true;
      expect(f.geometry).toMatchObject({
        srcWidth: 1280,
        srcHeight: 720,
        contentWidth: 416,
        contentHeight: 234,
      });
      // Right/bottom padding is grey 114 in all channels; image rows are not.
      const row = (y: number) => f.data.subarray(y * 416 * 3, (y + 1) * 416 * 3);
      expect(row(415).every((v) => v === 114)).toBe(true);
      expect(row(234).every((v) => v === 114)).toBe(true);
      expect(row(100).every((v) => v === 114)).toBe(false);
    });
    let ended = false;
    reader.on('end', () => {
      ended = true;
    });
    reader.start();
    const exit = await reader.exited;
    expect(exit).toMatchObject({ code: 0, ended: true, stopped: false });
    expect(ended).toBe(true);
    expect(checked).toBe(true);
    expect(frames.length).toBe(335);
    expect(frames.every((f) => f.len === 416 * 416 * 3)).toBe(true);
    expect(frames.map((f) => f.seq)).toEqual([...Array(335).keys()]);
    expect(reader.pool.skipped).toBe(0);
  });

  it('runs the decoder and the scale/pad filters on the given thread count', () => {
    const args = new FrameReader({
      cameraId: 'c',
      url: CLIP,
      width: 416,
      height: 416,
      decoderThreads: 1,
    }).args();
    const before = args.slice(0, args.indexOf('-i'));
    expect(before.join(' ')).toContain('-threads 1 -filter_threads 1');
    const auto = new FrameReader({ cameraId: 'c', url: CLIP, width: 416, height: 416 }).args();
    expect(auto).not.toContain('-filter_threads');
  });

  it('reduces to the detect fps with ptsMs = index / fps, losslessly even with a slow consumer', async () => {
    const reader = new FrameReader({
      cameraId: 'c',
      url: CLIP,
      width: 320,
      height: 320,
      fps: 5,
      realtime: false,
      loop: false,
    });
    const frames = collect(reader, undefined, 5);
    reader.start();
    const exit = await reader.exited;
    await waitUntil('the slow consumer took the last frame', async () => frames.scheduled === 0, {
      timeoutMs: 5000,
    });
    expect(exit.ended).toBe(true);
    expect(frames.length).toBe(56);
    expect(reader.pool.skipped).toBe(0);
    expect(frames[10]!.ptsMs).toBe(2000);
    expect(frames.at(-1)!.ptsMs).toBe(11000);
  });

  it('loops a clip that starts before its first key frame (the committed demo clip)', async () => {
    // demo/residential_street_parked_cars.mp4: 754 frames, the first 18 before the first key frame.
    const reader = new FrameReader({
      cameraId: 'c',
      url: pathToFileURL(resolve('demo/residential_street_parked_cars.mp4')).href,
      width: 416,
      height: 416,
      realtime: false,
      loop: true,
    });
    const frames = collect(reader);
    let exit: unknown;
    reader.exited.then((e) => {
      exit = e;
    });
    reader.start();
    await waitUntil(
      'a second pass of the clip',
      async () => frames.length > 754 + 100 || exit !== undefined,
      {
        timeoutMs: 30_000,
      },
    );
    expect(exit, 'ffmpeg exited at the end of the first pass').toBeUndefined();
    await reader.stop();
    expect(frames.length).toBeGreaterThan(854);
  });

  it('a slow consumer of a realtime source gets counted skips and bounded buffers', async () => {
    const reader = new FrameReader({
      cameraId: 'c',
      url: CLIP,
      width: 416,
      height: 416,
      realtime: true,
      loop: true,
    });
    let taken = 0;
    // Consumer takes at most one frame every 200 ms from a ~30 fps source.
    const timer = setInterval(() => {
      const f = reader.pool.take();
      if (f) {
        taken++;
        reader.pool.release(f);
      }
    }, 200);
    reader.start();
    await new Promise<void>((r) => {
      const off = reader.pool.onFrame(() => {
        if (reader.framesOut >= 45) {
          off();
          r();
        }
      });
    });
    clearInterval(timer);
    await reader.stop();
    expect(reader.pool.skipped).toBeGreaterThan(20);
    expect(reader.pool.published).toBe(reader.framesOut);
    expect(taken).toBeLessThan(15);
    expect(taken + reader.pool.skipped).toBeLessThanOrEqual(reader.framesOut);
  });

  it('readClipFrames iterates a clip at a detect fps, and stops ffmpeg on break', async () => {
    let n = 0;
    let lastPts = -1;
    for await (const f of readClipFrames({ cameraId: 'c', url: CLIP, width: 416, height: 416, fps: 5 })) {
      expect(f.ptsMs).toBeGreaterThan(lastPts);
      lastPts = f.ptsMs;
      n++;
    }
    expect(n).toBe(56);
    let m = 0;
    for await (const _ of readClipFrames({ cameraId: 'c', url: CLIP, width: 416, height: 416 })) {
      if (++m === 3) break;
    }
    expect(m).toBe(3);
    const missing = pathToFileURL(resolve('media/nope.mp4')).href;
    await expect(async () => {
      for await (const _ of readClipFrames({ cameraId: 'c', url: missing, width: 416, height: 416 })) {
      }
    }).rejects.toThrow(/not_found/);
  });

  it('reads a clip filmed upright on a phone (stored turned, with a display matrix) as players show it', async () => {
    const dir = tempDir('ioc-edge-phone-');
    try {
      // The demo clip's first frames stored a quarter turn round, tagged to be shown turned back (as a phone
      // stores them; -frames, not -t: the clip's first second is before its first key frame).
      const demo = resolve('media/residential_street_parked_cars.mp4');
      const stored = join(dir, 'stored.mp4');
      const phone = join(dir, 'phone.mp4');
      const ff = (...args: string[]) =>
        expect(spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...args], { encoding: 'utf8' }).stderr).toBe(
          '',
        );
      ff('-i', demo, '-frames:v', '10', '-vf', 'transpose=1', '-c:v', 'libx264', '-crf', '10', '-an', stored);
      ff('-i', stored, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', phone);
      expect(probeVideoSize(phone)).toEqual([640, 360]);
      const first = async (file: string) => {
        for await (const f of readClipFrames({
          cameraId: 'c',
          url: pathToFileURL(file).href,
          width: 416,
          height: 416,
        })) {
          return { geometry: { ...f.geometry }, data: Uint8Array.from(f.data) };
        }
        throw new Error(`${file}: no frame`);
      };
      const [a, b] = [await first(demo), await first(phone)];
      expect(b.geometry).toMatchObject({
        srcWidth: 640,
        srcHeight: 360,
        contentWidth: 416,
        contentHeight: 234,
      });
      // The same picture, not a sideways one squeezed into the landscape slot.
      let diff = 0;
      for (let i = 0; i < a.data.length; i++) diff += Math.abs(a.data[i]! - b.data[i]!);
      expect(diff / a.data.length).toBeLessThan(4);
    } finally {
      removeDir(dir);
    }
  });

  it('reads frames over a private socket that is gone once the reader ends or is stopped', async () => {
    const socketDir = (pid: number) => {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return dirname(args.find((a) => a.startsWith('unix:'))!.slice('unix:'.length));
    };
    const ended = new FrameReader({
      cameraId: 'c',
      url: CLIP,
      width: 320,
      height: 320,
      fps: 2,
      realtime: false,
      loop: false,
    });
    const frames = collect(ended);
    ended.start();
    const dir = socketDir(ended.pid!);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect((await ended.exited).ended).toBe(true);
    expect(frames.length).toBe(22);
    expect(existsSync(dir)).toBe(false);

    const stopped = new FrameReader({
      cameraId: 'c',
      url: CLIP,
      width: 320,
      height: 320,
      realtime: true,
      loop: true,
    });
    const some = collect(stopped);
    stopped.start();
    const dir2 = socketDir(stopped.pid!);
    await waitUntil('frames from the realtime reader', async () => some.length >= 3, { timeoutMs: 10_000 });
    expect((await stopped.stop())?.stopped).toBe(true);
    expect(existsSync(dir2)).toBe(false);
  });

  it("removes the socket dirs a killed gateway left behind, never a running process's", async () => {
    const base = tempDir('frame-socket-sweep');
    const dead = spawnSync('true').pid!;
    const stale = join(base, `ioc-edge-frames-${dead}-AbC123`);
    const live = join(base, `ioc-edge-frames-${process.ppid}-XyZ789`);
    const other = join(base, 'ioc-edge-frames-notapid');
    for (const d of [stale, live, other]) mkdirSync(d);
    writeFileSync(join(stale, 'frames.sock'), '');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = base;
    try {
      const reader = new FrameReader({
        cameraId: 'c',
        url: CLIP,
        width: 320,
        height: 320,
        fps: 1,
        realtime: false,
        loop: false,
      });
      collect(reader);
      reader.start();
      expect((await reader.exited).ended).toBe(true);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(other)).toBe(true);
      // Its own dir is gone too.
      expect(readdirSync(base).sort()).toEqual(
        ['ioc-edge-frames-notapid', `ioc-edge-frames-${process.ppid}-XyZ789`].sort(),
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      removeDir(base);
    }
  });

  it('a reader that cannot make its socket exits at once saying why, and never throws', async () => {
    const dir = tempDir('frame-socket');
    const notADir = join(dir, 'file');
    writeFileSync(notADir, '');
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = notADir;
    try {
      const reader = new FrameReader({ cameraId: 'c', url: CLIP, width: 320, height: 320 });
      expect(() => reader.start()).not.toThrow();
      const exit = await reader.exited;
      expect(exit).toMatchObject({ ended: false, reason: 'bad_config' });
      expect(exit.stderrTail.join('\n')).toMatch(/no frame socket: ENOTDIR/);
      expect(reader.pid).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      removeDir(dir);
    }
  });

  it('reports a missing file as not_found', async () => {
    const reader = new FrameReader({
      cameraId: 'c',
      url: pathToFileURL(resolve('media/does-not-exist.mp4')).href,
      width: 416,
      height: 416,
    });
    reader.start();
    const exit = await reader.exited;
    expect(exit.ended).toBe(false);
    expect(exit.reason).toBe('not_found');
  });
});

describe('FrameReader on an RTSP camera', () => {
  it.each(['tcp', 'udp'] as const)(
    'reads 25 letterboxed frames at 5 fps from the RTSP helper over %s',
    async (transport) => {
      const cam = await startRtspCamera({ user: 'u', password: 'p' });
      try {
        const reader = new FrameReader({
          cameraId: 'c',
          url: cam.url,
          width: 416,
          height: 416,
          fps: 5,
          transport,
        });
        const frames = collect(reader);
        const info = new Promise((r) => reader.once('info', r));
        reader.start();
        await new Promise<void>((r) => {
          const off = reader.pool.onFrame(() => {
            if (reader.framesOut >= 25) {
              off();
              r();
            }
          });
        });
        const exit = await reader.stop();
        expect(exit?.stopped).toBe(true);
        expect(await info).toMatchObject({ codec: 'h264', width: 640, height: 360, fps: 25 });
        expect(frames.length).toBeGreaterThanOrEqual(25);
        expect(frames[24]!.ptsMs).toBe(24 * 200);
        expect(reader.geometry).toMatchObject({ contentWidth: 416, contentHeight: 234 });
      } finally {
        await cam.stop();
      }
    },
  );
});
