import { describe, expect, it } from 'vitest';
import type { FrameGeometry } from '../../src/camera/frame.js';
import { FramePool } from '../../src/camera/frame-pool.js';
import { FrameSlicer } from '../../src/camera/frame-slicer.js';

const GEOMETRY: FrameGeometry = {
  srcWidth: 8,
  srcHeight: 4,
  width: 4,
  height: 2,
  scale: 0.5,
  contentWidth: 4,
  contentHeight: 2,
};
const FRAME = 4 * 2 * 3;

/** Byte `i` of the stream: frame `i / FRAME` is recognisable by its bytes. */
const byteAt = (i: number) => (i * 7 + Math.floor(i / FRAME)) & 255;

/**
 * Feeds `total` stream bytes in chunks of the given sizes through ONE reused buffer, as the socket does
 * (onread): after each call the buffer is scribbled over, so bytes the slicer kept by reference show up.
 */
function feeder(slicer: FrameSlicer, sizes: number[]) {
  const chunk = Buffer.alloc(64);
  let pos = 0;
  let k = 0;
  return {
    paused: false,
    get pos() {
      return pos;
    },
    /** Delivers chunks until paused or `total` bytes are out. */
    run(total: number) {
      while (!this.paused && pos < total) {
        const n = Math.min(sizes[k++ % sizes.length]!, total - pos);
        for (let i = 0; i < n; i++) chunk[i] = byteAt(pos + i);
        pos += n;
        slicer.data(chunk, n);
        chunk.fill(0xee);
      }
    },
  };
}

describe('FrameSlicer', () => {
  it('keeps whole frames intact when every read lands in the same reused buffer, losslessly', async () => {
    const pool = new FramePool('c', 4, 2, 3);
    const slicer = new FrameSlicer(pool, true, 0);
    const feed = feeder(slicer, [5, 31, 64, 1, 17, 48]);
    slicer.attach({
      pause: () => {
        feed.paused = true;
      },
      resume: () => {
        feed.paused = false;
      },
    });
    slicer.setGeometry(GEOMETRY, 10);
    const frames = 40;
    const got: number[][] = [];
    let pauses = 0;
    for (let guard = 0; got.length < frames && guard < 10_000; guard++) {
      feed.run(frames * FRAME);
      if (feed.paused) pauses++;
      // A slow consumer: one frame per round, the reader held back meanwhile.
      const f = pool.take();
      if (f) {
        got.push([...f.data]);
        pool.release(f);
      }
      // The slicer goes on after take() returns, on the next tick.
      await new Promise<void>((r) => process.nextTick(r));
    }
    expect(pauses).toBeGreaterThan(frames / 2);
    expect(got.length).toBe(frames);
    for (let n = 0; n < frames; n++) {
      expect(got[n], `frame ${n}`).toEqual(Array.from({ length: FRAME }, (_, i) => byteAt(n * FRAME + i)));
    }
    expect(pool.skipped).toBe(0);
  });

  it('holds frames until the geometry is known, then publishes them in order', () => {
    const pool = new FramePool('c', 4, 2, 3);
    const slicer = new FrameSlicer(pool, true, 0);
    const feed = feeder(slicer, [10, 20]);
    slicer.attach({
      pause: () => {
        feed.paused = true;
      },
      resume: () => {
        feed.paused = false;
        feed.run(3 * FRAME);
      },
    });
    const seen: number[] = [];
    pool.onFrame(() => {
      const f = pool.take()!;
      seen.push(f.data[0]!);
      pool.release(f);
    });
    feed.run(3 * FRAME);
    expect(feed.paused).toBe(true);
    expect(seen).toEqual([]);
    slicer.setGeometry(GEOMETRY, 10);
    expect(seen).toEqual([0, 1, 2].map((n) => byteAt(n * FRAME)));
    expect(feed.pos).toBe(3 * FRAME);
  });
});
