import { describe, expect, it } from 'vitest';
import { CongestionState, DEFAULT_CONGESTION, instantLevel } from '../../src/analytics/congestion.js';
import { Homography } from '../../src/analytics/homography.js';
import type { ZoneConfig } from '../../src/config/schema.js';
import { runScene } from '../support/analytics-scene.js';
import type { SimObject } from '../support/synthetic-traffic.js';

function zone(
  id: string,
  kind: ZoneConfig['kind'],
  polygon: [number, number][],
  extra: Partial<ZoneConfig> = {},
): ZoneConfig {
  return { id, kind, polygon, stoppedAfter: 5000, wrongWayFrames: 5, ...extra };
}

/** A car standing at (0.5, 0.45) for 10 s, then driving off to the right at `speed` frame widths a second. */
function standsThenDrivesOff(speed: number): SimObject {
  return {
    name: 'c',
    cls: 'car',
    x: 0.5,
    y: 0.45,
    w: 0.08,
    h: 0.06,
    vx: 0,
    vy: 0,
    path: (t) => [0.5 + Math.max(0, t - 10) * speed, 0.45],
  };
}

const ROAD: [number, number][] = [
  [0, 0.3],
  [1, 0.3],
  [1, 0.7],
  [0, 0.7],
];
const KERB: [number, number][] = [
  [0, 0.7],
  [1, 0.7],
  [1, 1],
  [0, 1],
];

describe('zones', () => {
  it('reports enter and leave with dwell time, and occupancy per class', () => {
    const { events } = runScene(
      { zones: [zone('road', 'generic', ROAD)] },
      [{ name: 'c', cls: 'car', x: 0.5, y: 0.1, w: 0.08, h: 0.06, vx: 0, vy: 0.1 }],
      10,
      9,
    );
    const enter = events.find((e) => e.type === 'zone_enter');
    const leave = events.find((e) => e.type === 'zone_leave');
    expect(enter).toBeDefined();
    expect(leave?.type === 'zone_leave' && leave.dwellMs).toBeGreaterThan(3000);
    expect(leave?.type === 'zone_leave' && leave.dwellMs).toBeLessThan(5000);
    const occ = events.find((e) => e.type === 'zone_occupancy');
    expect(occ?.type === 'zone_occupancy' && occ.max.car).toBe(1);
    expect(occ?.type === 'zone_occupancy' && occ.max.person).toBe(0);
  });
});

describe('incidents', () => {
  it('raises a stopped vehicle in a no-stopping zone after stoppedAfter, and ends it when it drives off', () => {
    const { started, events } = runScene(
      { zones: [zone('shoulder', 'no_stopping', ROAD)] },
      [standsThenDrivesOff(0.15)],
      5,
      12,
    );
    expect(started.map((i) => i.type)).toEqual(['stopped_vehicle']);
    const end = events.find((e) => e.type === 'incident_end');
    expect(end?.type === 'incident_end' && end.incident.endPtsMs).toBeLessThan(11_500);
    expect(started[0]!.startPtsMs).toBeGreaterThanOrEqual(5000);
    expect(started[0]!.startPtsMs).toBeLessThan(6000);
  });

  it('never raises a stopped vehicle for a car in a parking zone, even when it overlaps the road', () => {
    const { started } = runScene(
      {
        zones: [
          zone('road', 'carriageway', [
            [0, 0.3],
            [1, 0.3],
            [1, 1],
            [0, 1],
          ]),
          zone('bay', 'parking', KERB),
        ],
      },
      [{ name: 'p', cls: 'car', x: 0.5, y: 0.8, w: 0.1, h: 0.08, vx: 0, vy: 0 }],
      5,
      20,
    );
    expect(started).toEqual([]);
  });

  it('raises one stopped vehicle, not one per zone, where a no-stopping zone overlaps the carriageway', () => {
    const { started, events } = runScene(
      {
        zones: [
          zone('box', 'no_stopping', [
            [0.3, 0.3],
            [0.7, 0.3],
            [0.7, 0.7],
            [0.3, 0.7],
          ]),
          zone('road', 'carriageway', ROAD),
        ],
      },
      [standsThenDrivesOff(0.3)],
      5,
      14,
    );
    const stopped = started.filter((i) => i.type === 'stopped_vehicle');
    expect(stopped.map((i) => [i.zoneId, i.severity])).toEqual([['road', 'high']]);
    // Once it drives off, the incident ends; the car leaves the no-stopping box without a second one.
    expect(events.filter((e) => e.type === 'incident_end').length).toBe(1);
  });

  it('does not treat a queue of waiting cars on the carriageway as stopped vehicles', () => {
    const cars: SimObject[] = [0.2, 0.4, 0.6, 0.8].map((x, i) => ({
      name: `q${i}`,
      cls: 'car',
      x,
      y: 0.5,
      w: 0.08,
      h: 0.06,
      vx: 0,
      vy: 0,
    }));
    const { started } = runScene({ zones: [zone('road', 'carriageway', ROAD)] }, cars, 5, 15);
    expect(started.filter((i) => i.type === 'stopped_vehicle')).toEqual([]);
  });

  it('raises wrong-way for a vehicle heading against the zone direction, not for one following it', () => {
    const { started } = runScene(
      { zones: [zone('lane', 'carriageway', ROAD, { direction: [1, 0] })] },
      [
        { name: 'ok', cls: 'car', x: 0.05, y: 0.4, w: 0.06, h: 0.05, vx: 0.15, vy: 0 },
        { name: 'bad', cls: 'car', x: 0.95, y: 0.6, w: 0.06, h: 0.05, vx: -0.15, vy: 0 },
      ],
      10,
      5,
    );
    const ww = started.filter((i) => i.type === 'wrong_way');
    expect(ww).toHaveLength(1);
    expect(ww[0]!.severity).toBe('critical');
  });

  it('raises pedestrian_in_carriageway while a person walks on the road', () => {
    const { started, events } = runScene(
      { zones: [zone('road', 'carriageway', ROAD)] },
      [{ name: 'p', cls: 'person', x: 0.5, y: 0.1, w: 0.02, h: 0.06, vx: 0, vy: 0.1 }],
      10,
      9,
    );
    expect(started.map((i) => i.type)).toEqual(['pedestrian_in_carriageway']);
    const end = events.find((e) => e.type === 'incident_end');
    expect(end?.type === 'incident_end' && end.incident.endPtsMs).toBeLessThan(8000);
  });

  it('raises a sudden queue when vehicles pile up and slow down', () => {
    // Free flow for 10 s (two cars moving), then five cars stand still in the zone.
    const flow: SimObject[] = [0, 1, 2, 3, 4, 5].map((i) => ({
      name: `f${i}`,
      cls: 'car',
      x: -0.05,
      y: 0.4 + (i % 2) * 0.15,
      w: 0.06,
      h: 0.05,
      vx: 0.25,
      vy: 0,
      from: i * 2,
      to: i * 2 + 2.5,
    }));
    const queue: SimObject[] = [0.15, 0.3, 0.45, 0.6, 0.75].map((x, i) => ({
      name: `q${i}`,
      cls: 'car',
      x,
      y: 0.5,
      w: 0.06,
      h: 0.05,
      vx: 0,
      vy: 0,
      from: 14,
    }));
    const { started } = runScene(
      { zones: [zone('road', 'carriageway', ROAD, { stoppedAfter: 60_000 })] },
      [...flow, ...queue],
      5,
      20,
    );
    expect(started.filter((i) => i.type === 'sudden_queue')).toHaveLength(1);
  });
});

