import { describe, expect, it } from 'vitest';
import { ZoneCounts } from '../../../src/analytics/rules/zone-counts.js';
import { TRAFFIC_CLASSES } from '../../../src/domain/traffic.js';
import { RuleScene, zoneConfig } from '../../support/rule-scene.js';

const BOX: [number, number, number, number] = [0.4, 0.4, 0.5, 0.5];
const CAR = TRAFFIC_CLASSES.indexOf('car');
const TRUCK = TRAFFIC_CLASSES.indexOf('truck');
const PERSON = TRAFFIC_CLASSES.indexOf('person');

describe('ZoneCounts', () => {
  it('counts objects per class, and as traffic only vehicles that are not parked', () => {
    const s = new RuleScene([zoneConfig('road', 'carriageway'), zoneConfig('bay', 'parking')]);
    const moving = s.add(1, 'car', BOX, { zones: ['road'] });
    moving.info.speedKmh = 30;
    moving.info.normSpeed = 1;
    const parked = s.add(2, 'car', BOX, { zones: ['road', 'bay'] });
    parked.info.speedKmh = 0;
    s.add(3, 'person', BOX, { zones: ['road'] });
    s.add(4, 'car', BOX, { zones: ['road'], confirmed: false });
    const truck = s.add(5, 'truck', BOX, { zones: ['road'] });
    truck.info.normSpeed = 0.5; // no km/h measured yet
    s.step(new ZoneCounts(), 0);
    const road = s.zone('road');
    expect([road.now[CAR], road.now[TRUCK], road.now[PERSON]]).toEqual([2, 1, 1]);
    expect(road.vehiclesNow).toBe(2);
    expect(road.speedNow).toBe(30);
    expect(road.normSpeedNow).toBe(0.75);
    // In the parking zone itself its parked car is what it holds.
    const bay = s.zone('bay');
    expect([bay.now[CAR], bay.vehiclesNow, bay.speedNow]).toEqual([1, 1, 0]);
  });

  it('adds every frame to the interval statistics', () => {
    const s = new RuleScene([zoneConfig('road', 'carriageway')]);
    const rule = new ZoneCounts();
    s.step(rule, 0);
    const car = s.add(1, 'car', BOX, { zones: ['road'] });
    car.info.speedKmh = 40;
    s.step(rule, 100);
    s.add(2, 'car', BOX, { zones: ['road'] }).info.speedKmh = 20;
    s.step(rule, 200);
    const road = s.zone('road');
    expect(road.frames).toBe(3);
    expect(road.sum[CAR]).toBe(3);
    expect(road.max[CAR]).toBe(2);
    expect(road.speedSum / road.speedN).toBe(35);
  });
});
