import { describe, expect, it } from 'vitest';
import type { TrafficClass } from '../../src/domain/traffic.js';
import { markRiders } from '../../src/tracking/riders.js';
import type { Detection } from '../../src/vision/detection.js';

/** A detection from a box in pixels of a 640x480 camera. */
const det = (cls: TrafficClass, x1: number, y1: number, x2: number, y2: number): Detection => ({
  cls,
  score: 0.8,
  x1: x1 / 640,
  y1: y1 / 480,
  x2: x2 / 640,
  y2: y2 / 480,
});

function riders(dets: Detection[], cls = dets.map((d) => d.cls)): number[] {
  const rider = new Uint8Array(8).fill(7);
  markRiders(dets, cls, rider);
  return Array.from(rider.subarray(0, dets.length));
}

describe('markRiders', () => {
  it('marks a rider of a motorcycle, and of a "car" the class correction calls a motorcycle', () => {
    const dets = [
      det('motorcycle', 100, 150, 140, 220),
      det('person', 105, 100, 135, 190),
      det('car', 300, 150, 340, 220),
      det('person', 305, 100, 335, 190),
    ];
    expect(riders(dets)).toEqual([0, 1, 0, 0]);
    expect(riders(dets, ['motorcycle', 'person', 'motorcycle', 'person'])).toEqual([0, 1, 0, 1]);
  });

  it('uses the detector rule: no rider of a pedestrian in front of a bike or beside it', () => {
    const dets = [
      det('motorcycle', 100, 150, 140, 220),
      det('person', 105, 140, 135, 250), // feet well below the wheels: standing in front
      det('person', 135, 120, 165, 220), // centre right of the bike
    ];
    expect(riders(dets)).toEqual([0, 0, 0]);
  });
});
