import { describe, expect, it } from 'vitest';
import { WrongWay } from '../../../src/analytics/rules/wrong-way.js';
import { ended, RuleScene, type SceneTrack, started, zoneConfig } from '../../support/rule-scene.js';

const LANE = zoneConfig('lane', 'carriageway', undefined, { direction: [1, 0], wrongWayFrames: 5 });
const BOX: [number, number, number, number] = [0.4, 0.4, 0.5, 0.5];

/** Sets the track's image velocity (x in frame heights/s) and its speed in box heights/s. */
function moving(t: SceneTrack, vx: number, vy: number, normSpeed = 2): void {
  t.info.vx = vx;
  t.info.vy = vy;
  t.info.normSpeed = normSpeed;
}

describe('WrongWay', () => {
  it('raises after wrongWayFrames matched frames heading against the zone direction, ends when it leaves', () => {
    const s = new RuleScene([LANE]);
    const car = s.add(1, 'car', BOX, { zones: ['lane'] });
    moving(car, -0.2, 0.05);
    const rule = new WrongWay(s.zones, 0.3);
    expect(s.run(rule, 0, 300)).toEqual([]);
    const events = s.step(rule, 400);
    expect(started(events)).toMatchObject([
      { type: 'wrong_way', severity: 'critical', zoneId: 'lane', cls: 'car', trackIds: [1], startPtsMs: 400 },
    ]);
    expect(s.run(rule, 500, 2000)).toEqual([]);
    s.leave(car, 'lane');
    expect(ended(s.step(rule, 2100))).toEqual(started(events));
    // Back in the zone, the count starts again.
    s.enter(car, 'lane', 2200);
    expect(started(s.run(rule, 2200, 2500))).toEqual([]);
    expect(started(s.step(rule, 2600))).toHaveLength(1);
  });

  it('never counts a vehicle following the direction, a slow one, a person or a motion-gated frame', () => {
    const s = new RuleScene([LANE]);
    moving(s.add(1, 'car', BOX, { zones: ['lane'] }), 0.2, 0);
    moving(s.add(2, 'car', BOX, { zones: ['lane'] }), -0.2, 0, 0.1);
    moving(s.add(3, 'person', BOX, { zones: ['lane'] }), -0.2, 0);
    moving(s.add(4, 'motorcycle', BOX, { zones: ['lane'] }), -0.2, 0);
    const rule = new WrongWay(s.zones, 0.3);
    expect(s.run(rule, 0, 2000, 100, { inferred: false })).toEqual([]);
    // Detector frames again: only the motorcycle heading against the lane.
    expect(started(s.run(rule, 2100, 4000)).map((i) => i.trackIds[0])).toEqual([4]);
  });

  it('heading across neither counts nor resets; heading along resets the count', () => {
    const s = new RuleScene([LANE]);
    const car = s.add(1, 'car', BOX, { zones: ['lane'] });
    const rule = new WrongWay(s.zones, 0.3);
    moving(car, -0.2, 0);
    s.run(rule, 0, 300); // 4 frames against
    moving(car, 0, 0.2);
    expect(s.run(rule, 400, 800)).toEqual([]); // across
    moving(car, -0.2, 0);
    expect(started(s.step(rule, 900))).toHaveLength(1); // the 5th against

    const t = new RuleScene([LANE]);
    const other = t.add(1, 'car', BOX, { zones: ['lane'] });
    const rule2 = new WrongWay(t.zones, 0.3);
    moving(other, -0.2, 0);
    t.run(rule2, 0, 300);
    moving(other, 0.2, 0.1);
    t.step(rule2, 400); // along: starts over
    moving(other, -0.2, 0);
    expect(started(t.run(rule2, 500, 800))).toEqual([]);
    expect(started(t.step(rule2, 900))).toHaveLength(1);
  });

  it('ignores zones without a direction', () => {
    const s = new RuleScene([zoneConfig('road', 'carriageway')]);
    moving(s.add(1, 'car', BOX, { zones: ['road'] }), -0.2, 0);
    expect(s.run(new WrongWay(s.zones, 0.3), 0, 2000)).toEqual([]);
  });
});
