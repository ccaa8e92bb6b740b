import { describe, expect, it } from 'vitest';
import { CarParts } from '../../../src/analytics/rules/car-parts.js';
import type { TrafficClass } from '../../../src/domain/traffic.js';
import { Track } from '../../../src/tracking/track.js';

function track(id: number, cls: TrafficClass, x1: number, y1: number, x2: number, y2: number): Track {
  const t = new Track();
  t.start(id, cls, 0.6, x1, y1, x2, y2);
  return t;
}

/** Moves a track's raw box down by `dy` (a matched detection). */
function down(t: Track, dy: number): void {
  t.y1 += dy;
  t.y2 += dy;
}

describe('CarParts', () => {
  it("takes a motorcycle box lying on one car's box on nearly all its looks for the car's part", () => {
    // Jakarta: a "motorcycle" box on the right front corner of the blue taxi, 12 of 12 looks.
    const parts = new CarParts();
    const taxi = track(1, 'car', 0.35, 0.7, 0.42, 0.85);
    const corner = track(2, 'motorcycle', 0.395, 0.77, 0.415, 0.84);
    const rider = track(3, 'motorcycle', 0.6, 0.7, 0.62, 0.78);
    for (let k = 0; k < 12; k++) {
      parts.update([taxi, corner, rider], 100 * k);
      for (const t of [taxi, corner, rider]) down(t, 0.005);
    }
    expect(parts.isPart(2)).toBe(true);
    // Controls: a rider beside the car; the car itself; a box on the car for 7 looks in 0.24 s (a rider
    // just in front of a car near the camera, seen every frame).
    expect(parts.isPart(3)).toBe(false);
    expect(parts.isPart(1)).toBe(false);
    const fresh = new CarParts();
    for (let k = 0; k < 7; k++) fresh.update([taxi, corner], 40 * k);
    expect(fresh.isPart(2)).toBe(false);
  });

  it('does not take a rider passing in front of a car for its part', () => {
    // Inside the car's box on 3 of its 10 looks (riding past its front), beside it on the rest.
    const parts = new CarParts();
    const car = track(1, 'car', 0.4, 0.6, 0.5, 0.75);
    const rider = track(2, 'motorcycle', 0.43, 0.66, 0.46, 0.74);
    for (let k = 0; k < 10; k++) {
      if (k === 3) {
        rider.x1 += 0.1;
        rider.x2 += 0.1;
      }
      parts.update([car, rider], 100 * k);
    }
    expect(parts.isPart(2)).toBe(false);
    parts.forget(2);
    expect(parts.isPart(2)).toBe(false);
  });
});