describe('speed and congestion', () => {
  it('maps image points to metres with the calibration homography', () => {
    const h = Homography.fromPoints(
      [
        [0.2, 0.2],
        [0.8, 0.2],
        [1, 1],
        [0, 1],
      ],
      [
        [0, 100],
        [10, 100],
        [10, 0],
        [0, 0],
      ],
    );
    const out = new Float64Array(2);
    h.map(0.8, 0.2, out);
    expect(out[0]).toBeCloseTo(10, 6);
    expect(out[1]).toBeCloseTo(100, 6);
    h.map(0.5, 1, out);
    expect(out[0]).toBeCloseTo(5, 6);
    expect(out[1]).toBeCloseTo(0, 6);
  });

  it('measures km/h from track velocity on a calibrated camera', () => {
    // Image fractions map linearly: 1.0 of the frame = 100 m both ways. 0.1/s = 10 m/s = 36 km/h.
    const calibration = {
      image: [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ] as [number, number][],
      world: [
        [0, 0],
        [100, 0],
        [100, 100],
        [0, 100],
      ] as [number, number][],
    };
    const { events } = runScene(
      { calibration },
      [{ name: 'c', cls: 'car', x: 0.1, y: 0.5, w: 0.05, h: 0.05, vx: 0.1, vy: 0 }],
      10,
      12,
    );
    const sp = events.find((e) => e.type === 'track_speed');
    expect(sp?.type === 'track_speed' && sp.maxKmh).toBeGreaterThan(30);
    expect(sp?.type === 'track_speed' && sp.maxKmh).toBeLessThan(42);
  });

  it('takes the lower of the occupancy and speed levels', () => {
    expect(instantLevel(DEFAULT_CONGESTION, 0.9, 60)).toBe(0);
    expect(instantLevel(DEFAULT_CONGESTION, 0.9, 5)).toBe(3);
    expect(instantLevel(DEFAULT_CONGESTION, 0.1, 5)).toBe(0);
    expect(instantLevel(DEFAULT_CONGESTION, 0.65, undefined)).toBe(2);
  });

  it('changes level only after it held for the hold time', () => {
    const s = new CongestionState(30_000);
    expect(s.step(2, 0)).toBeUndefined();
    expect(s.step(2, 29_000)).toBeUndefined();
    expect(s.step(0, 29_500)).toBeUndefined();
    expect(s.step(2, 30_000)).toBeUndefined();
    expect(s.step(2, 60_000)).toBe('heavy');
  });

  it('publishes a congestion change with an alert when a zone fills up', () => {
    const cars: SimObject[] = [0.15, 0.3, 0.45, 0.6, 0.75].map((x, i) => ({
      name: `c${i}`,
      cls: 'car',
      x,
      y: 0.5,
      w: 0.06,
      h: 0.05,
      vx: 0,
      vy: 0,
      from: 2,
    }));
    const { events } = runScene(
      {
        zones: [
          zone('road', 'generic', ROAD, {
            capacity: 5,
            congestion: { ...DEFAULT_CONGESTION, hold: 3000 },
          }),
        ],
      },
      cars,
      5,
      10,
    );
    const changes = events.filter((e) => e.type === 'congestion');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.type === 'congestion' && changes[0]!.level).toBe('jammed');
    expect(changes[0]!.type === 'congestion' && changes[0]!.alert).toBe(true);
  });
});
