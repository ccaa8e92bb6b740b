import { describe, expect, it } from 'vitest';
import { StoppedVehicles } from '../../../src/analytics/rules/stopped-vehicles.js';
import { ended, RuleScene, started, zoneConfig } from '../../support/rule-scene.js';

const BOX: [number, number, number, number] = [0.4, 0.4, 0.5, 0.5];

describe('StoppedVehicles', () => {
  it('raises once after stoppedAfter standing still in a no_stopping zone, and ends when the vehicle moves on', () => {
    const s = new RuleScene([zoneConfig('shoulder', 'no_stopping')]);
    const car = s.add(1, 'car', BOX, { zones: ['shoulder'] });
    const rule = new StoppedVehicles();
    expect(s.run(rule, 0, 4900)).toEqual([]);
    const events = s.step(rule, 5000);
    expect(started(events)).toMatchObject([
      {
        type: 'stopped_vehicle',
        severity: 'medium',
        zoneId: 'shoulder',
        cls: 'car',
        trackIds: [1],
        startPtsMs: 5000,
        detail: 'car stopped 5 s in no_stopping zone shoulder',
      },
    ]);
    expect(s.run(rule, 5100, 8000)).toEqual([]);
    car.info.restSincePts = 8000; // it moved
    const end = s.step(rule, 8100);
    expect(ended(end)).toEqual([started(events)[0]]);
    expect(ended(end)[0]!.endPtsMs).toBe(8100);
    expect(s.incidents.open.size).toBe(0);
  });

  it('is high on a carriageway; nothing for a parked vehicle, a person, an unconfirmed track or another zone kind', () => {
    const road = new RuleScene([zoneConfig('road', 'carriageway')]);
    road.add(1, 'truck', BOX, { zones: ['road'] });
    expect(started(road.run(new StoppedVehicles(), 0, 8000, 500)).map((i) => i.severity)).toEqual(['high']);

    const s = new RuleScene([
      zoneConfig('shoulder', 'no_stopping'),
      zoneConfig('bay', 'parking'),
      zoneConfig('plaza', 'generic'),
    ]);
    s.add(1, 'car', BOX, { zones: ['shoulder'] });
    s.add(2, 'car', BOX, { zones: ['shoulder', 'bay'] });
    s.add(3, 'person', BOX, { zones: ['shoulder'] });
    s.add(4, 'car', BOX, { zones: ['shoulder'], confirmed: false });
    s.add(5, 'car', BOX, { zones: ['plaza'] });
    const incidents = started(s.run(new StoppedVehicles(), 0, 8000, 500));
    expect(incidents.map((i) => [i.trackIds[0], i.severity, i.zoneId])).toEqual([[1, 'medium', 'shoulder']]);
  });

  it('takes a vehicle waiting with two others on a carriageway for a queue, on a no_stopping zone not', () => {
    const road = new RuleScene([zoneConfig('road', 'carriageway')]);
    const shoulder = new RuleScene([zoneConfig('shoulder', 'no_stopping')]);
    for (const id of [1, 2, 3]) {
      road.add(id, 'car', BOX, { zones: ['road'] });
      shoulder.add(id, 'car', BOX, { zones: ['shoulder'] });
    }
    expect(started(road.run(new StoppedVehicles(), 0, 8000, 500))).toEqual([]);
    expect(started(shoulder.run(new StoppedVehicles(), 0, 8000, 500))).toHaveLength(3);
    // With one other waiting vehicle it is no queue.
    const two = new RuleScene([zoneConfig('road', 'carriageway')]);
    two.add(1, 'car', BOX, { zones: ['road'] });
    two.add(2, 'car', BOX, { zones: ['road'] });
    expect(started(two.run(new StoppedVehicles(), 0, 8000, 500))).toHaveLength(2);
  });

  it('ends the incident when the vehicle leaves the zone or its track is gone', () => {
    const s = new RuleScene([zoneConfig('shoulder', 'no_stopping')]);
    const a = s.add(1, 'car', BOX, { zones: ['shoulder'] });
    const b = s.add(2, 'car', BOX, { zones: ['shoulder'] });
    const rule = new StoppedVehicles();
    expect(started(s.run(rule, 0, 5000, 500))).toHaveLength(2);
    s.leave(a, 'shoulder');
    expect(ended(s.step(rule, 5500)).map((i) => i.trackIds[0])).toEqual([1]);
    s.remove(b);
    expect(ended(s.step(rule, 6000)).map((i) => i.trackIds[0])).toEqual([2]);
  });

  it('raises one incident, in the first zone, for a vehicle standing where two no_stopping zones overlap', () => {
    const s = new RuleScene([zoneConfig('a', 'no_stopping'), zoneConfig('b', 'no_stopping')]);
    s.add(1, 'car', BOX, { zones: ['a', 'b'] });
    const incidents = started(s.run(new StoppedVehicles(), 0, 8000, 500));
    expect(incidents.map((i) => i.zoneId)).toEqual(['a']);
  });
});
