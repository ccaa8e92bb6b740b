import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { inferenceSessionsFor } from '../../src/vision/detector-service.js';

/** `n` cameras detecting at 5 fps (unless `detect` says otherwise). */
function cameras(n: number, detect: Record<string, unknown> = {}) {
  return configSchema.parse({
    node: { id: 'n', site: 's' },
    cameras: Array.from({ length: n }, (_, i) => ({
      id: `c${i}`,
      url: 'rtsp://10.0.0.1/x',
      detect: { fps: 5, ...detect },
    })),
  }).cameras;
}

describe('inferenceSessionsFor', () => {
  it('one session per 40 inferences a second the cameras may ask for, at most one per core', () => {
    expect(inferenceSessionsFor([], { intraOpThreads: 1 }, 2)).toBe(1);
    expect(inferenceSessionsFor(cameras(8), { intraOpThreads: 1 }, 2)).toBe(1); // 8 x 5 fps
    expect(inferenceSessionsFor(cameras(9), { intraOpThreads: 1 }, 2)).toBe(2);
    expect(inferenceSessionsFor(cameras(16), { intraOpThreads: 1 }, 2)).toBe(2);
    expect(inferenceSessionsFor(cameras(40), { intraOpThreads: 1 }, 4)).toBe(4);
    // Tiles are inferences too; threads per inference leave fewer sessions to the cores.
    expect(
      inferenceSessionsFor(
        cameras(5, {
          tiles: [
            [0, 0, 1, 1],
            [0.5, 0, 1, 1],
          ],
        }),
        { intraOpThreads: 1 },
        2,
      ),
    ).toBe(2);
    expect(inferenceSessionsFor(cameras(16), { intraOpThreads: 2 }, 2)).toBe(1);
    // At the default rate (10 fps) four cameras ask for 40 a second, five for 50.
    const atDefault = (n: number) =>
      configSchema.parse({
        node: { id: 'n', site: 's' },
        cameras: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, url: 'rtsp://10.0.0.1/x' })),
      }).cameras;
    expect(inferenceSessionsFor(atDefault(4), { intraOpThreads: 1 }, 2)).toBe(1);
    expect(inferenceSessionsFor(atDefault(5), { intraOpThreads: 1 }, 2)).toBe(2);
  });

  it('counts a camera with automatic regions (a line, no tiles) at its planned cost in whole pictures', () => {
    const line = [
      {
        id: 'l',
        points: [
          [0, 0.8],
          [1, 0.8],
        ],
        directions: ['down', 'up'],
      },
    ];
    const withLines = (n: number, budget?: number) =>
      configSchema.parse({
        node: { id: 'n', site: 's' },
        cameras: Array.from({ length: n }, (_, i) => ({
          id: `c${i}`,
          url: 'rtsp://10.0.0.1/x',
          lines: line,
          detect: budget ? { fps: 5, budget } : { fps: 5 },
        })),
      }).cameras;
    expect(inferenceSessionsFor(withLines(3), { intraOpThreads: 1 }, 4)).toBe(1); // 3 x 5 fps x 2.44 (the plan of a 16:9 picture)
    expect(inferenceSessionsFor(withLines(4), { intraOpThreads: 1 }, 4)).toBe(2); // 50 a second
    expect(inferenceSessionsFor(withLines(4, 1), { intraOpThreads: 1 }, 4)).toBe(1);
  });
});
