import { describe, expect, it } from 'vitest';
import { ZoneTransits } from '../../../src/analytics/rules/zone-transits.js';
import { RuleScene, type SceneTrack, zoneConfig } from '../../support/rule-scene.js';

const ROAD = zoneConfig('road', 'carriageway', [
  [0, 0.5],
  [1, 0.5],
  [1, 1],
  [0, 1],
]);
const BOX: [number, number, number, number] = [0.4, 0.1, 0.5, 0.2];

/** Puts the track's bottom centre at (x, y). */
function at(t: SceneTrack, x: number, y: number): void {
  t.info.bx = x;
  t.info.by = y;
}

describe('ZoneTransits', () => {
  it('reports enter and leave by the bottom centre, the leave with the time spent inside', () => {
    const s = new RuleScene([ROAD]);
    const car = s.add(1, 'car', BOX);
    const rule = new ZoneTransits();
    at(car, 0.45, 0.4);
    expect(s.step(rule, 0)).toEqual([]);
    at(car, 0.45, 0.6);
    expect(s.step(rule, 100)).toMatchObject([
      { type: 'zone_enter', cameraId: 'cam', zoneId: 'road', trackId: 1, cls: 'car', ptsMs: 100 },
    ]);
    expect(s.run(rule, 200, 2000)).toEqual([]);
    // A box ending on the frame's bottom edge is still inside a zone drawn along it.
    at(car, 0.45, 1);
    expect(s.step(rule, 2100)).toEqual([]);
    at(car, 0.45, 0.3);
    expect(s.step(rule, 2600)).toMatchObject([
      { type: 'zone_leave', zoneId: 'road', trackId: 1, dwellMs: 2500 },
    ]);
    expect(car.info.inZone[0]).toBe(0);
  });

  it('follows confirmed tracks matched in detector frames only', () => {
    const s = new RuleScene([ROAD]);
    at(s.add(1, 'car', BOX, { confirmed: false }), 0.45, 0.6);
    const unmatched = s.add(2, 'car', BOX);
    unmatched.track.matched = false;
    at(unmatched, 0.45, 0.6);
    at(s.add(3, 'car', BOX), 0.45, 0.6);
    const rule = new ZoneTransits();
    expect(s.step(rule, 0, { inferred: false })).toEqual([]);
    expect(s.step(rule, 100).map((e) => e.type === 'zone_enter' && e.trackId)).toEqual([3]);
  });

  it('lets a track that ends leave every zone it was in', () => {
    const s = new RuleScene([ROAD, zoneConfig('all', 'generic')]);
    const car = s.add(1, 'car', BOX);
    at(car, 0.45, 0.6);
    const rule = new ZoneTransits();
    expect(s.step(rule, 0)).toHaveLength(2);
    s.ctx.events.length = 0;
    rule.trackEnded(car.track, car.info, s.ctx);
    expect(s.ctx.events.map((e) => e.type === 'zone_leave' && e.zoneId)).toEqual(['road', 'all']);
  });
});
