import { describe, expect, it } from 'vitest';
import { TrackInfo } from '../../src/analytics/track-info.js';
import { Track } from '../../src/tracking/track.js';

/** A track whose box (0.05 x 0.1) is centred on (x, 0.5) and last scored `score`. */
function at(t: Track, x: number, score: number): Track {
  t.kf.init(x, 0.5, 0.05, 0.1);
  t.observe('person', score, x - 0.025, 0.45, x + 0.025, 0.55);
  return t;
}

describe('TrackInfo.peakScore', () => {
  it('is the best score the track had until it came to rest, not what it scores once resting', () => {
    const t = new Track();
    t.start(1, 'person', 0.5, 0.075, 0.45, 0.125, 0.55);
    const info = new TrackInfo();
    info.reset(t, 0, 0);
    const scratch = new Float64Array(2);
    // Moving right, 0.1 of the picture a second, scores rising to 0.8.
    for (let i = 1; i <= 10; i++)
      info.update(at(t, 0.1 + i * 0.01, 0.5 + 0.03 * i), i * 100, 16 / 9, undefined, scratch);
    expect(info.peakScore).toBeCloseTo(0.8);
    // Standing still from 1 s: within its first second at rest a better look still counts ...
    info.update(at(t, 0.2, 0.85), 1500, 16 / 9, undefined, scratch);
    expect(info.peakScore).toBeCloseTo(0.85);
    // ... after it, neither a better nor a worse one does (what it is at rest is measured against it).
    for (let pts = 1600; pts <= 4000; pts += 100)
      info.update(at(t, 0.2, pts === 3000 ? 0.95 : 0.2), pts, 16 / 9, undefined, scratch);
    expect(info.stillMs(4000)).toBeGreaterThanOrEqual(2000);
    expect(info.peakScore).toBeCloseTo(0.85);
    // A new track starts from nothing, and one that has not moved has no best while moving.
    info.reset(t, 0, 5000);
    for (let pts = 5100; pts <= 6000; pts += 100)
      info.update(at(t, 0.2, 0.9), pts, 16 / 9, undefined, scratch);
    expect(info.peakScore).toBe(0);
  });
});
