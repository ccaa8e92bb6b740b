import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Camera } from '../../src/camera/camera.js';
import { waitUntil } from '../support/process.js';

const CLIP = pathToFileURL(resolve('media/uk_motorway_heavy_rain.mp4')).href; // 640x360, 25 fps

describe('a slow consumer', () => {
  it('causes counted skips, not queued frames or new buffers', async () => {
    const cam = new Camera({
      id: 'slow',
      url: CLIP,
      width: 416,
      height: 416,
      detectFps: 25,
      healthIntervalMs: 250,
    });
    const buffers = new Set<ArrayBufferLike>();
    let taken = 0;
    // Takes one frame every 300 ms (~3 fps) from a 25 fps camera.
    const timer = setInterval(() => {
      const f = cam.mailbox.take();
      if (!f) return;
      taken++;
      buffers.add(f.data.buffer);
      cam.mailbox.release(f);
    }, 300);
    const rssBefore = process.memoryUsage().rss;
    cam.start();
    let sawSkipRate = 0;
    cam.on('health', (h) => {
      sawSkipRate = Math.max(sawSkipRate, h.skippedFps);
    });
    try {
      await waitUntil('150 frames', async () => cam.health().framesTotal >= 150, { timeoutMs: 20_000 });
    } finally {
      clearInterval(timer);
      await cam.stop();
    }
    const h = cam.health();
    expect(taken).toBeGreaterThan(5);
    expect(cam.pool.skipped).toBeGreaterThan(100);
    // Every frame is either taken, skipped, or the one left in the mailbox.
    expect(taken + cam.pool.skipped).toBeGreaterThanOrEqual(h.framesTotal - 2);
    expect(sawSkipRate).toBeGreaterThan(10);
    // Frames come from the fixed pool: no new frame buffers, whatever the backlog.
    expect(buffers.size).toBeLessThanOrEqual(4);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
