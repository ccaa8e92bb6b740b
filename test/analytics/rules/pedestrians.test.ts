import { describe, expect, it } from 'vitest';
import { PedestriansOnCarriageway } from '../../../src/analytics/rules/pedestrians.js';
import { RIDER_NORM_SPEED } from '../../../src/analytics/track-info.js';
import { ended, RuleScene, started, zoneConfig } from '../../support/rule-scene.js';

const ROAD = zoneConfig('road', 'carriageway');
const WALK = zoneConfig('walk', 'sidewalk');
/** A person standing mid-frame, whole. */
const PERSON: [number, number, number, number] = [0.5, 0.3, 0.52, 0.4];

describe('PedestriansOnCarriageway', () => {
  it('raises for a person in clear view on the carriageway for afterMs, once, and ends when it leaves', () => {
    const s = new RuleScene([ROAD]);
    const p = s.add(1, 'person', PERSON, { zones: ['road'] });
    const rule = new PedestriansOnCarriageway(500);
    expect(s.run(rule, 0, 400)).toEqual([]);
    const events = s.step(rule, 500);
    expect(started(events)).toMatchObject([
      {
        type: 'pedestrian_in_carriageway',
        severity: 'high',
        zoneId: 'road',
        cls: 'person',
        trackIds: [1],
        detail: 'pedestrian on the carriageway in zone road',
      },
    ]);
    expect(s.run(rule, 600, 2000)).toEqual([]);
    s.leave(p, 'road');
    expect(ended(s.step(rule, 2100))).toEqual(started(events));
  });

  it('counts afterMs from the later of entering the zone and coming into clear view', () => {
    const s = new RuleScene([ROAD]);
    const p = s.add(1, 'person', PERSON, { zones: ['road'] });
    s.enter(p, 'road', 300);
    const rule = new PedestriansOnCarriageway(500);
    expect(started(s.run(rule, 0, 700))).toEqual([]);
    expect(started(s.step(rule, 800))).toHaveLength(1);

    const hidden = new RuleScene([ROAD]);
    hidden.add(1, 'person', PERSON, { zones: ['road'] });
    const rule2 = new PedestriansOnCarriageway(500);
    // Motion-gated frames (no detector run) do not start the clear-view clock.
    expect(hidden.run(rule2, 0, 1000, 100, { inferred: false })).toEqual([]);
    expect(started(hidden.run(rule2, 1100, 1500))).toEqual([]);
    expect(started(hidden.step(rule2, 1600))).toHaveLength(1);
  });

  it('raises nothing for a person behind a nearer vehicle, on a sidewalk, riding, or seen fewer than 3 times', () => {
    const s = new RuleScene([ROAD, WALK]);
    // Standing right behind a car nearer to the camera: its bike may be hidden by the car.
    s.add(1, 'person', [0.2, 0.3, 0.22, 0.4], { zones: ['road'] });
    s.add(2, 'car', [0.15, 0.38, 0.3, 0.5], { zones: ['road'] });
    s.add(3, 'person', PERSON, { zones: ['road', 'walk'] });
    s.add(4, 'person', [0.7, 0.3, 0.72, 0.4], { zones: ['road'], hits: 2 });
    const rider = s.add(5, 'person', [0.8, 0.3, 0.82, 0.4], { zones: ['road'] });
    rider.info.avgNormSpeed = RIDER_NORM_SPEED;
    expect(started(s.run(new PedestriansOnCarriageway(500), 0, 3000))).toEqual([]);
  });

  it('ends the incident when the "pedestrian" turns out to be a rider', () => {
    const s = new RuleScene([ROAD]);
    const p = s.add(1, 'person', PERSON, { zones: ['road'] });
    const rule = new PedestriansOnCarriageway(500);
    expect(started(s.run(rule, 0, 1000))).toHaveLength(1);
    p.info.trackCls = 'motorcycle'; // the tracker saw its motorcycle
    expect(ended(s.step(rule, 1100))).toHaveLength(1);
  });
});
