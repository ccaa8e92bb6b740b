import { describe, expect, it } from 'vitest';
import type { ZoneConfig } from '../../src/config/schema.js';
import { runScene } from '../support/analytics-scene.js';
import type { SimObject } from '../support/synthetic-traffic.js';

const ROAD: ZoneConfig = {
  id: 'road',
  kind: 'carriageway',
  polygon: [
    [0, 0.2],
    [1, 0.2],
    [1, 1],
    [0, 1],
  ],
  stoppedAfter: 30_000,
  wrongWayFrames: 5,
};

function pedestrianIncidents(objects: SimObject[], seconds: number) {
  return runScene({ zones: [ROAD] }, objects, 10, seconds).started.filter(
    (i) => i.type === 'pedestrian_in_carriageway',
  );
}

/** A car crawling down the road in a jam, and whatever follows it. */
const car: SimObject = { name: 'car', cls: 'car', x: 0.5, y: 0.5, w: 0.12, h: 0.1, vx: 0, vy: 0.03 };

describe('pedestrian_in_carriageway only for a person seen in clear view', () => {
  it('raises it for a person crossing in front of the queued traffic', () => {
    const ped = pedestrianIncidents(
      [car, { name: 'p', cls: 'person', x: 0.2, y: 0.75, w: 0.025, h: 0.08, vx: 0.1, vy: 0 }],
      5,
    );
    expect(ped).toHaveLength(1);
    expect(ped[0]!.startPtsMs).toBeLessThan(1500);
  });

  it('does not raise it for a "person" right behind the car in front (a rider whose bike that car hides)', () => {
    // The person's box ends at the car's top edge and moves with the car: its lower part is out of sight.
    const ped = pedestrianIncidents(
      [car, { name: 'r', cls: 'person', x: 0.52, y: 0.41, w: 0.02, h: 0.08, vx: 0, vy: 0.03 }],
      6,
    );
    expect(ped).toEqual([]);
  });

  it('raises it once a person who stood behind a car steps out in front of it', () => {
    const ped = pedestrianIncidents(
      [
        { ...car, vy: 0 },
        {
          name: 'p',
          cls: 'person',
          x: 0.5,
          y: 0.41,
          w: 0.025,
          h: 0.08,
          vx: 0,
          vy: 0,
          path: (t) => [0.5, t < 3 ? 0.41 : 0.65],
        },
      ],
      6,
    );
    expect(ped).toHaveLength(1);
    expect(ped[0]!.startPtsMs).toBeGreaterThanOrEqual(3000);
  });

  it('does not raise it for a person box cut by the bottom of the frame (a rider, the bike below the edge)', () => {
    const ped = pedestrianIncidents(
      [{ name: 'r', cls: 'person', x: 0.5, y: 0.96, w: 0.04, h: 0.08, vx: 0.01, vy: 0 }],
      4,
    );
    expect(ped).toEqual([]);
  });

  it('ends it as soon as the "pedestrian" turns out to ride a motorcycle', () => {
    const ped = pedestrianIncidents(
      [
        {
          name: 'r',
          cls: 'person',
          x: 0.3,
          y: 0.4,
          // A walker's proportions (0.44 wide per tall in pixels): seated riders are wider (SEATED_ASPECT).
          w: 0.02,
          h: 0.08,
          vx: 0,
          vy: 0.04,
          override: (t) => (t >= 2 && t < 2.5 ? { cls: 'motorcycle', score: 0.5 } : undefined),
        },
      ],
      6,
    );
    expect(ped).toHaveLength(1);
    expect(ped[0]!.startPtsMs).toBeLessThan(2000);
    expect(ped[0]!.endPtsMs).toBeLessThan(3000);
  });
});
