import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NL_LINE } from '../support/clip-cameras.js';
import { runClip } from '../support/run-clip.js';
import { MEDIA } from '../support/vision.js';

const truth = JSON.parse(readFileSync(join(MEDIA, 'ground-truth.json'), 'utf8'))['nl_motorway_overpass.mp4'];

describe('accuracy: NL motorway overpass, line at y = 0.5', () => {
  it('counts exactly the hand-counted cars: 11 down, 0 up, nothing else, at the right times', async () => {
    const run = await runClip('nl_motorway_overpass.mp4', `detect: { fps: 10 }\n${NL_LINE}`);
    const counts = run.stage.counts().main!;
    expect(counts.down!.car).toBe(truth.counts.down.car);
    expect(counts.up!.car).toBe(truth.counts.up.car);
    for (const cls of ['truck', 'bus', 'motorcycle', 'bicycle', 'person'] as const) {
      expect(counts.down![cls]).toBe(0);
      expect(counts.up![cls]).toBe(0);
    }
    const times = run.events
      .flatMap((e) => (e.type === 'line_crossing' ? [e.ptsMs / 1000] : []))
      .sort((a, b) => a - b);
    const expected: number[] = truth.crossingTimesSeconds;
    // Each counted crossing is near a hand-counted one (detector runs at 10 fps: ±0.35 s).
    times.forEach((t, i) => {
      expect(Math.abs(t - expected[i]!)).toBeLessThan(0.35);
    });
    // The whole clip (11.2 s) is analysed well above real time.
    expect(run.frames).toBe(335);
  });
});
