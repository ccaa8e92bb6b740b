import { describe, expect, it } from 'vitest';
import { sameScene, wholeObject } from '../../src/analytics/object-scene.js';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });

describe('object scene', () => {
  it('grows the blob that raised an incident by the parts of its scene, not by blobs further away', () => {
    const legs = box(0.5, 0.5, 0.54, 0.54);
    const body = box(0.54, 0.44, 0.62, 0.52); // touching the legs
    const bike = box(0.42, 0.48, 0.49, 0.55); // a gap under twice the legs' size
    const carFarOff = box(0.05, 0.1, 0.15, 0.2);
    const o = wholeObject(legs, [legs, body, bike, carFarOff], 16 / 9);
    expect(o).toEqual(box(0.42, 0.44, 0.62, 0.55));
    expect(wholeObject(legs, [carFarOff], 16 / 9)).toEqual(legs);
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
