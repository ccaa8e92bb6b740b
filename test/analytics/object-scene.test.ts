import { describe, expect, it } from 'vitest';
import { sameScene, wholeObject } from '../../src/analytics/object-scene.js';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });

describe('object scene', () => {
  it('grows the blob that raised an incident to the static region it lies in, not to blobs apart from it', () => {
    const legs = box(0.5, 0.5, 0.54, 0.54);
    // The static cells of the moment: the legs with the body joined to them, a bike a little apart, a car.
    const rider = box(0.5, 0.44, 0.62, 0.54);
    const bike = box(0.42, 0.48, 0.49, 0.55);
    const carFarOff = box(0.05, 0.1, 0.15, 0.2);
    expect(wholeObject(legs, [rider, bike, carFarOff])).toEqual(rider);
    expect(wholeObject(legs, [bike, carFarOff])).toEqual(legs);
    // The bike is of the same scene (one incident) all the same.
    expect(sameScene(legs, bike, 16 / 9)).toBe(true);
  });

  it('measures the gap in pixels: on a wide picture a gap across counts for more than one down', () => {
    const a = box(0.5, 0.5, 0.52, 0.52);
    const right = box(0.58, 0.5, 0.6, 0.52); // 0.06 of the width away
    const below = box(0.5, 0.58, 0.52, 0.6); // 0.06 of the height away
    expect(sameScene(a, below, 16 / 9)).toBe(true);
    expect(sameScene(a, right, 16 / 9)).toBe(false);
    expect(sameScene(a, below, 1)).toBe(false);
  });
});
